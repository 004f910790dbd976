"""Every write to tasks: status changes, taking and assigning, comments, new tasks, overdue notices.

Each service locks the task row before any other row it touches, checks the actor
against ``permissions``, records a TaskEvent in the same transaction, and queues mail
through the outbox. (``date_rules`` closes payment tasks on the system's behalf the
same way: lock, change, record.)
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from fulfilment.handover import rules
from fulfilment.handover.models import Department, Task, TaskComment, TaskEvent
from fulfilment.handover.permissions import department_ids, task_refusals
from fulfilment.handover.selectors import people_seeing
from fulfilment.outbox import Mail, outbox_queue
from fulfilment.templatetags.people import full_name
from orders.models import Attachment
from orders.services import attachment_store
from orders.workflow import TransitionConflict, TransitionRefused, transition_by_name, unmet_reasons


def _lock(task: Task) -> Task:
    try:
        return (
            Task.objects.select_for_update(of=("self",))
            .select_related("department")
            .get(pk=task.pk)
        )
    except Task.DoesNotExist:
        raise TransitionConflict(_("This task no longer exists.")) from None


def task_transition(
    *, task: Task, name: str, actor, comment: str = "", expected_status: str | None = None
) -> Task:
    """Start, complete, cancel or reopen a task, or raise why not."""
    with transaction.atomic():
        locked = _lock(task)
        if expected_status is not None and locked.status != expected_status:
            raise TransitionConflict(
                _("This task is already “%(status)s”: someone changed it a moment ago.")
                % {"status": locked.get_status_display()}
            )
        transition = transition_by_name(locked, "status", name)
        if transition is None:
            raise TransitionRefused([_("There is no such step for a task.")])
        refusals = task_refusals(actor, locked, name)
        if not refusals and not can_proceed(getattr(locked, name), check_conditions=False):
            refusals = [
                _("A task that is “%(status)s” cannot take this step.")
                % {"status": locked.get_status_display()}
            ]
        refusals += unmet_reasons(locked, transition)
        if (transition.custom or {}).get("comment_required") and not comment.strip():
            refusals.append(_("Say why in the comment."))
        if refusals:
            raise TransitionRefused(refusals)
        source_status, source = locked.status, locked.get_status_display()
        getattr(locked, name)()
        if name == "start" and locked.assignee_id is None:
            locked.assignee = actor
        locked.save()
        note = comment.strip()
        if name == "complete" and source_status == Task.Status.OPEN:
            # Quick tasks are closed without being started; the history says so.
            with translation.override(settings.LANGUAGE_CODE):
                shortcut = _("Completed straight from open, without being started.")
            note = "\n".join(filter(None, [shortcut, note]))
        TaskEvent.objects.create(
            task=locked,
            kind=TaskEvent.Kind.STATUS,
            actor=actor,
            old_value=source,
            new_value=locked.get_status_display(),
            note=note,
        )
        if locked.status == Task.Status.DONE:
            rules.fire_successors(task=locked)
        elif locked.status == Task.Status.CANCELLED:
            rules.successors_will_not_fire(tasks=[locked])
    return locked


def task_take(*, task: Task, actor) -> Task:
    """Assign an unassigned task of one's department to oneself."""
    with transaction.atomic():
        locked = _lock(task)
        refusals = task_refusals(actor, locked, "take")
        if not refusals and not locked.is_open:
            refusals = [_("Only an open task can be taken.")]
        if refusals:
            raise TransitionRefused(refusals)
        if locked.assignee_id == actor.pk:
            return locked
        locked.assignee = actor
        locked.save(update_fields=["assignee", "updated_at"])
        TaskEvent.objects.create(
            task=locked, kind=TaskEvent.Kind.ASSIGNED, actor=actor, new_value=full_name(actor)
        )
    return locked


def task_assign(*, task: Task, assignee, actor) -> Task:
    """The department head gives the task to a member (or back to the queue: ``None``)."""
    with transaction.atomic():
        locked = _lock(task)
        refusals = task_refusals(actor, locked, "assign")
        if refusals:
            raise PermissionDenied(refusals[0])
        if assignee is not None and locked.department_id not in department_ids(assignee):
            raise ValidationError(
                {
                    "assignee": _("%(name)s is not in %(department)s.")
                    % {"name": assignee, "department": locked.department}
                }
            )
        if locked.assignee_id == (assignee.pk if assignee else None):
            return locked
        old = full_name(locked.assignee)
        locked.assignee = assignee
        locked.save(update_fields=["assignee", "updated_at"])
        TaskEvent.objects.create(
            task=locked,
            kind=TaskEvent.Kind.ASSIGNED,
            actor=actor,
            old_value=old,
            new_value=full_name(assignee),
        )
        if assignee is not None and assignee.email:
            with translation.override(settings.LANGUAGE_CODE):
                outbox_queue(
                    [
                        Mail(
                            key=f"task-assigned:{locked.pk}:{assignee.pk}:{timezone.now():%Y%m%d%H%M%S%f}",
                            recipients=[assignee.email],
                            subject=locked.title,
                            body=_("%(who)s gave you a task: %(title)s\n\n%(url)s\n")
                            % {
                                "who": full_name(actor),
                                "title": locked.title,
                                "url": settings.SITE_URL + locked.get_absolute_url(),
                            },
                        )
                    ]
                )
    return locked


def task_participant_add(*, task: Task, user, actor) -> Task:
    """Bring a person into a task: they see it on their dashboard and comment on it."""
    with transaction.atomic():
        locked = _lock(task)
        refusals = task_refusals(actor, locked, "start")
        if not refusals and not people_seeing(locked.deal).filter(pk=user.pk).exists():
            refusals = [
                _("%(name)s cannot open this deal, so cannot take part in its task.")
                % {"name": user}
            ]
        if refusals:
            raise PermissionDenied(refusals[0])
        if not locked.participant_users.filter(pk=user.pk).exists():
            locked.participant_users.add(user)
            TaskEvent.objects.create(
                task=locked,
                kind=TaskEvent.Kind.PARTICIPANT,
                actor=actor,
                new_value=full_name(user),
            )
    return locked


def task_attachment_add(*, task: Task, upload, actor, category: str = Attachment.Category.OTHER):
    """A file on a task, from anyone who sees the task (as a comment with a file)."""
    return attachment_store(
        deal=task.deal, upload=upload, actor=actor, category=category, record=task
    )


def task_comment_add(*, task: Task, author, text: str) -> TaskComment:
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write something first.")})
    with transaction.atomic():
        return TaskComment.objects.create(task=task, author=author, text=text)


def task_create(
    *,
    deal,
    department: Department,
    title: str,
    deadline: datetime.datetime,
    actor,
    description: str = "",
    assignee=None,
) -> Task:
    """A task made by a person (rules make theirs in ``rules``)."""
    if deadline <= timezone.now():
        raise ValidationError({"deadline": _("The deadline must be in the future.")})
    with transaction.atomic():
        task = Task(
            title=title.strip(),
            description=description.strip(),
            department=department,
            assignee=assignee,
            deadline=deadline,
            deal=deal,
            created_by=actor,
        )
        task.full_clean(exclude=["status"])
        task.save()
        TaskEvent.objects.create(task=task, kind=TaskEvent.Kind.CREATED, actor=actor)
        rules.notify_new_tasks([task])
    return task


def tasks_cancel_for_deals(*, deal_ids, actor, reason: str, keep_entries=()) -> int:
    """Cancel the open deal-level tasks of deals that will not go on (a lost deal).

    Tasks about a supplier order or a payment stay: the goods ordered are still owed
    and paid for whatever the customer does. So do tasks made by the very stage entry
    that lost the deal (``keep_entries``): a rule on "Lost" makes them on purpose.
    """
    tasks = list(
        Task.objects.open()
        .filter(deal_id__in=deal_ids, content_type__isnull=True)
        .exclude(entry__in=list(keep_entries))
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    now = timezone.now()
    events = []
    for task in tasks:
        events.append(
            TaskEvent(
                task=task,
                kind=TaskEvent.Kind.STATUS,
                actor=actor,
                old_value=task.get_status_display(),
                new_value=Task.Status.CANCELLED.label,
                note=reason,
            )
        )
        task.cancel()
        task.updated_at = now
    Task.objects.bulk_update(tasks, ["status", "updated_at"])
    TaskEvent.objects.bulk_create(events)
    rules.successors_will_not_fire(tasks=tasks)
    return len(tasks)


def tasks_notify_overdue(*, now: datetime.datetime | None = None, batch: int = 500) -> int:
    """Mark overdue tasks and tell the assignee and the department head, once per task.

    Safe to run twice at once: each run claims its rows with SKIP LOCKED on PostgreSQL
    (IMMEDIATE transactions queue the runs on SQLite) and a task is claimed only while
    its notice is not yet sent.
    """
    now = now or timezone.now()
    total = 0
    while True:
        with transaction.atomic():
            tasks = list(
                Task.objects.overdue(now)
                .filter(overdue_notified_at__isnull=True)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("assignee", "department__head", "deal")
                .order_by("deadline", "pk")[:batch]
            )
            if not tasks:
                return total
            Task.objects.filter(pk__in=[t.pk for t in tasks]).update(overdue_notified_at=now)
            TaskEvent.objects.bulk_create(
                TaskEvent(task=task, kind=TaskEvent.Kind.OVERDUE) for task in tasks
            )
            with translation.override(settings.LANGUAGE_CODE):
                outbox_queue(_overdue_mail(task) for task in tasks)
            total += len(tasks)


def _overdue_mail(task: Task) -> Mail:
    recipients = {
        user.email
        for user in (task.assignee, task.department.head)
        if user is not None and user.email
    }
    return Mail(
        key=f"task-overdue:{task.pk}",
        recipients=sorted(recipients),
        subject=_("Overdue: %(title)s") % {"title": task.title},
        body=_("The task “%(title)s” was due %(deadline)s and is not done.\n\n%(url)s\n")
        % {
            "title": task.title,
            "deadline": timezone.localtime(task.deadline).strftime("%Y-%m-%d %H:%M"),
            "url": settings.SITE_URL + reverse("handover:task-detail", args=[task.pk]),
        },
    )
