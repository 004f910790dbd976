"""A real Celery worker sends the outbox's mail and runs the periodic jobs sent to it.

It consumes from the configured broker: kombu's file-system transport by default (what
`make run` uses), Redis when CELERY_BROKER_URL points at it (as in CI).
"""

import time

import pytest
from django.core import mail
from django.db import transaction

from fulfilment.celery import app
from fulfilment.models import OutboxMessage
from fulfilment.outbox import Mail, outbox_queue
from fulfilment.tasks import outbox_sweep_task

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def reset_connections() -> None:
    """Forget the app's pooled broker connections, so new ones read the transport options."""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def worker(tmp_path):
    from celery.contrib.testing import tasks  # noqa: F401 - the ping task the test worker needs
    from celery.contrib.testing.worker import start_worker

    options = app.conf.broker_transport_options
    if app.conf.broker_url.startswith("filesystem://"):
        # A folder of the test's own: a development worker on var/broker takes nothing.
        queue, processed, control = (tmp_path / name for name in ("queue", "processed", "control"))
        for folder in (queue, processed, control):
            folder.mkdir()
        app.conf.broker_transport_options = {
            "data_folder_in": str(queue),
            "data_folder_out": str(queue),
            "processed_folder": str(processed),
            "control_folder": str(control),
        }
        reset_connections()
    app.conf.task_always_eager = False
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=10
        ) as running:
            yield running
    finally:
        app.conf.task_always_eager = True
        app.conf.broker_transport_options = options
        reset_connections()


def wait_for(predicate, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_the_worker_sends_mail_queued_by_a_committed_change(worker):
    with transaction.atomic():
        outbox_queue(
            [Mail(key="worker:1", recipients=["irina@example.com"], subject="Бюджет", body="…")]
        )

    assert wait_for(lambda: OutboxMessage.objects.filter(sent_at__isnull=False).exists())
    assert [m.subject for m in mail.outbox] == ["Бюджет"]


def test_the_periodic_sweep_sent_through_the_broker_sends_what_was_missed(worker):
    OutboxMessage.objects.create(
        key="missed:1", recipients=["irina@example.com"], subject="Пропущенное", body="…"
    )

    outbox_sweep_task.delay()  # what beat sends every minute

    assert wait_for(
        lambda: OutboxMessage.objects.filter(key="missed:1", sent_at__isnull=False).exists()
    )
    assert [m.subject for m in mail.outbox] == ["Пропущенное"]


def test_the_date_rules_job_sent_through_the_broker_creates_the_reminder(worker, accountant):
    from decimal import Decimal

    from django.utils import timezone

    from fulfilment.handover.models import PaymentReminder
    from fulfilment.handover.tasks import date_rules_task
    from payments.models import Installment
    from tests.factories import SupplierOrderFactory

    today = timezone.localdate()
    installment = Installment.objects.create(
        supplier_order=SupplierOrderFactory(),
        position=1,
        share=Decimal(100),
        amount=Decimal("500000.00"),
        currency="RUB",
        base_event="delivery",
        base_date=today,
        provisional=False,
        due_date=today,
        reminder_date=today,
    )

    date_rules_task.delay()  # what beat sends every 15 minutes

    assert wait_for(
        lambda: PaymentReminder.objects.filter(installment=installment, task__isnull=False).exists()
    )
