"""Celery tasks of the hand-over process: thin, idempotent, safe to run twice."""

from celery import shared_task
from celery.signals import worker_ready

from fulfilment.handover.date_rules import date_rules_run
from fulfilment.handover.services import tasks_notify_overdue


@shared_task(acks_late=True)
def tasks_overdue_task() -> int:
    return tasks_notify_overdue()


@shared_task(acks_late=True)
def date_rules_task() -> dict[str, int]:
    return date_rules_run()


@worker_ready.connect(dispatch_uid="handover-date-rules-at-start")
def catch_up_at_start(sender=None, **kwargs) -> None:
    """A worker that starts runs the date rules at once: a missed run is caught up."""
    date_rules_task.delay()
