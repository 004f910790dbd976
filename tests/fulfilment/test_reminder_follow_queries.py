"""Reminders follow many moved installments at once without a query per installment."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fulfilment.handover import date_rules
from fulfilment.handover.models import TaskEvent
from payments.models import Installment, PaymentTerm
from payments.services import term_assign
from tests.factories import SupplierFactory, SupplierOrderFactory
from tests.fulfilment.test_payment_reminders import MOSCOW, reminder_tasks

pytestmark = pytest.mark.django_db

D = datetime.date
# Per moved installment: the slot's stale row deleted, the reminder's date, the task, and
# its two events (deadline, title) written.
WRITES_PER_REMINDER = 5


@pytest.mark.parametrize("count", [1, 20])
def test_reminders_of_many_moved_installments_are_read_in_one_query(count, accountant):
    """``count`` orders of one supplier delivered on Friday 20 March 2026 under 30 days'
    deferral: due Monday 20 April, reminded on 15 April; then each due date moves to
    Monday 27 April."""
    supplier = SupplierFactory()
    with time_machine.travel(datetime.datetime(2026, 3, 20, 10, tzinfo=MOSCOW), tick=False):
        for _n in range(count):
            SupplierOrderFactory(
                supplier=supplier, stage="delivered", actual_delivery_date=D(2026, 3, 20)
            )
        deferral = PaymentTerm.objects.get(
            installments__base_event="delivery", installments__share=100
        )
        term_assign(term=deferral, supplier=supplier, actor=accountant)
    assert date_rules.payment_reminders_create(today=D(2026, 4, 15)) == count
    installments = list(Installment.objects.filter(supplier_order__supplier=supplier))
    moved = []
    for installment in installments:
        moved.append((installment, installment.due_date))
        installment.due_date = D(2026, 4, 27)
    Installment.objects.filter(pk__in=[i.pk for i in installments]).update(due_date=D(2026, 4, 27))

    with CaptureQueriesContext(connection) as queries:
        date_rules.reminders_follow_due_dates(
            moved=moved, actor=accountant, reason="payment term changed"
        )

    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert len(reads) == 1
    assert len(queries) == 1 + WRITES_PER_REMINDER * count
    tasks = list(reminder_tasks())
    assert len(tasks) == count
    assert all("due 2026-04-27" in task.title and supplier.name in task.title for task in tasks)
    assert TaskEvent.objects.filter(kind=TaskEvent.Kind.DEADLINE).count() == count
