"""Who may do what with a task: department membership on top of the role map."""

from django.utils.translation import gettext as _

from fulfilment.handover.models import Department
from fulfilment.roles import Can, can


def department_ids(user) -> frozenset[int]:
    """The departments the user belongs to, as a member or as their head (one query per
    user object). Every decision about whose tasks and queues a user sees starts here."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_department_ids"):
        user._department_ids = frozenset(
            Department.objects.of(user).order_by().values_list("pk", flat=True)
        )
    return user._department_ids


def headed_department_ids(user) -> frozenset[int]:
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_headed_department_ids"):
        user._headed_department_ids = frozenset(
            user.headed_departments.values_list("pk", flat=True)
        )
    return user._headed_department_ids


def is_head_of(user, department_id: int) -> bool:
    return user.is_superuser or department_id in headed_department_ids(user)


def task_refusals(user, task, action: str) -> list[str]:
    """Why ``user`` may not take ``action`` on a task they can see; empty if they may.

    Actions: take, start, complete, cancel (the department's members and its head),
    reopen and assign (the head), comment (anyone who sees the task).
    """
    if action == "comment" or user.is_superuser:
        return []
    head = is_head_of(user, task.department_id)
    if action in ("reopen", "assign"):
        return (
            []
            if head
            else [
                _("Only the head of %(department)s can do this.") % {"department": task.department}
            ]
        )
    member = task.department_id in department_ids(user) or task.assignee_id == user.pk
    if not (member or head):
        return [
            _("Only %(department)s completes this task; you can comment on it.")
            % {"department": task.department}
        ]
    if action == "take" and task.assignee_id and task.assignee_id != user.pk:
        return [_("%(name)s has already taken this task.") % {"name": task.assignee}]
    return []


def can_see_all_tasks(user) -> bool:
    return can(user, Can.VIEW_ALL_TASKS)
