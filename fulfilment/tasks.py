"""Celery tasks of the infrastructure: thin wrappers around the outbox."""

from celery import shared_task

from fulfilment.outbox import outbox_deliver


@shared_task(acks_late=True)
def outbox_deliver_task(keys: list[str]) -> int:
    return outbox_deliver(keys=keys)


@shared_task(acks_late=True)
def outbox_sweep_task() -> int:
    return outbox_deliver()
