"""What the hand-over process adds to a deal's timeline: tasks made, done, cancelled; comments."""

from django.utils.translation import gettext as _

from fulfilment.handover.models import TaskComment, TaskEvent
from orders.timeline import PER_SOURCE, TimelineEntry, register_timeline_source

_SHOWN = {
    TaskEvent.Kind.CREATED: "created",
    TaskEvent.Kind.STATUS: "status",
}


def task_events(deal) -> list[TimelineEntry]:
    events = (
        TaskEvent.objects.filter(task__deal=deal, kind__in=list(_SHOWN))
        .select_related("task", "actor")
        .order_by("-created_at", "-pk")[:PER_SOURCE]
    )
    entries = []
    for event in events:
        if event.kind == TaskEvent.Kind.CREATED:
            text = _("Task created: %(title)s") % {"title": event.task.title}
        else:
            text = _("Task “%(title)s”: %(status)s") % {
                "title": event.task.title,
                "status": event.new_value,
            }
        entries.append(
            TimelineEntry(
                event.created_at,
                "task",
                text,
                event.actor,
                event.task.get_absolute_url(),
                event.note,
            )
        )
    return entries


def task_comments(deal) -> list[TimelineEntry]:
    comments = (
        TaskComment.objects.filter(task__deal=deal)
        .select_related("task", "author")
        .order_by("-created_at", "-pk")[:PER_SOURCE]
    )
    return [
        TimelineEntry(
            comment.created_at,
            "comment",
            _("Comment on “%(title)s”") % {"title": comment.task.title},
            comment.author,
            comment.task.get_absolute_url() + "#comments",
            comment.text,
        )
        for comment in comments
    ]


def register_sources() -> None:
    register_timeline_source("task_events", task_events)
    register_timeline_source("task_comments", task_comments)
