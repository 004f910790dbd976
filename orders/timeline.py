"""One timeline per deal, newest first, gathered from every app that records events.

Each source returns the latest events of its kind for a deal in a fixed number of
queries; orders registers its own (stage changes of the deal and of its records,
documents, files) and other apps register theirs (tasks, comments, payments) in their
``AppConfig.ready()``. orders knows none of them.

A source is called with the deal and the user who reads the timeline, and returns only
what that user may open: seeing a deal does not mean seeing every task or file on it.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _

from orders.models import Deal, DocumentVersion, StageChange
from orders.selectors import attachments_visible_to

PER_SOURCE = 100


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime.datetime
    kind: str  # a word for styling: stage, task, document, file, comment, payment
    text: str
    actor: object | None = None
    url: str = ""
    note: str = ""


Source = Callable[..., list[TimelineEntry]]  # source(deal, *, user)
_sources: dict[str, Source] = {}


def register_timeline_source(name: str, source: Source) -> None:
    _sources[name] = source


def deal_timeline(deal: Deal, *, user, limit: int = PER_SOURCE) -> list[TimelineEntry]:
    """The deal's events that ``user`` may see, newest first."""
    entries = [entry for source in _sources.values() for entry in source(deal, user=user)]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit]


def _record_label(change: StageChange, deal_type: ContentType) -> str:
    if change.content_type_id == deal_type.pk:
        return _("Deal")
    record = change.record
    return f"{record._meta.verbose_name.capitalize()} {record}" if record else ""


def stage_changes(deal: Deal, *, user) -> list[TimelineEntry]:
    changes = list(StageChange.objects.filter(deal=deal).select_related("actor")[:PER_SOURCE])
    deal_type = ContentType.objects.get_for_model(Deal)
    others = [c for c in changes if c.content_type_id != deal_type.pk]
    prefetch_related_objects(others, "record")  # one query per kind of record
    entries = []
    for change in changes:
        label = _record_label(change, deal_type)
        if change.source:
            text = f"{label}: {change.source_label} → {change.target_label}"
        else:
            text = _("%(record)s created (%(stage)s)") % {
                "record": label,
                "stage": change.target_label,
            }
        url = (
            change.record.get_absolute_url()
            if change.content_type_id != deal_type.pk and change.record
            else ""
        )
        entries.append(
            TimelineEntry(change.created_at, "stage", text, change.actor, url, change.comment)
        )
    return entries


def documents(deal: Deal, *, user) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            version.created_at,
            "document",
            _("Document generated: %(document)s") % {"document": version},
            version.created_by,
            version.get_absolute_url(),
        )
        for version in DocumentVersion.objects.filter(deal=deal).select_related("created_by")[
            :PER_SOURCE
        ]
    ]


def files(deal: Deal, *, user) -> list[TimelineEntry]:
    """Files ``user`` may download: a task's file only to those who may open the task."""
    return [
        TimelineEntry(
            attachment.created_at,
            "file",
            _("File attached: %(name)s") % {"name": attachment.original_name},
            attachment.uploaded_by,
            attachment.get_absolute_url(),
        )
        for attachment in attachments_visible_to(user)
        .filter(deal=deal)
        .select_related("uploaded_by")[:PER_SOURCE]
    ]


register_timeline_source("stage_changes", stage_changes)
register_timeline_source("documents", documents)
register_timeline_source("files", files)
