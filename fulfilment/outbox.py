"""Outgoing mail as rows: queued in the transaction of the change, sent after commit.

``outbox_queue`` writes the messages with the caller's transaction and asks a worker
to send them once it commits. If the broker is down at that moment, or the worker
dies, the periodic sweep (``outbox_sweep_task``, every minute) sends them later; a
message is never lost with a rolled-back change and never queued twice for one key.

Sending claims a message first (a compare-and-set on ``claimed_until``), so two
workers, or a worker and the sweep, never send the same message at once. A failed
send is retried by the sweep with a growing pause.

This module imports no app: every app may use it.
"""

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from fulfilment.models import OutboxMessage

logger = logging.getLogger(__name__)

CLAIM_FOR = datetime.timedelta(minutes=5)
MAX_PAUSE = datetime.timedelta(hours=6)


@dataclass(frozen=True)
class Mail:
    key: str
    recipients: list[str]
    subject: str
    body: str


def outbox_queue(mails: Iterable[Mail]) -> None:
    """Queue messages in the current transaction; a key already queued is skipped."""
    rows = [
        OutboxMessage(
            key=mail.key[:200],
            recipients=sorted(set(mail.recipients)),
            subject=mail.subject[:300],
            body=mail.body,
        )
        for mail in mails
        if mail.recipients
    ]
    if not rows:
        return
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
    keys = [row.key for row in rows]
    transaction.on_commit(lambda: _request_delivery(keys))


def _request_delivery(keys: list[str]) -> None:
    from fulfilment.tasks import outbox_deliver_task

    try:
        outbox_deliver_task.delay(keys)
    except Exception:
        # The rows are committed: the sweep will send them when a worker can.
        logger.warning("Broker unavailable; %d message(s) left for the sweep.", len(keys))


def _claimable(now: datetime.datetime):
    return OutboxMessage.objects.filter(sent_at__isnull=True).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )


def outbox_deliver(*, keys: Iterable[str] | None = None, limit: int = 200) -> int:
    """Send unsent messages (the given keys, or the oldest ones); return how many were sent."""
    now = timezone.now()
    candidates = _claimable(now)
    if keys is not None:
        candidates = candidates.filter(key__in=list(keys))
    sent = 0
    for pk in candidates.order_by("created_at", "pk").values_list("pk", flat=True)[:limit]:
        # A claim counts from its own moment: slow sends must not let later claims expire.
        claim_at = timezone.now()
        claimed = (
            _claimable(claim_at)
            .filter(pk=pk)
            .update(claimed_until=claim_at + CLAIM_FOR, attempts=F("attempts") + 1)
        )
        if not claimed:
            continue  # another sender has it
        message = OutboxMessage.objects.get(pk=pk)
        try:
            EmailMessage(
                subject=message.subject,
                body=message.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=message.recipients,
            ).send()
        except Exception as error:
            pause = min(datetime.timedelta(minutes=2**message.attempts), MAX_PAUSE)
            OutboxMessage.objects.filter(pk=pk).update(
                claimed_until=timezone.now() + pause, last_error=repr(error)[:2000]
            )
            logger.warning("Message %s not sent (attempt %d): %r", pk, message.attempts, error)
            continue
        OutboxMessage.objects.filter(pk=pk).update(sent_at=timezone.now(), last_error="")
        sent += 1
    return sent
