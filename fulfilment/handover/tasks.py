"""Celery tasks of the hand-over process: thin, idempotent, safe to run twice."""

from celery import shared_task

from fulfilment.handover.services import tasks_notify_overdue


@shared_task(acks_late=True)
def tasks_overdue_task() -> int:
    return tasks_notify_overdue()
