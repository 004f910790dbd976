"""A new payment term never asks again for money already paid and leaves closed orders be."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from orders import services as order_services
from orders.models import SupplierOrder
from payments.models import Installment, InstallmentChange, TermAssignment
from payments.services import payment_record, term_assign, term_assignment_save
from tests.factories import (
    ContractFactory,
    DealInRealizationFactory,
    SupplierOrderFactory,
    deferral_term,
    prepayment_term,
)

pytestmark = pytest.mark.django_db

D = datetime.date
MOSCOW = datetime.timezone(datetime.timedelta(hours=3))
NOW = datetime.datetime(2026, 3, 27, 12, 0, tzinfo=MOSCOW)


@pytest.fixture
def delivered_order(buyer):
    """1 000 000 RUB under the 30/70 term of its contract (signed Monday 2 March 2026),
    delivered on Thursday 26 March 2026."""
    with time_machine.travel(NOW, tick=False):
        deal = DealInRealizationFactory(realization_number="R-2026-00042")
        contract = ContractFactory(deal=deal, stage="signed", contract_date=D(2026, 3, 2))
        TermAssignment.objects.create(contract=contract, term=prepayment_term())
        order = order_services.supplier_order_create(
            deal=deal,
            actor=buyer,
            data={
                "supplier": contract.counterparty,
                "contract": contract,
                "amount": Decimal("1000000.00"),
                "planned_delivery_date": D(2026, 3, 20),
            },
        )
        order = order_services.supplier_order_transition(
            order=order, name="place", actor=buyer, dates={"order_date": D(2026, 3, 3)}
        )
        order = order_services.supplier_order_transition(
            order=order, name="deliver", actor=buyer, dates={"actual_delivery_date": D(2026, 3, 26)}
        )
    return order


def pay(installment, amount: str, reference: str, accountant) -> None:
    with time_machine.travel(NOW, tick=False):
        payment_record(
            installment=installment,
            amount=Decimal(amount),
            paid_on=D(2026, 3, 10),
            reference=reference,
            actor=accountant,
        )


def installments(order) -> list[tuple[Decimal, Decimal, str]]:
    return list(
        order.installments.order_by("position", "pk").values_list("amount", "paid_amount", "state")
    )


def test_a_new_term_in_the_admin_asks_only_for_what_is_not_paid_yet(
    client_of, superuser, accountant, delivered_order
):
    prepayment, balance = delivered_order.installments.order_by("position")
    pay(prepayment, "300000.00", "п/п 17", accountant)
    assignment = TermAssignment.objects.get(contract=delivered_order.contract)

    with time_machine.travel(NOW, tick=False):
        response = client_of(superuser).post(
            f"/admin/payments/termassignment/{assignment.pk}/change/",
            {"term": deferral_term().pk, "contract": delivered_order.contract_id},
        )

    assert response.status_code == 302
    assert installments(delivered_order) == [
        (Decimal("300000.00"), Decimal("300000.00"), "paid"),
        (Decimal("700000.00"), Decimal("0.00"), "cancelled"),
        (Decimal("700000.00"), Decimal("0.00"), "open"),
    ]
    new = delivered_order.installments.get(state="open")
    # 30 days from the delivery on 26 March: Saturday 25 April → Monday 27 April.
    assert (new.position, new.due_date) == (2, D(2026, 4, 27))
    assert not prepayment.changes.exclude(field="paid_amount").exists()
    cancelled = balance.changes.get(field="state")
    assert (cancelled.old_value, cancelled.new_value, cancelled.reason, cancelled.actor) == (
        "open",
        "cancelled",
        "payment term changed",
        superuser,
    )
    created = new.changes.get()
    assert (created.field, created.old_value, created.new_value, created.reason) == (
        "amount",
        "",
        "700000.00",
        "payment term changed; 300000.00 already paid",
    )


def test_a_partly_paid_installment_of_the_old_term_is_settled_and_the_rest_shared(
    buyer, accountant, delivered_order
):
    prepayment, _balance = delivered_order.installments.order_by("position")
    pay(prepayment, "100000.01", "п/п 18", accountant)

    with time_machine.travel(NOW, tick=False):
        term_assign(term=deferral_term(), supplier_order=delivered_order, actor=buyer)

    assert installments(delivered_order) == [
        (Decimal("100000.01"), Decimal("100000.01"), "paid"),
        (Decimal("700000.00"), Decimal("0.00"), "cancelled"),
        (Decimal("899999.99"), Decimal("0.00"), "open"),
    ]
    settled = {
        change.field: (change.old_value, change.new_value, change.reason)
        for change in prepayment.changes.exclude(field="paid_amount")
    }
    assert settled == {
        "amount": ("300000.00", "100000.01", "payment term changed; settled at the amount paid"),
        "state": ("open", "paid", "payment term changed; settled at the amount paid"),
    }
    # The schedule adds up to the order exactly, and a later date change keeps it so.
    order_services.supplier_order_update(
        order=delivered_order, actor=buyer, data={"actual_delivery_date": D(2026, 3, 27)}
    )
    live = delivered_order.installments.exclude(state="cancelled")
    assert sum(i.amount for i in live) == Decimal("1000000.00")
    assert installments(delivered_order)[2] == (Decimal("899999.99"), Decimal("0.00"), "open")


def closed(order) -> SupplierOrder:
    SupplierOrder.objects.filter(pk=order.pk).update(stage=SupplierOrder.Stage.CLOSED)
    order.refresh_from_db()
    return order


def test_a_closed_orders_own_term_cannot_be_changed_in_the_admin(
    client_of, superuser, buyer, accountant, delivered_order
):
    term_assign(term=prepayment_term(), supplier_order=delivered_order, actor=buyer)
    prepayment, _balance = delivered_order.installments.order_by("position")
    pay(prepayment, "300000.00", "п/п 19", accountant)
    order = closed(delivered_order)
    before = installments(order)
    assignment = TermAssignment.objects.get(supplier_order=order)

    response = client_of(superuser).post(
        f"/admin/payments/termassignment/{assignment.pk}/change/",
        {"term": deferral_term().pk, "supplier_order": order.pk},
    )

    assert response.status_code == 200
    assert "A closed or cancelled order keeps its schedule." in response.content.decode()
    assert installments(order) == before
    assignment.refresh_from_db()
    assert assignment.term == prepayment_term()


def test_a_closed_orders_schedule_stays_when_its_assignment_moves_away(
    superuser, buyer, accountant, delivered_order
):
    term_assign(term=prepayment_term(), supplier_order=delivered_order, actor=buyer)
    order = closed(delivered_order)
    before = installments(order)
    changes = InstallmentChange.objects.count()
    other = SupplierOrderFactory(planned_delivery_date=D(2026, 4, 1))
    assignment = TermAssignment.objects.get(supplier_order=order)
    assignment.supplier_order, assignment.term = other, deferral_term()

    with pytest.raises(ValidationError, match=r"A closed or cancelled order keeps its schedule\."):
        term_assignment_save(assignment=assignment, actor=superuser)

    assert installments(order) == before
    assert InstallmentChange.objects.count() == changes
    assert TermAssignment.objects.get(supplier_order=order).term == prepayment_term()
    assert not other.installments.exists()


def test_a_closed_orders_assignment_cannot_be_deleted_in_the_admin(
    client_of, superuser, buyer, delivered_order
):
    term_assign(term=deferral_term(), supplier_order=delivered_order, actor=buyer)
    order = closed(delivered_order)
    before = installments(order)
    assignment = TermAssignment.objects.get(supplier_order=order)

    response = client_of(superuser).post(
        f"/admin/payments/termassignment/{assignment.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 403
    assert TermAssignment.objects.filter(pk=assignment.pk).exists()
    assert installments(order) == before
    assert order.installments.filter(state=Installment.State.OPEN).count() == 1
