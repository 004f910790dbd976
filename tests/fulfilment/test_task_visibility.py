"""Who sees a department's tasks and queue: its members and its head, whether or not the
head is also listed among the members."""

import pytest

from fulfilment.handover import selectors, services
from fulfilment.handover.models import Task
from fulfilment.roles import Role
from tests.factories import UserFactory
from tests.fulfilment.factories import DepartmentFactory, TaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def warehouse():
    """A department whose head is not one of its members."""
    head = UserFactory(username="warehouse-head", roles=[Role.LOGISTICS])
    clerk = UserFactory(username="warehouse-clerk", roles=[Role.LOGISTICS])
    department = DepartmentFactory(code="warehouse", name="Склад", head=head)
    department.members.add(clerk)
    return department


def test_the_head_who_is_not_a_member_sees_the_departments_task(client_of, warehouse):
    task = TaskFactory(department=warehouse, title="Принять груз на склад")
    outsider = UserFactory(username="outsider", roles=[Role.LOGISTICS])

    assert warehouse.members.filter(pk=warehouse.head.pk).exists() is False
    assert client_of(warehouse.head).get(task.get_absolute_url()).status_code == 200
    assert client_of(outsider).get(task.get_absolute_url()).status_code == 404
    assert list(selectors.tasks_visible_to(warehouse.head)) == [task]


def test_the_head_who_is_not_a_member_gets_the_departments_queue(client_of, warehouse):
    TaskFactory(department=warehouse, title="Принять груз на склад")

    response = client_of(warehouse.head).get("/tasks/queue/")

    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["department"] == warehouse
    assert "Принять груз на склад" in page
    assert response.context["nav_queue"] is True
    assert list(selectors.departments_for_queue(warehouse.head)) == [warehouse]


def test_a_user_outside_the_department_gets_no_queue(client_of, warehouse):
    TaskFactory(department=warehouse, title="Принять груз на склад")
    outsider = UserFactory(username="outsider", roles=[Role.LOGISTICS])

    response = client_of(outsider).get("/tasks/queue/")

    assert "Принять груз на склад" not in response.content.decode()
    assert response.context["nav_queue"] is False


def test_the_head_who_is_not_a_member_works_the_task_and_reassigns_it(warehouse):
    task = TaskFactory(department=warehouse)
    clerk = warehouse.members.get()

    services.task_take(task=task, actor=warehouse.head)
    services.task_assign(task=task, assignee=clerk, actor=warehouse.head)
    done = services.task_transition(task=task, name="complete", actor=warehouse.head)

    assert (done.status, done.assignee) == (Task.Status.DONE, clerk)
