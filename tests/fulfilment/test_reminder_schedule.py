"""The date rules run every 15 minutes from beat, and once whenever a worker starts."""

from unittest import mock

import pytest
from celery.signals import worker_ready

from fulfilment.celery import app
from fulfilment.handover import tasks
from tests.fulfilment import test_payment_reminders as reminders

pytestmark = pytest.mark.django_db

# 1 200 000 RUB delivered on 20 March 2026, due 20 April, reminded on 15 April.
delivered_order = reminders.delivered_order


def test_beat_runs_the_date_rules_every_fifteen_minutes():
    entries = [
        entry
        for entry in app.conf.beat_schedule.values()
        if entry["task"] == "fulfilment.handover.tasks.date_rules_task"
    ]
    assert len(entries) == 1
    assert float(entries[0]["schedule"]) == 15 * 60
    assert entries[0]["task"] in app.tasks


def test_a_starting_worker_runs_the_date_rules_once():
    with mock.patch.object(tasks, "date_rules_run", return_value={}) as run:
        worker_ready.send(sender=None)
    run.assert_called_once_with()


def test_the_job_at_worker_start_makes_the_due_reminders(delivered_order, time_machine):
    time_machine.move_to("2026-04-15 10:00 +03:00", tick=False)

    worker_ready.send(sender=None)

    installment = delivered_order.installments.get()
    assert installment.reminders.get().task.title.startswith(
        "Prepare the payment for R-2026-00042/SO-1"
    )
