"""Tasks: who may do what, every change recorded, overdue notices once."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fulfilment.handover import services
from fulfilment.handover.models import Task, TaskEvent
from fulfilment.models import OutboxMessage
from orders.workflow import TransitionConflict, TransitionRefused
from tests.factories import UserFactory
from tests.fulfilment.factories import TaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def budget_task(departments, finance_clerk):
    return TaskFactory(
        department=departments["finance"], title="Составить бюджет по сделке №R-2026-00042"
    )


def test_a_clerk_takes_starts_and_completes_their_departments_task(budget_task, finance_clerk):
    services.task_take(task=budget_task, actor=finance_clerk)
    services.task_transition(task=budget_task, name="start", actor=finance_clerk)
    task = services.task_transition(task=budget_task, name="complete", actor=finance_clerk)

    assert (task.status, task.assignee) == (Task.Status.DONE, finance_clerk)
    assert task.completed_at is not None
    kinds = list(task.events.order_by("pk").values_list("kind", "new_value"))
    assert kinds == [
        ("assigned", finance_clerk.get_full_name()),
        ("status", "In progress"),
        ("status", "Done"),
    ]


def test_completing_straight_from_open_is_recorded_as_such(budget_task, finance_clerk):
    task = services.task_transition(
        task=budget_task, name="complete", actor=finance_clerk, comment="Готово"
    )

    assert task.status == Task.Status.DONE
    event = task.events.get(kind="status")
    assert (event.old_value, event.new_value) == ("Open", "Done")
    assert event.note == "Completed straight from open, without being started.\nГотово"


def test_completing_a_started_task_is_not_marked_as_a_shortcut(budget_task, finance_clerk):
    services.task_transition(task=budget_task, name="start", actor=finance_clerk)
    task = services.task_transition(task=budget_task, name="complete", actor=finance_clerk)
    assert task.events.filter(kind="status", new_value="Done").get().note == ""


def test_another_departments_clerk_cannot_act_on_the_task(budget_task, customs_clerk):
    with pytest.raises(TransitionRefused, match="Only Финансовый отдел completes this task"):
        services.task_transition(task=budget_task, name="complete", actor=customs_clerk)
    with pytest.raises(TransitionRefused):
        services.task_take(task=budget_task, actor=customs_clerk)


def test_a_task_taken_by_one_clerk_cannot_be_taken_by_another(
    budget_task, finance_clerk, departments
):
    colleague = UserFactory(username="colleague")
    departments["finance"].members.add(colleague)
    services.task_take(task=budget_task, actor=finance_clerk)
    with pytest.raises(TransitionRefused, match="has already taken this task"):
        services.task_take(task=budget_task, actor=colleague)


def test_cancelling_needs_a_reason(budget_task, finance_clerk):
    with pytest.raises(TransitionRefused, match="Say why"):
        services.task_transition(task=budget_task, name="cancel", actor=finance_clerk)
    task = services.task_transition(
        task=budget_task, name="cancel", actor=finance_clerk, comment="Дубль"
    )
    assert task.status == Task.Status.CANCELLED
    assert task.events.get(kind="status").note == "Дубль"


def test_only_the_head_reopens_a_done_task(budget_task, finance_clerk, finance_head):
    services.task_transition(task=budget_task, name="complete", actor=finance_clerk)
    with pytest.raises(TransitionRefused, match="Only the head"):
        services.task_transition(
            task=budget_task, name="reopen", actor=finance_clerk, comment="Ошибка"
        )
    task = services.task_transition(
        task=budget_task, name="reopen", actor=finance_head, comment="Ошибка в бюджете"
    )
    assert (task.status, task.completed_at) == (Task.Status.OPEN, None)


def test_a_stale_page_gets_a_conflict(budget_task, finance_clerk):
    services.task_transition(task=budget_task, name="complete", actor=finance_clerk)
    with pytest.raises(TransitionConflict, match="already “Done”"):
        services.task_transition(
            task=budget_task, name="start", actor=finance_clerk, expected_status="open"
        )


def test_the_head_reassigns_within_the_department_only(
    budget_task, finance_clerk, finance_head, customs_clerk
):
    with pytest.raises(PermissionDenied):
        services.task_assign(task=budget_task, assignee=finance_clerk, actor=finance_clerk)
    with pytest.raises(ValidationError, match="is not in"):
        services.task_assign(task=budget_task, assignee=customs_clerk, actor=finance_head)
    task = services.task_assign(task=budget_task, assignee=finance_clerk, actor=finance_head)
    assert task.assignee == finance_clerk
    assert OutboxMessage.objects.filter(recipients=["irina@example.com"]).exists()


def test_overdue_tasks_are_noticed_once_to_assignee_and_head(
    departments, finance_clerk, finance_head, django_capture_on_commit_callbacks
):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False):
        late = TaskFactory(
            department=departments["finance"],
            assignee=finance_clerk,
            deadline=timezone.now() - datetime.timedelta(hours=1),
        )
        TaskFactory(department=departments["finance"], assignee=finance_clerk)  # not yet due
        done = TaskFactory(
            department=departments["finance"], deadline=timezone.now() - datetime.timedelta(days=1)
        )
        services.task_transition(task=done, name="complete", actor=finance_clerk)

        with django_capture_on_commit_callbacks(execute=True):
            assert services.tasks_notify_overdue() == 1
        with django_capture_on_commit_callbacks(execute=True):
            assert services.tasks_notify_overdue() == 0

    late.refresh_from_db()
    assert late.overdue_notified_at is not None
    assert late.events.filter(kind=TaskEvent.Kind.OVERDUE).count() == 1
    overdue_mail = [m for m in mail.outbox if m.subject.startswith("Overdue")]
    assert len(overdue_mail) == 1
    assert sorted(overdue_mail[0].to) == ["fin-head@example.com", "irina@example.com"]


def test_a_new_task_mails_the_assignee_or_else_the_whole_department(
    manager, departments, finance_clerk, finance_head, django_capture_on_commit_callbacks
):
    deal = TaskFactory().deal
    with django_capture_on_commit_callbacks(execute=True):
        services.task_create(
            deal=deal,
            department=departments["finance"],
            title="Проверить курс",
            deadline=timezone.now() + datetime.timedelta(days=1),
            actor=manager,
        )
    assert [sorted(m.to) for m in mail.outbox] == [["fin-head@example.com", "irina@example.com"]]


def test_a_task_made_by_a_person_needs_a_future_deadline(manager, departments):
    deal = TaskFactory().deal
    with pytest.raises(ValidationError, match="in the future"):
        services.task_create(
            deal=deal,
            department=departments["finance"],
            title="Поздно",
            deadline=timezone.now() - datetime.timedelta(minutes=1),
            actor=manager,
        )
