"""Two reminder jobs at once (on SQLite and, in CI, on PostgreSQL): one task per installment."""

import datetime
from decimal import Decimal

import pytest

from fulfilment.handover import date_rules
from fulfilment.handover.models import PaymentReminder, Task
from payments.models import Installment
from tests.factories import SupplierOrderFactory
from tests.orders.test_concurrency import run_together

# serialized_rollback brings back the rows data migrations made (departments, terms).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_two_jobs_at_once_make_one_task_per_installment(accountant):
    for n in range(30):
        Installment.objects.create(
            supplier_order=SupplierOrderFactory(),
            position=1,
            share=Decimal(100),
            amount=Decimal("1000.00") + n,
            currency="RUB",
            base_event="delivery",
            base_date=datetime.date(2026, 3, 20),
            provisional=False,
            due_date=datetime.date(2026, 4, 20),
            reminder_date=datetime.date(2026, 4, 15),
        )

    results = run_together(
        2, lambda i: date_rules.payment_reminders_create(today=datetime.date(2026, 4, 15), batch=7)
    )

    assert [r for r in results if isinstance(r, Exception)] == []
    assert sum(results) == 30
    assert PaymentReminder.objects.count() == 30
    assert Task.objects.filter(payment_reminder__isnull=False).count() == 30
    assert PaymentReminder.objects.filter(task__isnull=True).count() == 0
