"""An open reminder task follows its installment: new amounts, moved and restored dates."""

import datetime
from decimal import Decimal

import pytest

from fulfilment.handover import date_rules
from fulfilment.handover.models import PaymentReminder, TaskEvent
from orders import services as order_services
from tests.fulfilment import test_payment_reminders as reminders
from tests.fulfilment.test_payment_reminders import MOSCOW, reminder_tasks

pytestmark = pytest.mark.django_db

# 1 200 000 RUB delivered on 20 March 2026, due 20 April, reminded on 15 April.
delivered_order = reminders.delivered_order

D = datetime.date


def deadline_of(task) -> datetime.date:
    return task.deadline.astimezone(MOSCOW).date()


def test_a_new_amount_with_the_same_due_date_changes_the_open_reminders_title(
    delivered_order, buyer
):
    date_rules.payment_reminders_create(today=D(2026, 4, 15))
    task = reminder_tasks().get()
    assert "1,200,000.00 RUB" in task.title

    order_services.supplier_order_update(
        order=delivered_order, actor=buyer, data={"amount": Decimal("1500000.00")}
    )

    installment = delivered_order.installments.get()
    assert (installment.amount, installment.due_date) == (Decimal("1500000.00"), D(2026, 4, 20))
    task.refresh_from_db()
    assert "1,500,000.00 RUB" in task.title
    assert "due 2026-04-20" in task.title
    assert task.description.startswith("Installment 1 of R-2026-00042/SO-1, 100 % of the order")
    assert "Payment pack:" in task.description  # the pack listed at creation stays
    event = task.events.get(kind=TaskEvent.Kind.DETAILS)
    assert "order amount changed" in event.note
    assert "1,200,000.00 RUB" in event.old_value
    assert "1,500,000.00 RUB" in event.new_value
    assert not task.events.filter(kind=TaskEvent.Kind.DEADLINE).exists()  # it did not move
    assert reminder_tasks().count() == 1
    assert date_rules.payment_reminders_create(today=D(2026, 4, 16)) == 0


def test_a_due_date_moved_there_and_back_keeps_one_open_reminder(delivered_order, buyer):
    date_rules.payment_reminders_create(today=D(2026, 4, 15))
    task = reminder_tasks().get()

    # Delivery corrected to Friday 27 March (due Monday 27 April), then back to 20 March.
    for delivered, today in ((D(2026, 3, 27), D(2026, 4, 22)), (D(2026, 3, 20), D(2026, 4, 16))):
        order_services.supplier_order_update(
            order=delivered_order, actor=buyer, data={"actual_delivery_date": delivered}
        )
        date_rules.payment_reminders_create(today=today)

    assert list(reminder_tasks().filter(status__in=["open", "in_progress"])) == [task]
    task.refresh_from_db()
    assert deadline_of(task) == D(2026, 4, 20)
    moves = [
        (e.old_value[:10], e.new_value[:10])
        for e in task.events.filter(kind=TaskEvent.Kind.DEADLINE).order_by("pk")
    ]
    assert moves == [("2026-04-20", "2026-04-27"), ("2026-04-27", "2026-04-20")]


def test_a_date_restored_after_its_first_reminder_was_closed_moves_the_open_one_back(
    delivered_order, buyer, accountant
):
    date_rules.payment_reminders_create(today=D(2026, 4, 15))
    first = reminder_tasks().get()
    date_rules.tasks_close([first], name="complete", actor=accountant, note="")
    order_services.supplier_order_update(
        order=delivered_order, actor=buyer, data={"actual_delivery_date": D(2026, 3, 27)}
    )
    date_rules.payment_reminders_create(today=D(2026, 4, 22))
    second = reminder_tasks().exclude(pk=first.pk).get()
    assert deadline_of(second) == D(2026, 4, 27)

    order_services.supplier_order_update(
        order=delivered_order, actor=buyer, data={"actual_delivery_date": D(2026, 3, 20)}
    )

    second.refresh_from_db()
    assert second.is_open
    assert deadline_of(second) == D(2026, 4, 20)
    assert "due 2026-04-20" in second.title
    assert date_rules.payment_reminders_create(today=D(2026, 4, 16)) == 0
    assert list(reminder_tasks().filter(status__in=["open", "in_progress"])) == [second]
    installment = delivered_order.installments.get()
    assert PaymentReminder.objects.get(installment=installment, due_date=D(2026, 4, 20)).task == (
        second
    )
