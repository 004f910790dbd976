"""Every read a task page needs, with its joins done and its queries counted."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fulfilment.handover.models import Department, RuleFiring, Task, TaskComment
from fulfilment.handover.permissions import can_see_all_tasks, department_ids
from fulfilment.roles import PERMISSIONS, Can
from orders.models import Attachment
from payments.models import Installment
from payments.selectors import payment_packs


def tasks_visible_to(user) -> QuerySet[Task]:
    """The tasks ``user`` may open: their departments', theirs, the ones they take part in."""
    tasks = Task.objects.all()
    if can_see_all_tasks(user):
        return tasks
    mine = department_ids(user)
    participating = Task.objects.filter(
        Q(participant_departments__in=mine) | Q(participant_users=user)
    ).values("pk")
    return tasks.filter(
        Q(department__in=mine) | Q(assignee=user) | Q(deal__manager=user) | Q(pk__in=participating)
    )


def with_card_data(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """What a task row shows, fetched with the row."""
    comments = (
        TaskComment.objects.filter(task=OuterRef("pk"))
        .order_by()
        .values("task")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return tasks.select_related("deal", "department", "assignee").annotate(
        comment_count=Coalesce(Subquery(comments, output_field=IntegerField()), 0)
    )


@dataclass
class TaskGroup:
    key: str
    label: str
    count: int = 0
    tasks: list[Task] = field(default_factory=list)

    @property
    def hidden(self) -> int:
        return self.count - len(self.tasks)


def _boundaries(now: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    """The end of today and of this week (Sunday night), company time."""
    today = timezone.localtime(now).date()
    midnight = datetime.time.min
    end_of_today = timezone.make_aware(
        datetime.datetime.combine(today + datetime.timedelta(days=1), midnight)
    )
    days_to_monday = 7 - today.weekday()
    end_of_week = timezone.make_aware(
        datetime.datetime.combine(today + datetime.timedelta(days=days_to_monday), midnight)
    )
    return end_of_today, end_of_week


def task_groups(tasks: QuerySet[Task], *, now: datetime.datetime | None = None) -> list[TaskGroup]:
    """Open tasks grouped overdue / today / this week / later: one count query and one per group."""
    now = now or timezone.now()
    end_of_today, end_of_week = _boundaries(now)
    tasks = tasks.open()
    bounds = {
        "overdue": Q(deadline__lt=now),
        "today": Q(deadline__gte=now, deadline__lt=end_of_today),
        "week": Q(deadline__gte=end_of_today, deadline__lt=end_of_week),
        "later": Q(deadline__gte=max(end_of_week, end_of_today)),
    }
    labels = {
        "overdue": _("Overdue"),
        "today": _("Today"),
        "week": _("This week"),
        "later": _("Later"),
    }
    counts = tasks.order_by().aggregate(**{key: Count("pk", filter=q) for key, q in bounds.items()})
    limit = settings.DASHBOARD_GROUP_LIMIT
    groups = []
    for key, q in bounds.items():
        group = TaskGroup(key=key, label=labels[key], count=counts[key])
        if group.count:
            group.tasks = list(with_card_data(tasks.filter(q)).order_by("deadline", "pk")[:limit])
        groups.append(group)
    return groups


def search(tasks: QuerySet[Task], text: str) -> QuerySet[Task]:
    text = text.strip()
    if not text:
        return tasks
    return tasks.filter(
        Q(title__icontains=text)
        | Q(deal__realization_number__icontains=text)
        | Q(deal__title__icontains=text)
    )


def _open_pks(tasks: QuerySet[Task]) -> list[int]:
    # Read first, as a short list: "own OR participating" then stays two index scans
    # instead of a scan over every task ever made.
    return list(tasks.open().values_list("pk", flat=True))


def my_tasks(user) -> QuerySet[Task]:
    """Tasks assigned to the user and the open ones they take part in by name."""
    participating = _open_pks(Task.objects.filter(participant_users=user))
    return Task.objects.filter(Q(assignee=user) | Q(pk__in=participating))


def department_queue(department: Department) -> QuerySet[Task]:
    """The department's own tasks and the open ones it takes part in."""
    participating = _open_pks(Task.objects.filter(participant_departments=department))
    return Task.objects.filter(Q(department=department) | Q(pk__in=participating))


def departments_for_queue(user) -> QuerySet[Department]:
    if can_see_all_tasks(user) or user.is_superuser:
        return Department.objects.all()
    return Department.objects.filter(pk__in=department_ids(user))


def deal_tasks(deal) -> QuerySet[Task]:
    return with_card_data(Task.objects.filter(deal=deal)).order_by("status", "deadline", "pk")


def task_detail(tasks: QuerySet[Task]) -> QuerySet[Task]:
    return tasks.select_related(
        "deal__customer", "department__head", "assignee", "rule", "created_by"
    ).prefetch_related("participant_departments", "participant_users")


def task_history(task: Task):
    return task.events.select_related("actor")


def task_comments(task: Task):
    return task.comments.select_related("author")


def task_attachments(task: Task) -> QuerySet[Attachment]:
    return Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(Task), object_id=task.pk
    ).select_related("uploaded_by")


def people_seeing(deal) -> QuerySet:
    """The active users who may open ``deal``: the only ones a task on it can be shown to."""
    roles = [
        role.value
        for role, capabilities in PERMISSIONS.items()
        if Can.VIEW_ALL_DEALS in capabilities
        or (deal.realization_number and Can.VIEW_REALIZATION_DEALS in capabilities)
    ]
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__name__in=roles) | Q(is_superuser=True) | Q(pk=deal.manager_id))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def deal_firings(deal) -> QuerySet[RuleFiring]:
    return RuleFiring.objects.filter(deal=deal).select_related("rule", "task")


def task_payment_pack(task: Task) -> dict | None:
    """What a payment task shows of its installment: the installment and its pack of
    documents as they stand now; None for any other task."""
    if task.content_type_id != ContentType.objects.get_for_model(Installment).pk:
        return None
    installment = Installment.objects.select_related("supplier_order").get(pk=task.object_id)
    return {"installment": installment, "items": payment_packs([installment])[installment.pk]}
