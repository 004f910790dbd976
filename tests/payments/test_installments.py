"""Installments that follow the order: provisional dates, recomputation, paid ones untouched."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from orders import services as order_services
from payments.models import Installment, InstallmentChange, TermAssignment
from payments.services import payment_record, term_assign, term_for
from tests.factories import (
    ContractFactory,
    DealInRealizationFactory,
    SupplierFactory,
    SupplierOrderFactory,
    deferral_term,
    prepayment_term,
)

pytestmark = pytest.mark.django_db

D = datetime.date
MOSCOW = datetime.timezone(datetime.timedelta(hours=3))
NOW = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=MOSCOW)


@pytest.fixture
def order(buyer):
    """A supplier order under the 30/70 term, its contract signed on Monday 2 March 2026."""
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
                "amount": Decimal("1000000.01"),
                "planned_delivery_date": D(2026, 3, 20),
            },
        )
    return order


def schedule(order):
    return list(order.installments.order_by("position"))


def test_an_order_under_a_term_gets_its_installments_with_due_dates(order):
    prepayment, balance = schedule(order)
    assert (prepayment.amount, balance.amount) == (Decimal("300000.00"), Decimal("700000.01"))
    assert (prepayment.due_date, prepayment.provisional) == (
        D(2026, 3, 10),
        False,
    )  # 9 March is off
    # Delivery is only planned (20 March): 30 days later is Sunday 19 April → Monday 20 April.
    assert (balance.base_date, balance.due_date, balance.provisional) == (
        D(2026, 3, 20),
        D(2026, 4, 20),
        True,
    )
    assert balance.reminder_date == D(2026, 4, 15)
    assert balance.status(D(2026, 3, 25)) == Installment.Status.PLANNED


def test_the_actual_delivery_date_moves_the_due_date_and_the_change_is_recorded(order, buyer):
    with time_machine.travel(datetime.datetime(2026, 3, 27, 12, 0, tzinfo=MOSCOW), tick=False):
        order = order_services.supplier_order_transition(
            order=order, name="place", actor=buyer, dates={"order_date": D(2026, 3, 3)}
        )
        order = order_services.supplier_order_transition(
            order=order, name="deliver", actor=buyer, dates={"actual_delivery_date": D(2026, 3, 26)}
        )

    balance = schedule(order)[1]
    assert (balance.base_date, balance.due_date, balance.provisional) == (
        D(2026, 3, 26),
        D(2026, 4, 27),
        False,
    )
    changes = {c.field: c for c in InstallmentChange.objects.filter(installment=balance)}
    assert (changes["due_date"].old_value, changes["due_date"].new_value) == (
        "2026-04-20",
        "2026-04-27",
    )
    assert changes["due_date"].reason == "actual delivery date entered"
    assert changes["due_date"].actor == buyer
    with translation.override("ru"):
        due = changes["due_date"]
        assert (due.field_label, due.old_display, due.new_display) == (
            "срок оплаты",
            "20 апреля 2026 г.",
            "27 апреля 2026 г.",
        )
        assert changes["provisional"].new_display == "нет"


def test_a_changed_amount_reads_in_the_readers_locale(order, buyer):
    order_services.supplier_order_update(
        order=order, actor=buyer, data={"amount": Decimal("2000000.00")}
    )
    change = InstallmentChange.objects.get(installment__position=1, field="amount")
    with translation.override("en"):
        assert (change.old_display, change.new_display) == ("300,000.00", "600,000.00")
    with translation.override("ru"):
        assert change.new_display == "600\xa0000,00"


def test_a_new_order_amount_is_spread_again_and_recorded(order, buyer):
    order_services.supplier_order_update(
        order=order, actor=buyer, data={"amount": Decimal("2000000.00")}
    )
    assert [i.amount for i in schedule(order)] == [Decimal("600000.00"), Decimal("1400000.00")]
    change = InstallmentChange.objects.get(installment__position=1, field="amount")
    assert (change.old_value, change.new_value, change.reason) == (
        "300000.00",
        "600000.00",
        "order amount changed",
    )


def test_a_paid_installment_is_never_changed(order, buyer, accountant):
    prepayment = schedule(order)[0]
    with time_machine.travel(NOW, tick=False):
        payment_record(
            installment=prepayment,
            amount=Decimal("300000.00"),
            paid_on=D(2026, 3, 2),
            reference="п/п 17",
            actor=accountant,
        )
    order_services.supplier_order_update(
        order=order, actor=buyer, data={"amount": Decimal("2000000.00")}
    )
    prepayment.refresh_from_db()
    assert (prepayment.amount, prepayment.state) == (Decimal("300000.00"), "paid")
    # What the paid part does not cover is the balance: the parts still make the order.
    assert schedule(order)[1].amount == Decimal("1700000.00")


def test_money_paid_beyond_a_new_share_closes_that_installment(order, buyer, accountant):
    prepayment, balance = schedule(order)
    with time_machine.travel(NOW, tick=False):
        payment_record(
            installment=prepayment,
            amount=Decimal("200000.00"),
            paid_on=D(2026, 3, 2),
            reference="п/п 5",
            actor=accountant,
        )
    order_services.supplier_order_update(
        order=order, actor=buyer, data={"amount": Decimal("500000.00")}
    )
    prepayment, balance = schedule(order)
    assert (prepayment.amount, prepayment.state) == (Decimal("200000.00"), "paid")
    assert (balance.amount, balance.state) == (Decimal("300000.00"), "open")


def test_an_order_amount_below_what_was_paid_is_refused(order, buyer, accountant):
    with time_machine.travel(NOW, tick=False):
        payment_record(
            installment=schedule(order)[0],
            amount=Decimal("300000.00"),
            paid_on=D(2026, 3, 2),
            reference="п/п 6",
            actor=accountant,
        )
    with pytest.raises(ValidationError, match=r"300000\.00 has already been paid"):
        order_services.supplier_order_update(
            order=order, actor=buyer, data={"amount": Decimal("100000.00")}
        )
    order.refresh_from_db()
    assert order.amount == Decimal("1000000.01")


def test_cancelling_the_order_cancels_its_unpaid_installments(order, buyer):
    order_services.supplier_order_transition(
        order=order, name="cancel", actor=buyer, comment="Поставщик отказал"
    )
    assert {i.state for i in schedule(order)} == {"cancelled"}


def test_cancelling_the_order_settles_a_partly_paid_installment_at_the_amount_paid(
    order, buyer, accountant
):
    prepayment, balance = schedule(order)
    with time_machine.travel(NOW, tick=False):
        payment_record(
            installment=prepayment,
            amount=Decimal("100000.00"),
            paid_on=D(2026, 3, 2),
            reference="п/п 17",
            actor=accountant,
        )
        order_services.supplier_order_transition(
            order=order, name="cancel", actor=buyer, comment="Поставщик отказал"
        )

    prepayment, balance = schedule(order)
    assert (prepayment.state, prepayment.amount, prepayment.paid_amount) == (
        "paid",
        Decimal("100000.00"),
        Decimal("100000.00"),
    )
    assert prepayment.status() == Installment.Status.PAID
    assert balance.state == "cancelled"
    settled = {
        change.field: (change.old_value, change.new_value, change.reason)
        for change in prepayment.changes.exclude(field="paid_amount")
    }
    assert settled == {
        "amount": ("300000.00", "100000.00", "order cancelled; settled at the amount paid"),
        "state": ("open", "paid", "order cancelled; settled at the amount paid"),
    }
    assert balance.changes.get(field="state").reason == "the order was cancelled"


def test_the_orders_own_term_wins_over_the_contracts_and_the_suppliers(buyer, accountant):
    supplier = SupplierFactory()
    contract = ContractFactory(counterparty=supplier)
    order = SupplierOrderFactory(deal=contract.deal, supplier=supplier, contract=contract)
    TermAssignment.objects.create(supplier=supplier, term=deferral_term())
    assert term_for(order) == deferral_term()
    TermAssignment.objects.create(contract=contract, term=prepayment_term())
    assert term_for(order) == prepayment_term()
    term_assign(term=deferral_term(), supplier_order=order, actor=accountant)
    assert term_for(order) == deferral_term()
    assert [i.share for i in schedule(order)] == [Decimal("100.00")]


def test_a_sales_manager_cannot_choose_payment_terms(manager):
    with pytest.raises(PermissionDenied):
        term_assign(term=deferral_term(), supplier_order=SupplierOrderFactory(), actor=manager)


class TestRecordingPayments:
    @pytest.fixture
    def installment(self, accountant):
        order = SupplierOrderFactory(amount=Decimal("1000.00"))
        term_assign(term=deferral_term(), supplier_order=order, actor=accountant)
        return order.installments.get()

    @pytest.mark.parametrize(
        ("amount", "paid_on", "reference", "field", "message"),
        [
            (Decimal("1000.01"), D(2026, 3, 2), "1", "amount", "Only 1000.00 RUB is outstanding."),
            (Decimal("-5"), D(2026, 3, 2), "1", "amount", "more than zero"),
            (Decimal("0"), D(2026, 3, 2), "1", "amount", "more than zero"),
            (Decimal("10"), D(2026, 3, 3), "1", "paid_on", "cannot be in the future"),
            (Decimal("10"), D(2026, 3, 2), "  ", "reference", "payment order number"),
        ],
    )
    def test_a_wrong_payment_is_refused_and_nothing_changes(
        self, installment, accountant, amount, paid_on, reference, field, message
    ):
        with time_machine.travel(NOW, tick=False), pytest.raises(ValidationError) as refused:
            payment_record(
                installment=installment,
                amount=amount,
                paid_on=paid_on,
                reference=reference,
                actor=accountant,
            )
        assert message in " ".join(refused.value.message_dict[field])
        installment.refresh_from_db()
        assert (installment.paid_amount, installment.payments.count()) == (Decimal("0.00"), 0)

    def test_a_partial_then_a_final_payment(self, installment, accountant):
        with time_machine.travel(NOW, tick=False):
            payment_record(
                installment=installment,
                amount=Decimal("400.00"),
                paid_on=D(2026, 3, 2),
                reference="101",
                actor=accountant,
            )
            installment.refresh_from_db()
            assert installment.status() == Installment.Status.PARTLY_PAID
            payment_record(
                installment=installment,
                amount=Decimal("600.00"),
                paid_on=D(2026, 3, 2),
                reference="102",
                actor=accountant,
            )
        installment.refresh_from_db()
        assert (installment.state, installment.outstanding) == ("paid", Decimal("0.00"))
        with (
            time_machine.travel(NOW, tick=False),
            pytest.raises(ValidationError, match="nothing is left to pay"),
        ):
            payment_record(
                installment=installment,
                amount=Decimal("1"),
                paid_on=D(2026, 3, 2),
                reference="103",
                actor=accountant,
            )

    def test_only_accounting_records_payments(self, installment, buyer):
        with pytest.raises(PermissionDenied):
            payment_record(
                installment=installment,
                amount=Decimal("1"),
                paid_on=D(2026, 3, 2),
                reference="1",
                actor=buyer,
            )
