"""Supplier orders, contracts and specifications through the API, and lookup by number."""

import datetime

import pytest
import time_machine

from orders.models import Contract, StageChange, SupplierOrder
from tests.factories import (
    ContractFactory,
    DealFactory,
    DealInRealizationFactory,
    SpecificationFactory,
    SpecificationLineFactory,
    SupplierFactory,
    SupplierOrderFactory,
)

pytestmark = pytest.mark.django_db

MOSCOW = datetime.timezone(datetime.timedelta(hours=3))
NOW = datetime.datetime(2026, 4, 15, 10, 0, tzinfo=MOSCOW)


@pytest.fixture(autouse=True)
def _april():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def deal(manager):
    return DealInRealizationFactory(manager=manager, realization_number="R-2026-00042")


def test_a_buyer_creates_an_order_with_the_next_number(api_of, buyer, deal):
    supplier = SupplierFactory()
    response = api_of(buyer).post(
        "/api/supplier-orders/",
        {
            "deal": deal.pk,
            "supplier": supplier.pk,
            "amount": "120000.00",
            "vat_rate": 20,
            "planned_delivery_date": "2026-06-01",
        },
    )
    assert response.status_code == 201, response.json()
    order = response.json()
    assert order["number"] == "R-2026-00042/SO-1"
    assert (order["stage"], order["buyer"]["username"], order["vat_amount"]) == (
        "draft",
        "sergey",
        "20000.00",
    )
    assert [step["name"] for step in order["transitions"]] == ["place", "cancel"]
    assert StageChange.objects.filter(object_id=order["id"], target="draft").exists()


def test_placing_an_order_without_its_date_is_refused_naming_it(api_of, buyer, deal):
    order = SupplierOrderFactory(deal=deal, order_date=None)
    client = api_of(buyer)

    refused = client.post(f"/api/supplier-orders/{order.pk}/transition/", {"name": "place"})
    assert refused.status_code == 409
    assert refused.json()["reasons"] == ["Enter the order date."]

    placed = client.post(
        f"/api/supplier-orders/{order.pk}/transition/",
        {"name": "place", "order_date": "2026-03-20", "expected_stage": "draft"},
    )
    assert placed.status_code == 200, placed.json()
    assert (placed.json()["stage"], placed.json()["order_date"]) == ("ordered", "2026-03-20")
    assert StageChange.objects.filter(
        object_id=order.pk, source="draft", target="ordered", actor=buyer
    ).exists()


def test_a_date_that_makes_no_sense_is_refused(api_of, buyer, deal):
    order = SupplierOrderFactory(deal=deal, stage=SupplierOrder.Stage.ORDERED)
    response = api_of(buyer).post(
        f"/api/supplier-orders/{order.pk}/transition/",
        {"name": "ship", "shipment_date": "2026-05-01"},
    )
    assert response.status_code == 409
    assert "cannot be in the future" in response.json()["reasons"][0]


def test_an_event_date_is_entered_with_its_step_not_by_editing(api_of, buyer, deal):
    order = SupplierOrderFactory(deal=deal)
    response = api_of(buyer).patch(
        f"/api/supplier-orders/{order.pk}/", {"shipment_date": "2026-04-10"}
    )
    assert response.status_code == 400
    assert response.json() == {"shipment_date": ["Shipment date is entered with its step."]}


def test_a_sales_manager_may_not_create_orders(api_of, manager, deal):
    response = api_of(manager).post(
        "/api/supplier-orders/",
        {"deal": deal.pk, "supplier": SupplierFactory().pk, "amount": "1.00"},
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "Your role does not include this work."}


def test_orders_of_an_invisible_deal_cannot_be_named_or_seen(api_of, buyer, manager):
    hidden = DealFactory(manager=manager)  # not in Realization: the back office cannot see it
    order = SupplierOrderFactory(deal=hidden, number="X/SO-1")
    client = api_of(buyer)
    assert client.get(f"/api/supplier-orders/{order.pk}/").status_code == 404
    response = client.post(
        "/api/supplier-orders/",
        {"deal": hidden.pk, "supplier": SupplierFactory().pk, "amount": "1.00"},
    )
    assert response.status_code == 400
    assert list(response.json()) == ["deal"]


def test_the_order_list_filters_like_the_page(api_of, buyer, deal):
    late = SupplierOrderFactory(deal=deal, planned_delivery_date=datetime.date(2026, 4, 1))
    SupplierOrderFactory(
        deal=deal,
        planned_delivery_date=datetime.date(2026, 4, 1),
        actual_delivery_date=datetime.date(2026, 3, 30),
        stage=SupplierOrder.Stage.DELIVERED,
    )
    other = SupplierOrderFactory(planned_delivery_date=datetime.date(2026, 6, 1))
    client = api_of(buyer)

    def numbers(**query):
        response = client.get("/api/supplier-orders/", query)
        assert response.status_code == 200, response.json()
        return [order["number"] for order in response.json()["results"]]

    assert numbers(late=True) == [late.number]
    assert numbers(stage="delivered") != [late.number]
    assert numbers(supplier=other.supplier_id) == [other.number]
    assert set(numbers(q="R-2026-00042")) == set(
        SupplierOrder.objects.filter(deal=deal).values_list("number", flat=True)
    )
    assert numbers(deal=other.deal_id) == [other.number]
    assert client.get("/api/supplier-orders/", {"late": True}).json()["results"][0]["late"]


@pytest.mark.parametrize("count", [2, 40])
def test_the_order_list_runs_the_same_queries_for_2_and_40_orders(
    api_of, buyer, deal, django_assert_num_queries, count
):
    lines = SpecificationLineFactory.create_batch(2, specification__contract__deal=deal)
    for _ in range(count):
        SupplierOrderFactory(deal=deal).specification_lines.set(lines)
    client = api_of(buyer)
    # the token with its user, the user's roles, the count, the page with its deals,
    # suppliers, contracts and buyers, the orders' specification lines
    with django_assert_num_queries(5):
        response = client.get("/api/supplier-orders/")
    assert len(response.json()["results"]) == count


def test_lookup_finds_what_a_number_names(api_of, buyer, deal):
    order = SupplierOrderFactory(deal=deal, number="R-2026-00042/SO-2")
    contract = ContractFactory(deal=deal, number="R-2026-00042/C-1")
    specification = SpecificationFactory(contract=contract, number="R-2026-00042/SP-1")
    client = api_of(buyer)

    def lookup(number):
        return client.get("/api/lookup/", {"number": number})

    found = lookup("r-2026-00042/so-2").json()
    assert (found["kind"], found["id"], found["number"]) == (
        "supplier_order",
        order.pk,
        "R-2026-00042/SO-2",
    )
    assert found["url"].endswith(f"/api/supplier-orders/{order.pk}/")
    assert found["web_url"].endswith(f"/supplier-orders/{order.pk}/")
    assert client.get(found["url"]).json()["number"] == "R-2026-00042/SO-2"
    assert lookup("R-2026-00042/C-1").json()["id"] == contract.pk
    assert lookup("R-2026-00042/SP-1").json()["id"] == specification.pk
    assert lookup(" R-2026-00042 ").json() | {"url": "", "web_url": ""} == {
        "kind": "deal",
        "id": deal.pk,
        "number": "R-2026-00042",
        "deal": {"id": deal.pk, "realization_number": "R-2026-00042", "title": deal.title},
        "url": "",
        "web_url": "",
    }
    assert lookup("R-2026-99999").status_code == 404
    assert lookup("").json() == {"number": ["This field may not be blank."]}


def test_a_number_of_an_invisible_deal_is_not_found(api_of, other_manager, deal):
    SupplierOrderFactory(deal=deal, number="R-2026-00042/SO-1")
    client = api_of(other_manager)
    assert client.get("/api/lookup/", {"number": "R-2026-00042/SO-1"}).status_code == 404
    assert client.get("/api/lookup/", {"number": "R-2026-00042"}).status_code == 404


# --- Contracts and specifications ---------------------------------------------------------


def test_legal_creates_a_contract_and_signs_it_with_its_date(api_of, legal_clerk, deal):
    client = api_of(legal_clerk)
    created = client.post(
        "/api/contracts/",
        {"deal": deal.pk, "counterparty": SupplierFactory().pk, "subject": "Поставка"},
    )
    assert created.status_code == 201, created.json()
    contract = created.json()
    assert contract["number"] == "R-2026-00042/C-1"

    def step(**data):
        return client.post(f"/api/contracts/{contract['id']}/transition/", data)

    assert step(name="submit_for_review").json()["stage"] == "legal_review"
    assert step(name="send_for_signature").json()["stage"] == "sent_for_signature"
    refused = step(name="sign")
    assert refused.status_code == 409
    assert refused.json()["reasons"] == ["Enter the date of signing."]
    signed = step(name="sign", contract_date="2026-04-14")
    assert (signed.json()["stage"], signed.json()["contract_date"]) == ("signed", "2026-04-14")
    assert Contract.objects.get(pk=contract["id"]).signed_by == legal_clerk

    edit = client.patch(f"/api/contracts/{contract['id']}/", {"subject": "Другое"})
    assert edit.status_code == 403
    assert "supplementary agreement" in edit.json()["detail"]


def test_a_specification_shows_its_lines_and_totals(api_of, legal_clerk, deal):
    specification = SpecificationFactory(contract__deal=deal)
    SpecificationLineFactory(
        specification=specification, quantity="2", unit_price="100.00", vat_rate=20
    )
    SpecificationLineFactory(
        specification=specification, quantity="3", unit_price="10.00", vat_rate=10
    )

    body = api_of(legal_clerk).get(f"/api/specifications/{specification.pk}/").json()

    assert [line["net"] for line in body["lines"]] == ["200.00", "30.00"]
    assert body["totals"] == {
        "net": "230.00",
        "vat": "43.00",
        "gross": "273.00",
        "vat_by_rate": [{"rate": 10, "vat": "3.00"}, {"rate": 20, "vat": "40.00"}],
    }
    assert body["deal"]["realization_number"] == "R-2026-00042"


def test_the_lines_are_replaced_in_one_request(api_of, legal_clerk, deal):
    specification = SpecificationFactory(contract__deal=deal)
    kept = SpecificationLineFactory(specification=specification, name="Насос")
    SpecificationLineFactory(specification=specification, name="Лишнее")
    client = api_of(legal_clerk)
    new_line = {
        "name": "Клапан",
        "quantity": "4",
        "unit_price": "50.00",
        "vat_rate": 22,
        "hs_code": "8481809900",
        "country_of_origin": "Россия",
    }

    response = client.put(
        f"/api/specifications/{specification.pk}/lines/",
        {"lines": [new_line, {"id": kept.pk, **new_line, "name": "Насос ЦН-2"}]},
    )

    assert response.status_code == 200, response.json()
    lines = response.json()["lines"]
    assert [(line["position"], line["name"]) for line in lines] == [
        (1, "Клапан"),
        (2, "Насос ЦН-2"),
    ]
    assert lines[1]["id"] == kept.pk
    assert response.json()["totals"]["gross"] == "488.00"

    bad = client.put(
        f"/api/specifications/{specification.pk}/lines/",
        {"lines": [{**new_line, "hs_code": "84818"}]},
    )
    assert bad.status_code == 400
    assert "exactly 10 digits" in bad.json()["lines"]["0"]["hs_code"][0]
