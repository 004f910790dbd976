import re

import pytest
from django.urls import reverse

from orders.models import Deal
from tests.factories import CounterpartyFactory, DealFactory

pytestmark = pytest.mark.django_db


def messages_in(response) -> list[str]:
    return re.findall(r'<li class="message[^"]*">([^<]*)</li>', response.content.decode())


@pytest.mark.parametrize(
    "url",
    ["/", "/deals/", "/deals/new/", "/deals/1/", "/counterparties/", "/search/?q=R", "/admin/"],
)
def test_anonymous_visitors_are_sent_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/") or response["Location"].startswith(
        "/admin/login/"
    )


def test_the_login_page_logs_a_manager_in_to_the_board(client, manager):
    response = client.post(
        "/login/", {"username": "anna", "password": "secret-pass-1"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("orders:deal-board")
    assert "Анна Петрова" in response.content.decode()


def test_another_managers_deal_is_not_found(client_of, manager, other_manager):
    deal = DealFactory(manager=manager)
    client = client_of(other_manager)
    assert client.get(f"/deals/{deal.pk}/").status_code == 404
    assert client.get(f"/deals/{deal.pk}/edit/").status_code == 404
    response = client.post(
        f"/deals/{deal.pk}/transition/",
        {"name": "start_realization", "expected_stage": "negotiation"},
    )
    assert response.status_code == 404
    deal.refresh_from_db()
    assert deal.stage == Deal.Stage.NEGOTIATION


def test_the_back_office_sees_deals_in_realization_only(client_of, manager, finance_clerk):
    hidden = DealFactory(manager=manager)
    visible = DealFactory(
        manager=manager, stage=Deal.Stage.REALIZATION, realization_number="R-2026-00007"
    )
    client = client_of(finance_clerk)
    assert client.get(f"/deals/{hidden.pk}/").status_code == 404
    page = client.get(f"/deals/{visible.pk}/").content.decode()
    assert "R-2026-00007" in page
    assert "Move to Realization" not in page  # read-only for the back office


def test_the_board_shows_own_deals_with_counts_and_sums(client_of, manager, other_manager):
    DealFactory(manager=manager, title="Насосы", amount="100.50", currency="RUB")
    DealFactory(manager=manager, title="Клапаны", amount="200.00", currency="RUB")
    DealFactory(manager=manager, title="Фильтры", amount="7.00", currency="USD")
    DealFactory(manager=other_manager, title="Чужая сделка")

    page = client_of(manager).get("/deals/").content.decode()

    for title in ("Насосы", "Клапаны", "Фильтры"):
        assert title in page
    assert "Чужая сделка" not in page
    negotiation = page.split('id="col-negotiation"')[1].split("</header>")[0]
    assert '<span class="count">3</span>' in negotiation
    assert "<span>301 RUB</span>" in negotiation  # whole units on the board
    assert "7 USD" in negotiation


def test_the_board_searches_title_number_and_customer(client_of, director):
    customer = CounterpartyFactory(name="АО «Северсталь»")
    DealFactory(title="Насосы", customer=customer)
    DealFactory(title="Клапаны", stage=Deal.Stage.REALIZATION, realization_number="R-2026-00042")
    DealFactory(title="Фильтры")
    client = client_of(director)

    def titles(q):
        page = client.get("/deals/", {"q": q}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="board")
        return set(re.findall(r'<strong class="title">([^<]*)</strong>', page.content.decode()))

    assert titles("северст") == {"Насосы"}
    assert titles("00042") == {"Клапаны"}
    assert titles("филь") == {"Фильтры"}


def test_the_director_filters_the_board_by_manager(client_of, director, manager, other_manager):
    DealFactory(manager=manager, title="Насосы")
    DealFactory(manager=other_manager, title="Клапаны")
    client = client_of(director)

    def titles(**params):
        page = client.get("/deals/", params, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="board")
        return set(re.findall(r'<strong class="title">([^<]*)</strong>', page.content.decode()))

    assert titles() == {"Насосы", "Клапаны"}
    assert titles(manager=manager.pk) == {"Насосы"}
    assert titles(manager=other_manager.pk, q="клап") == {"Клапаны"}
    assert 'name="manager"' in client.get("/deals/").content.decode()
    assert 'name="manager"' not in client_of(manager).get("/deals/").content.decode()


@pytest.mark.parametrize("count", [5, 200])
def test_the_board_runs_the_same_queries_for_5_and_200_deals(
    client_of, manager, django_assert_num_queries, count
):
    stages = list(Deal.Stage)
    for i in range(count):
        DealFactory(manager=manager, stage=stages[i % len(stages)])
    client = client_of(manager)
    # session, user, the user's groups, the user's departments (for the menu), the
    # totals, the cards (a manager has no manager filter)
    with django_assert_num_queries(6):
        response = client.get("/deals/")
    assert response.status_code == 200
    assert response.content.decode().count('class="dealcard"') == count


def test_moving_an_incomplete_deal_shows_what_is_missing(client_of, manager):
    deal = DealFactory(manager=manager, incomplete=True)
    response = client_of(manager).post(
        f"/deals/{deal.pk}/transition/",
        {"name": "start_realization", "expected_stage": "negotiation"},
        HTTP_HX_REQUEST="true",
    )
    assert messages_in(response) == [
        "The hand-over card lacks the customer.",
        "The hand-over card lacks the delivery address.",
        "The hand-over card lacks the customer payment terms.",
    ]


def test_moving_a_complete_deal_shows_its_number(client_of, manager):
    deal = DealFactory(manager=manager)
    client = client_of(manager)
    response = client.post(
        f"/deals/{deal.pk}/transition/",
        {"name": "start_realization", "expected_stage": "negotiation"},
        follow=True,
    )
    deal.refresh_from_db()
    page = response.content.decode()
    assert deal.realization_number in messages_in(response)[0]
    assert f"<title>{deal.realization_number} · {deal.title}</title>" in page
    assert "Deal: Negotiation → Realization" in page  # the timeline


def test_a_second_click_from_a_stale_page_is_a_readable_conflict(client_of, manager):
    deal = DealFactory(manager=manager)
    client = client_of(manager)
    data = {"name": "start_realization", "expected_stage": "negotiation"}
    client.post(f"/deals/{deal.pk}/transition/", data, follow=True)
    response = client.post(f"/deals/{deal.pk}/transition/", data, HTTP_HX_REQUEST="true")
    assert messages_in(response) == [
        "Анна Петрова has just moved this deal to Realization. "
        "The page now shows its current state."
    ]


def test_the_card_counts_the_handover_items(client_of, manager):
    deal = DealFactory(manager=manager, incomplete=True)
    page = client_of(manager).get(f"/deals/{deal.pk}/").content.decode()
    assert "4 of 7" in page


def test_the_deal_form_keeps_a_half_filled_card_and_requires_a_title(client_of, manager):
    client = client_of(manager)
    response = client.post("/deals/new/", {"title": "", "currency": "RUB"})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    response = client.post(
        "/deals/new/", {"title": "Поставка насосов", "currency": "RUB", "amount": "-5"}
    )
    assert "Ensure this value is greater than or equal to 0.01." in response.content.decode()
    response = client.post("/deals/new/", {"title": "Поставка насосов", "currency": "RUB"})
    deal = Deal.objects.get(title="Поставка насосов")
    assert response["Location"] == deal.get_absolute_url()
    assert deal.manager == manager


def test_the_new_deal_form_counts_the_card_as_it_is_filled(client_of, manager):
    client = client_of(manager)

    def progress(response) -> str:
        page = response.content.decode()
        start = page.index('data-testid="handover-progress"')
        return page[start : page.index("</p>", start)]

    assert "0 of 7 items filled in" in progress(client.get("/deals/new/"))
    refused = client.post(
        "/deals/new/",
        {"title": "", "currency": "RUB", "amount": "1500000", "delivery_address": "Казань"},
    )
    assert "2 of 7 items filled in" in progress(refused)  # amount and address, as typed


def test_editing_the_card_saves_it(client_of, manager):
    deal = DealFactory(manager=manager, incomplete=True)
    customer = CounterpartyFactory()
    client = client_of(manager)
    response = client.post(
        f"/deals/{deal.pk}/edit/",
        {
            "title": deal.title,
            "customer": customer.pk,
            "amount": "1000.00",
            "currency": "EUR",
            "incoterms": "FCA",
            "delivery_place": "Гамбург",
            "delivery_address": "Москва, ул. Лесная, 5",
            "required_delivery_date": "2027-02-01",
            "customer_payment_terms": "100 % по факту поставки",
            "final_agreements": "Нет",
        },
    )
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.handover_missing() == []
    assert deal.currency == "EUR"


def test_the_header_search_opens_the_deal_by_number(client_of, director):
    deal = DealFactory(stage=Deal.Stage.REALIZATION, realization_number="R-2026-00042")
    client = client_of(director)
    assert client.get("/search/", {"q": "r-2026-00042"})["Location"] == deal.get_absolute_url()
    assert client.get("/search/", {"q": "R-2026-00042/SO-2"})["Location"] == deal.get_absolute_url()
    assert (
        client.get("/search/", {"q": "насосы"})["Location"]
        == "/deals/?q=%D0%BD%D0%B0%D1%81%D0%BE%D1%81%D1%8B"
    )
    # A NUL character pasted with the number is dropped, not sent to the database.
    assert client.get("/search/", {"q": "R-2026-00042\x00"})["Location"] == deal.get_absolute_url()


def test_the_language_switcher_shows_the_page_in_russian(client_of, manager):
    client = client_of(manager)
    client.post("/i18n/setlang/", {"language": "ru", "next": "/deals/"})
    page = client.get("/deals/").content.decode()
    assert "Сделки" in page
    assert "Реализация" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/deals/"})
    assert "Realization" in client.get("/deals/").content.decode()
