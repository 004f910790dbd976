"""The log of stage changes, shared by every state machine of the orders app."""

from collections.abc import Sequence

from django.contrib.contenttypes.models import ContentType
from django.db import models

from orders.models import StageChange


def record_stage_changes(
    items: Sequence[tuple[models.Model, str, str]], *, deal_of, actor, comment: str
) -> list[StageChange]:
    """Write one StageChange per (record, source, target) in one query; ``record`` is set."""
    changes = []
    for record, source, target in items:
        change = StageChange(
            deal=deal_of(record),
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
            source=source,
            target=target,
            actor=actor,
            comment=comment,
        )
        change.record = record
        changes.append(change)
    StageChange.objects.bulk_create(changes)
    return changes
