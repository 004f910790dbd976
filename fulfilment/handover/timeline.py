"""What the hand-over process adds to a deal's timeline: tasks made, done, cancelled; comments.

Only of the tasks the reader may open: a task's notes and comments are for the people
who see the task, not everyone who sees its deal.
"""

from django.utils.translation import gettext as _

from fulfilment.handover.models import TaskComment, TaskEvent
from fulfilment.handover.selectors import tasks_visible_to
from orders.timeline import PER_SOURCE, TimelineEntry, register_timeline_source

_SHOWN = {
    TaskEvent.Kind.CREATED: "created",
    TaskEvent.Kind.STATUS: "status",
}


def task_events(deal, *, user) -> list[TimelineEntry]:
    events = (
        TaskEvent.objects.filter(
            task__deal=deal,
            task__in=tasks_visible_to(user).values("pk"),
            kind__in=list(_SHOWN),
        )
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


def task_comments(deal, *, user) -> list[TimelineEntry]:
    comments = (
        TaskComment.objects.filter(task__deal=deal, task__in=tasks_visible_to(user).values("pk"))
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
