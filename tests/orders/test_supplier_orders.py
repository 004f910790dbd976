"""Supplier orders: numbers derived from the deal, steps with their dates, board and list."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from fulfilment.handover.models import Task
from orders import services
from orders.models import StageChange, SupplierOrder
from orders.workflow import TransitionRefused
from tests.factories import (
    DealFactory,
    DealInRealizationFactory,
    SupplierFactory,
    SupplierOrderFactory,
)
from tests.fulfilment.factories import RuleFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=3)))
D = datetime.date


def create(deal, actor, **data):
    data = {
        "supplier": SupplierFactory(),
        "amount": Decimal("1000000.00"),
        "currency": "RUB",
        "vat_rate": 20,
        **data,
    }
    return services.supplier_order_create(deal=deal, actor=actor, data=data)


def step(order, name, actor, **kwargs):
    return services.supplier_order_transition(order=order, name=name, actor=actor, **kwargs)


def test_orders_are_numbered_after_the_deal_and_numbers_are_never_reused(buyer):
    deal = DealInRealizationFactory(realization_number="R-2026-00042")
    first = create(deal, buyer)
    second = create(deal, buyer)
    step(second, "cancel", buyer, comment="Поставщик отказал")
    third = create(deal, buyer)

    assert [first.number, second.number, third.number] == [
        "R-2026-00042/SO-1",
        "R-2026-00042/SO-2",
        "R-2026-00042/SO-3",
    ]
    assert first.buyer == buyer
    assert (
        StageChange.objects.get(object_id=first.pk, content_type__model="supplierorder").target
        == "draft"
    )


def test_orders_are_made_only_for_a_deal_in_realization_and_by_procurement(buyer, manager):
    with pytest.raises(PermissionDenied, match="not in Realization"):
        create(DealFactory(manager=manager), buyer)
    with pytest.raises(PermissionDenied, match="Your role"):
        create(DealInRealizationFactory(manager=manager), manager)


@time_machine.travel(TODAY, tick=False)
def test_the_steps_ask_for_their_dates_and_record_them(buyer):
    order = create(DealInRealizationFactory(), buyer, planned_delivery_date=D(2026, 4, 1))

    with pytest.raises(TransitionRefused, match="Enter the order date"):
        step(order, "place", buyer)
    order = step(order, "place", buyer, dates={"order_date": D(2026, 3, 2)})
    order = step(order, "confirm", buyer)
    order = step(order, "ship", buyer, dates={"shipment_date": D(2026, 3, 6)})
    order = step(order, "deliver", buyer, dates={"actual_delivery_date": D(2026, 3, 10)})

    assert order.stage == SupplierOrder.Stage.DELIVERED
    assert (order.order_date, order.shipment_date, order.actual_delivery_date) == (
        D(2026, 3, 2),
        D(2026, 3, 6),
        D(2026, 3, 10),
    )
    targets = list(
        StageChange.objects.filter(object_id=order.pk)
        .order_by("pk")
        .values_list("target", flat=True)
    )
    assert targets == ["draft", "ordered", "confirmed", "shipped", "delivered"]


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(
    ("dates", "message"),
    [
        (
            {"actual_delivery_date": D(2026, 2, 27)},
            "Actual delivery date (Feb. 27, 2026) is before the order date (March 2, 2026).",
        ),
        (
            {"actual_delivery_date": D(2026, 3, 11)},
            "Actual delivery date (March 11, 2026) cannot be in the future.",
        ),
        ({"actual_delivery_date": D(2026, 3, 5)}, "is before the shipment date (March 6, 2026)"),
    ],
)
def test_dates_that_make_no_sense_are_refused_naming_the_field(buyer, dates, message):
    order = SupplierOrderFactory(
        order_date=D(2026, 3, 2), shipment_date=D(2026, 3, 6), stage="shipped"
    )
    with pytest.raises(TransitionRefused, match=message.replace("(", r"\(").replace(")", r"\)")):
        step(order, "deliver", buyer, dates=dates)
    order.refresh_from_db()
    assert order.stage == "shipped"


@time_machine.travel(TODAY, tick=False)
def test_a_planned_date_years_ahead_is_a_typo(buyer):
    with pytest.raises(ValidationError, match="more than three years ahead"):
        create(DealInRealizationFactory(), buyer, planned_delivery_date=D(2036, 3, 1))


def test_an_event_date_is_set_by_its_step_not_by_editing(buyer):
    order = SupplierOrderFactory()
    with pytest.raises(ValidationError, match="entered with its step"):
        services.supplier_order_update(
            order=order, actor=buyer, data={"actual_delivery_date": D(2026, 3, 1)}
        )


def test_a_date_recorded_by_a_step_is_corrected_not_erased(buyer):
    order = SupplierOrderFactory(
        stage="delivered", order_date=D(2026, 3, 2), actual_delivery_date=D(2026, 3, 5)
    )
    with pytest.raises(ValidationError, match="correct it, do not erase it") as refused:
        services.supplier_order_update(
            order=order, actor=buyer, data={"actual_delivery_date": None}
        )
    assert list(refused.value.message_dict) == ["actual_delivery_date"]
    order.refresh_from_db()
    assert order.actual_delivery_date == D(2026, 3, 5)

    services.supplier_order_update(
        order=order, actor=buyer, data={"actual_delivery_date": D(2026, 3, 4)}
    )
    order.refresh_from_db()
    assert order.actual_delivery_date == D(2026, 3, 4)


@time_machine.travel(TODAY, tick=False)
def test_a_rule_on_the_first_stage_fires_when_the_order_is_made(buyer, departments):
    """A new order enters its first stage, draft, without any step: rules on it fire too."""
    RuleFactory(
        trigger_kind="orders.supplierorder",
        trigger_stage="draft",
        department=departments["procurement"],
        title_template="Request the supplier's confirmation of {number}",
    )
    order = create(DealInRealizationFactory(), buyer)
    task = Task.objects.get(department__code="procurement")
    assert (task.title, task.record) == (
        f"Request the supplier's confirmation of {order.number}",
        order,
    )
    entry = StageChange.objects.get(object_id=order.pk, target="draft")
    assert entry.source == ""


def test_a_delivered_order_cannot_be_cancelled(buyer):
    order = SupplierOrderFactory(stage="delivered", actual_delivery_date=D(2026, 3, 5))
    with pytest.raises(TransitionRefused, match="cannot take this step"):
        step(order, "cancel", buyer, comment="Поздно")


@time_machine.travel(TODAY, tick=False)
def test_a_shipped_order_gives_logistics_the_customs_clearance_task(buyer, departments):
    order = SupplierOrderFactory(stage="confirmed", order_date=D(2026, 3, 2))
    step(order, "ship", buyer, dates={"shipment_date": D(2026, 3, 6)})
    task = Task.objects.get(department__code="logistics")
    assert order.number in task.title
    assert task.record == order
    assert task.deal == order.deal


@time_machine.travel(TODAY, tick=False)
def test_the_list_filters_late_orders(client_of, buyer):
    late = SupplierOrderFactory(planned_delivery_date=D(2026, 3, 1), stage="ordered")
    SupplierOrderFactory(
        planned_delivery_date=D(2026, 3, 1), stage="delivered", actual_delivery_date=D(2026, 3, 1)
    )
    SupplierOrderFactory(planned_delivery_date=D(2026, 4, 1), stage="ordered")
    page = client_of(buyer).get("/supplier-orders/list/", {"late": "on"}).content.decode()
    assert page.count('class="number"') == 1
    assert late.number in page


@pytest.mark.parametrize("count", [3, 60])
def test_the_supplier_order_board_runs_the_same_queries_for_few_and_many(
    client_of, buyer, django_assert_num_queries, count
):
    deal = DealInRealizationFactory()
    stages = list(SupplierOrder.Stage)
    for i in range(count):
        SupplierOrderFactory(deal=deal, stage=stages[i % len(stages)])
    client = client_of(buyer)
    # session, user, roles, departments, suppliers (filter), the totals, the cards
    with django_assert_num_queries(7):
        response = client.get("/supplier-orders/")
    assert response.content.decode().count('class="dealcard"') == count


def test_the_header_search_opens_an_order_by_its_number(client_of, director):
    order = SupplierOrderFactory(
        deal=DealInRealizationFactory(realization_number="R-2026-00042"), number="R-2026-00042/SO-2"
    )
    assert (
        client_of(director).get("/search/", {"q": "r-2026-00042/so-2"})["Location"]
        == order.get_absolute_url()
    )


def test_another_managers_order_is_not_found(client_of, manager, other_manager):
    order = SupplierOrderFactory(deal=DealInRealizationFactory(manager=manager))
    assert client_of(other_manager).get(order.get_absolute_url()).status_code == 404
    assert client_of(manager).get(order.get_absolute_url()).status_code == 200


@time_machine.travel(TODAY, tick=False)
def test_the_buyer_places_an_order_with_its_date_from_the_card(client_of, buyer):
    order = SupplierOrderFactory(stage="draft", order_date=None)
    response = client_of(buyer).post(
        f"/supplier-orders/{order.pk}/transition/",
        {"name": "place", "expected_stage": "draft", "order_date": "2026-03-09"},
        follow=True,
    )
    assert "is now “Ordered”" in response.content.decode()
    order.refresh_from_db()
    assert (order.stage, order.order_date) == ("ordered", D(2026, 3, 9))
