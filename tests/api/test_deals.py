"""Deals through the API: the same visibility, hand-over gate, number and rules as the page."""

import re

import pytest

from fulfilment.handover.models import Task
from orders.models import Deal, StageChange
from tests.factories import CounterpartyFactory, DealFactory, SupplierFactory

pytestmark = pytest.mark.django_db


def test_another_managers_deal_is_not_found_anywhere(api_of, manager, other_manager):
    deal = DealFactory(manager=manager, title="Насосы")
    client = api_of(other_manager)

    assert client.get(f"/api/deals/{deal.pk}/").status_code == 404
    assert client.patch(f"/api/deals/{deal.pk}/", {"title": "Чужое"}).status_code == 404
    response = client.post(f"/api/deals/{deal.pk}/transition/", {"name": "start_realization"})
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert client.get(f"/api/deals/{deal.pk}/history/").status_code == 404
    assert client.get("/api/deals/").json()["results"] == []

    deal.refresh_from_db()
    assert (deal.title, deal.stage) == ("Насосы", Deal.Stage.NEGOTIATION)


def test_the_back_office_sees_only_deals_with_a_number_and_may_not_edit_them(
    api_of, manager, finance_clerk
):
    DealFactory(manager=manager)
    numbered = DealFactory(
        manager=manager, stage=Deal.Stage.REALIZATION, realization_number="R-2026-00007"
    )
    client = api_of(finance_clerk)

    listed = client.get("/api/deals/").json()["results"]
    assert [d["realization_number"] for d in listed] == ["R-2026-00007"]
    detail = client.get(f"/api/deals/{numbered.pk}/").json()
    assert detail["transitions"] == []  # read-only, as on the card
    response = client.patch(f"/api/deals/{numbered.pk}/", {"title": "Другое"})
    assert response.status_code == 403
    assert "Only the deal's manager" in response.json()["detail"]


def test_moving_into_realization_through_the_api_does_what_the_page_does(
    api_of, client_of, manager
):
    by_api, by_page = DealFactory(manager=manager), DealFactory(manager=manager)

    response = api_of(manager).post(
        f"/api/deals/{by_api.pk}/transition/",
        {"name": "start_realization", "expected_stage": "negotiation"},
    )
    client_of(manager).post(
        f"/deals/{by_page.pk}/transition/",
        {"name": "start_realization", "expected_stage": "negotiation"},
    )

    assert response.status_code == 200
    body = response.json()
    by_api.refresh_from_db()
    by_page.refresh_from_db()
    assert body["stage"] == by_api.stage == by_page.stage == Deal.Stage.REALIZATION
    assert body["realization_number"] == by_api.realization_number
    assert re.fullmatch(r"R-\d{4}-\d{5}", by_api.realization_number)
    assert by_page.realization_number != by_api.realization_number

    def tasks(deal):
        return sorted(
            (task.department.code, task.title.replace(deal.realization_number, "№"))
            for task in Task.objects.filter(deal=deal).select_related("department")
        )

    assert tasks(by_api) == tasks(by_page)
    assert {code for code, _ in tasks(by_api)} >= {"finance", "foreign_trade", "legal"}

    def history(deal):
        return list(StageChange.objects.filter(deal=deal).values_list("source", "target", "actor"))

    assert history(by_api) == history(by_page)
    assert history(by_api)[0] == ("negotiation", "realization", manager.pk)


def test_an_incomplete_card_is_refused_with_409_and_what_is_missing(api_of, manager):
    deal = DealFactory(manager=manager, incomplete=True)

    response = api_of(manager).post(
        f"/api/deals/{deal.pk}/transition/", {"name": "start_realization"}
    )

    assert response.status_code == 409
    assert response.json()["reasons"] == [
        "The hand-over card lacks the customer.",
        "The hand-over card lacks the delivery address.",
        "The hand-over card lacks the customer payment terms.",
    ]
    deal.refresh_from_db()
    assert (deal.stage, deal.realization_number) == (Deal.Stage.NEGOTIATION, None)
    assert not Task.objects.filter(deal=deal).exists()


def test_the_card_lists_its_steps_with_their_reasons(api_of, manager):
    deal = DealFactory(manager=manager, incomplete=True)
    steps = {
        step["name"]: step
        for step in api_of(manager).get(f"/api/deals/{deal.pk}/").json()["transitions"]
    }
    assert set(steps) == {"start_realization", "mark_lost"}
    assert steps["start_realization"]["allowed"] is False
    assert "The hand-over card lacks the customer." in steps["start_realization"]["reasons"]
    assert steps["mark_lost"]["comment_required"] is True


def test_a_deal_moved_by_someone_else_is_a_409_conflict(api_of, manager):
    deal = DealFactory(manager=manager, stage=Deal.Stage.PROPOSAL)
    response = api_of(manager).post(
        f"/api/deals/{deal.pk}/transition/",
        {"name": "start_negotiation", "expected_stage": "new"},
    )
    assert response.status_code == 409
    assert response.json() == {
        "detail": "This deal has just moved to Proposal. The page now shows its current state."
    }


def test_losing_a_deal_needs_a_comment(api_of, manager):
    deal = DealFactory(manager=manager)
    client = api_of(manager)
    refused = client.post(f"/api/deals/{deal.pk}/transition/", {"name": "mark_lost"})
    assert refused.status_code == 409
    assert refused.json()["reasons"] == ["Say why in the comment."]
    moved = client.post(
        f"/api/deals/{deal.pk}/transition/", {"name": "mark_lost", "comment": "Дорого"}
    )
    assert moved.json()["stage"] == "lost"


def test_a_manager_creates_a_deal_and_fills_the_card(api_of, manager):
    customer = CounterpartyFactory()
    client = api_of(manager)

    created = client.post("/api/deals/", {"title": "Клапаны", "amount": "1500.50"})
    assert created.status_code == 201
    deal = created.json()
    assert (deal["stage"], deal["manager"]["username"], deal["amount"]) == (
        "new",
        "anna",
        "1500.50",
    )
    assert deal["handover"]["done"] == 1

    changed = client.patch(
        f"/api/deals/{deal['id']}/",
        {"customer": customer.pk, "required_delivery_date": "2026-09-01"},
    )
    assert changed.status_code == 200
    assert changed.json()["customer"]["id"] == customer.pk
    assert changed.json()["required_delivery_date"] == "2026-09-01"
    assert StageChange.objects.filter(deal_id=deal["id"], source="", target="new").exists()


def test_bad_input_is_a_400_field_by_field(api_of, manager):
    supplier = SupplierFactory()
    response = api_of(manager).post(
        "/api/deals/",
        {"amount": "-5", "currency": "XXX", "customer": supplier.pk, "manager": manager.pk},
    )
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"title", "amount", "currency", "customer", "manager"}
    assert errors["title"] == ["This field is required."]
    assert errors["currency"] == ['"XXX" is not a valid choice.']
    assert errors["manager"] == ["Only the operations director chooses a deal's manager."]
    assert not Deal.objects.exists()


def test_a_service_refusal_to_save_is_a_400_too(api_of, manager):
    deal = DealFactory(
        manager=manager, stage=Deal.Stage.REALIZATION, realization_number="R-2026-00001"
    )
    response = api_of(manager).patch(f"/api/deals/{deal.pk}/", {"delivery_address": ""})
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == [
        "A deal in Realization keeps a complete hand-over card.",
        "The hand-over card lacks the delivery address.",
    ]


def test_only_a_role_that_creates_deals_may(api_of, director, finance_clerk):
    for user in (director, finance_clerk):
        response = api_of(user).post("/api/deals/", {"amount": "-1"})  # refused before read
        assert response.status_code == 403
        assert response.json() == {"detail": "Your role does not include this work."}


def test_the_list_filters_by_stage_manager_and_text(api_of, director, manager, other_manager):
    DealFactory(manager=manager, title="Насосы")
    DealFactory(manager=other_manager, title="Клапаны", stage=Deal.Stage.NEW)
    DealFactory(
        manager=other_manager,
        title="Фильтры",
        stage=Deal.Stage.REALIZATION,
        realization_number="R-2026-00042",
    )
    client = api_of(director)

    def titles(**query):
        response = client.get("/api/deals/", query)
        assert response.status_code == 200
        return sorted(deal["title"] for deal in response.json()["results"])

    assert titles() == ["Клапаны", "Насосы", "Фильтры"]
    assert titles(stage="new") == ["Клапаны"]
    assert titles(manager=other_manager.pk) == ["Клапаны", "Фильтры"]
    assert titles(q="00042") == ["Фильтры"]
    assert client.get("/api/deals/", {"stage": "won"}).json() == {
        "stage": ['"won" is not a valid choice.']
    }


def test_every_list_is_paginated(api_of, director, manager):
    for _ in range(3):
        DealFactory(manager=manager)
    client = api_of(director)

    first = client.get("/api/deals/", {"page_size": 2}).json()
    assert first["count"] == 3
    assert len(first["results"]) == 2
    assert first["next"].endswith("page=2&page_size=2")
    assert first["previous"] is None
    assert len(client.get(first["next"]).json()["results"]) == 1
    assert client.get("/api/deals/", {"page": 9}).status_code == 404
    for url in (
        "/api/counterparties/",
        "/api/supplier-orders/",
        "/api/contracts/",
        "/api/specifications/",
        "/api/tasks/",
        "/api/installments/",
    ):
        body = client.get(url).json()
        assert set(body) == {"count", "next", "previous", "results"}, url


@pytest.mark.parametrize("count", [3, 60])
def test_the_deal_list_runs_the_same_queries_for_3_and_60_deals(
    api_of, manager, django_assert_num_queries, count
):
    customer = CounterpartyFactory()
    for _ in range(count):
        DealFactory(manager=manager, customer=customer)
    client = api_of(manager)
    # the token with its user, the user's roles, the count, the page with customers
    # and managers
    with django_assert_num_queries(4):
        response = client.get("/api/deals/")
    assert len(response.json()["results"]) == min(count, 50)
