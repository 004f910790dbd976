"""Record pages: search by number, the order list's filters, the deal card's panels."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from orders import selectors, services
from orders.models import Contact, SupplementaryAgreement
from tests.factories import (
    ContactFactory,
    ContractFactory,
    CounterpartyFactory,
    DealInRealizationFactory,
    SpecificationFactory,
    SpecificationLineFactory,
    SupplierFactory,
    SupplierOrderFactory,
)

pytestmark = pytest.mark.django_db

MOSCOW = datetime.timezone(datetime.timedelta(hours=3))


def test_the_header_search_opens_a_contract_and_a_specification(client_of, legal_clerk):
    contract = ContractFactory(deal=DealInRealizationFactory(realization_number="R-2026-00042"))
    spec = SpecificationFactory(contract=contract)
    client = client_of(legal_clerk)
    assert client.get("/search/", {"q": contract.number.lower()}).url == contract.get_absolute_url()
    assert client.get("/search/", {"q": f" {spec.number} "}).url == spec.get_absolute_url()


def test_an_agreement_number_leads_to_its_contract_on_the_page_and_in_the_api(
    client_of, legal_clerk, other_manager
):
    contract = ContractFactory(
        deal=DealInRealizationFactory(realization_number="R-2026-00042"), stage="signed"
    )
    SupplementaryAgreement.objects.create(
        contract=contract,
        sequence=2,
        date=datetime.date(2026, 4, 6),
        subject="Срок",
        created_by=legal_clerk,
    )
    number = f"{contract.number}/SA-2"
    assert client_of(legal_clerk).get("/search/", {"q": number}).url == contract.get_absolute_url()
    # The API lookup reads the same selector.
    assert selectors.find_by_number(user=legal_clerk, number=number.lower()) == contract
    # An agreement that does not exist does not open the contract.
    assert (
        client_of(legal_clerk).get("/search/", {"q": f"{contract.number}/SA-3"}).url
        == contract.deal.get_absolute_url()
    )
    # Nor does someone who cannot see the deal reach it.
    assert "/contracts/" not in client_of(other_manager).get("/search/", {"q": number}).url


def test_the_order_list_filters_by_supplier_deal_number_and_stage(client_of, buyer):
    pumps, valves = SupplierFactory(name="ООО «Насосы»"), SupplierFactory(name="ООО «Клапаны»")
    first = DealInRealizationFactory(realization_number="R-2026-00042")
    second = DealInRealizationFactory(realization_number="R-2026-00043")
    a = SupplierOrderFactory(deal=first, supplier=pumps, number="R-2026-00042/SO-1")
    b = SupplierOrderFactory(
        deal=first, supplier=valves, number="R-2026-00042/SO-2", stage="ordered"
    )
    c = SupplierOrderFactory(deal=second, supplier=pumps, number="R-2026-00043/SO-1")
    client = client_of(buyer)

    def listed(**query) -> set[str]:
        html = client.get("/supplier-orders/list/", query).content.decode()
        return {o.number for o in (a, b, c) if f">{o.number}<" in html}

    assert listed() == {a.number, b.number, c.number}
    assert listed(supplier=pumps.pk) == {a.number, c.number}
    assert listed(q="R-2026-00042") == {a.number, b.number}
    assert listed(stage="ordered") == {b.number}
    assert listed(q="00043", supplier=valves.pk) == set()


@time_machine.travel(datetime.datetime(2026, 4, 15, 10, tzinfo=MOSCOW), tick=False)
def test_the_deal_card_shows_orders_delivered_next_delivery_late_and_contract_stage(
    client_of, manager
):
    deal = DealInRealizationFactory(manager=manager)
    SupplierOrderFactory(
        deal=deal, stage="delivered", actual_delivery_date=datetime.date(2026, 4, 1)
    )
    SupplierOrderFactory(
        deal=deal, stage="ordered", planned_delivery_date=datetime.date(2026, 4, 10)
    )  # late
    SupplierOrderFactory(
        deal=deal, stage="confirmed", planned_delivery_date=datetime.date(2026, 5, 20)
    )
    SupplierOrderFactory(deal=deal, stage="cancelled")
    ContractFactory(deal=deal, stage="legal_review")

    html = client_of(manager).get(deal.get_absolute_url()).content.decode()
    orders = html[html.index('id="supplier-orders"') :]
    orders = orders[: orders.index("</section>")]
    assert "3 ordered, 1 of 3 delivered" in orders
    assert "Next planned delivery: April 10, 2026" in orders
    assert orders.count(">Late<") == 1
    contracts = html[html.index('id="contracts"') :]
    assert "Legal review" in contracts[: contracts.index("</section>")]


# --- Specification lines ------------------------------------------------------------------


def test_an_order_cannot_cover_a_line_of_another_deals_specification(buyer):
    order_deal = DealInRealizationFactory()
    foreign_line = SpecificationLineFactory()  # its specification is on another deal
    with pytest.raises(ValidationError) as refused:
        services.supplier_order_create(
            deal=order_deal,
            actor=buyer,
            data={"supplier": SupplierFactory(), "amount": Decimal("10.00")},
            lines=[foreign_line],
        )
    assert refused.value.message_dict["specification_lines"] == [
        "These lines belong to another deal's specification."
    ]
    assert not order_deal.supplier_orders.exists()


def test_a_line_an_order_covers_cannot_be_removed_from_the_specification(client_of, legal_clerk):
    spec = SpecificationFactory()
    kept = SpecificationLineFactory(specification=spec, name="Насос")
    covered = SpecificationLineFactory(specification=spec, name="Клапан")
    order = SupplierOrderFactory(deal=spec.contract.deal)
    order.specification_lines.add(covered)

    with pytest.raises(ValidationError, match="A removed line is covered by a supplier order"):
        services.specification_save_lines(
            specification=spec, actor=legal_clerk, lines=[{"id": kept.pk, "name": "Насос"}]
        )
    assert set(spec.lines.values_list("name", flat=True)) == {"Насос", "Клапан"}


# --- Counterparty contacts ------------------------------------------------------------------


def contact_form(counterparty, rows, initial=0):
    data = {
        "name": counterparty.name,
        "inn": counterparty.inn,
        "kpp": counterparty.kpp,
        "kind": counterparty.kind,
        "contacts-TOTAL_FORMS": str(len(rows)),
        "contacts-INITIAL_FORMS": str(initial),
    }
    for i, row in enumerate(rows):
        data.update({f"contacts-{i}-{name}": value for name, value in row.items()})
    return data


def test_contacts_are_added_edited_and_removed_on_the_counterparty_page(client_of, director):
    counterparty = CounterpartyFactory()
    kept = ContactFactory(counterparty=counterparty, name="Иванов И. И.")
    gone = ContactFactory(counterparty=counterparty, name="Петров П. П.")
    client = client_of(director)
    page = client.get(f"/counterparties/{counterparty.pk}/").content.decode()
    assert "Иванов И. И." in page
    assert 'id="contact-rows"' in page

    response = client.post(
        f"/counterparties/{counterparty.pk}/",
        contact_form(
            counterparty,
            [
                {"id": kept.pk, "name": "Иванов И. И.", "position": "Главный инженер"},
                {"id": gone.pk, "name": "Петров П. П.", "DELETE": "on"},
                {"name": "Сидорова А. В.", "email": "sidorova@example.com", "phone": "+7 495"},
            ],
            initial=2,
        ),
    )
    assert response.status_code == 302
    assert sorted(counterparty.contacts.values_list("name", "position", "email")) == [
        ("Иванов И. И.", "Главный инженер", ""),
        ("Сидорова А. В.", "", "sidorova@example.com"),
    ]
    assert not Contact.objects.filter(pk=gone.pk).exists()


def test_a_bad_contact_saves_nothing_and_is_shown_next_to_its_field(client_of, director):
    counterparty = CounterpartyFactory(name="ООО «Было»")
    data = contact_form(counterparty, [{"name": "Сидорова", "email": "не почта"}])
    data["name"] = "ООО «Стало»"
    response = client_of(director).post(f"/counterparties/{counterparty.pk}/", data)
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    counterparty.refresh_from_db()
    assert (counterparty.name, counterparty.contacts.count()) == ("ООО «Было»", 0)


def test_a_new_contact_row_comes_with_the_form_count_raised(client_of, director):
    html = (
        client_of(director)
        .get("/counterparties/new-contact/", {"contacts-TOTAL_FORMS": "2"})
        .content.decode()
    )
    assert 'name="contacts-2-name"' in html
    assert 'name="contacts-TOTAL_FORMS" id="id_contacts-TOTAL_FORMS" value="3"' in html


def test_contacts_and_counterparty_are_saved_in_one_transaction(director):
    counterparty = CounterpartyFactory(name="ООО «Было»")
    with pytest.raises(ValidationError, match="Contact 1, name"):
        services.counterparty_save(
            actor=director,
            counterparty=counterparty,
            data={"name": "ООО «Стало»"},
            contacts=[{"name": ""}],
        )
    counterparty.refresh_from_db()
    assert counterparty.name == "ООО «Было»"
