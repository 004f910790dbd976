"""Back-office tasks and supplier payments through the API."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from fulfilment.handover.models import Task, TaskEvent
from payments.models import Installment, Payment
from tests.factories import SupplierFactory, SupplierOrderFactory
from tests.fulfilment.factories import TaskFactory

pytestmark = pytest.mark.django_db

MOSCOW = datetime.timezone(datetime.timedelta(hours=3))
NOW = datetime.datetime(2026, 4, 15, 10, 0, tzinfo=MOSCOW)


# --- Tasks ----------------------------------------------------------------------------------


def test_a_clerk_takes_and_completes_a_task_of_their_department(api_of, departments, finance_clerk):
    task = TaskFactory(department=departments["finance"])
    client = api_of(finance_clerk)

    steps = client.get(f"/api/tasks/{task.pk}/").json()["transitions"]
    assert [step["name"] for step in steps] == ["take", "complete", "start", "cancel"]

    taken = client.post(f"/api/tasks/{task.pk}/take/")
    assert taken.status_code == 200
    assert taken.json()["assignee"]["username"] == "irina"

    done = client.post(
        f"/api/tasks/{task.pk}/transition/", {"name": "complete", "expected_status": "open"}
    )
    assert done.status_code == 200
    assert done.json()["status"] == "done"
    task.refresh_from_db()
    assert (task.status, task.assignee) == (Task.Status.DONE, finance_clerk)
    assert list(
        TaskEvent.objects.filter(task=task).order_by("pk").values_list("kind", "actor")
    ) == [("assigned", finance_clerk.pk), ("status", finance_clerk.pk)]


def test_another_departments_task_is_not_found(api_of, departments, customs_clerk):
    task = TaskFactory(department=departments["finance"])
    client = api_of(customs_clerk)
    assert client.get(f"/api/tasks/{task.pk}/").status_code == 404
    assert client.post(f"/api/tasks/{task.pk}/take/").status_code == 404
    response = client.post(f"/api/tasks/{task.pk}/transition/", {"name": "complete"})
    assert response.status_code == 404
    assert client.get("/api/tasks/").json()["count"] == 0
    task.refresh_from_db()
    assert (task.status, task.assignee) == (Task.Status.OPEN, None)


def test_a_department_code_with_a_nul_character_is_a_400_not_a_lookup(
    api_of, departments, finance_clerk
):
    client = api_of(finance_clerk)
    assert client.get("/api/tasks/", {"department": "finance"}).status_code == 200
    response = client.get("/api/tasks/", {"department": "fin\x00ance", "q": "pt"})
    assert response.status_code == 400
    assert response.json()["department"] == ["Null characters are not allowed."]


def test_a_refused_task_step_is_a_409_with_its_reasons(api_of, departments, finance_clerk):
    task = TaskFactory(department=departments["finance"])
    response = api_of(finance_clerk).post(f"/api/tasks/{task.pk}/transition/", {"name": "cancel"})
    assert response.status_code == 409
    assert response.json()["reasons"] == ["Say why in the comment."]


def test_the_task_list_filters_by_department_status_and_text(api_of, departments, director):
    TaskFactory(department=departments["finance"], title="Бюджет")
    TaskFactory(department=departments["legal"], title="Договор")
    TaskFactory(department=departments["legal"], title="Спецификация", status="done")
    client = api_of(director)

    def titles(**query):
        response = client.get("/api/tasks/", query)
        assert response.status_code == 200, response.json()
        return sorted(task["title"] for task in response.json()["results"])

    assert titles(department="legal") == ["Договор", "Спецификация"]
    assert titles(department="legal", status="open") == ["Договор"]
    assert titles(q="бюдж") == ["Бюджет"]
    assert client.get("/api/tasks/", {"department": "sales"}).status_code == 400


def test_a_comment_is_added_by_anyone_who_sees_the_task(api_of, departments, finance_clerk):
    task = TaskFactory(department=departments["finance"])
    response = api_of(finance_clerk).post(f"/api/tasks/{task.pk}/comment/", {"text": "Готово"})
    assert response.status_code == 201
    assert response.json()["comment_count"] == 1


@pytest.mark.parametrize("count", [2, 30])
def test_the_task_list_runs_the_same_queries_for_2_and_30_tasks(
    api_of, departments, finance_clerk, django_assert_num_queries, count
):
    for _ in range(count):
        TaskFactory(department=departments["finance"])
    client = api_of(finance_clerk)
    # the token with its user, the user's roles, the user's departments, the count, the
    # page with its deals, departments, assignees and comment counts
    with django_assert_num_queries(5):
        response = client.get("/api/tasks/")
    assert response.json()["count"] == count


# --- Installments and payments ---------------------------------------------------------------


def installment(*, amount="1000.00", due=datetime.date(2026, 4, 10), order=None) -> Installment:
    return Installment.objects.create(
        supplier_order=order or SupplierOrderFactory(),
        position=1,
        share=Decimal(100),
        amount=Decimal(amount),
        currency="RUB",
        base_event="delivery",
        base_date=due - datetime.timedelta(days=30),
        provisional=False,
        due_date=due,
        reminder_date=due - datetime.timedelta(days=5),
    )


@time_machine.travel(NOW, tick=False)
def test_an_accountant_records_a_payment(api_of, accountant):
    due = installment()
    client = api_of(accountant)
    assert client.get(f"/api/installments/{due.pk}/").json()["status"] == "overdue"

    response = client.post(
        f"/api/installments/{due.pk}/payments/",
        {"amount": "400.00", "paid_on": "2026-04-14", "reference": "п/п 1542"},
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["paid_amount"], body["outstanding"], body["state"]) == (
        "400.00",
        "600.00",
        "open",
    )
    assert [(p["amount"], p["reference"]) for p in body["payments"]] == [("400.00", "п/п 1542")]
    assert Payment.objects.get().recorded_by == accountant


@time_machine.travel(NOW, tick=False)
def test_an_overpayment_is_a_400_on_the_amount(api_of, accountant):
    due = installment(amount="1000.00")
    response = api_of(accountant).post(
        f"/api/installments/{due.pk}/payments/",
        {"amount": "1000.01", "paid_on": "2026-04-14", "reference": "1543"},
    )
    assert response.status_code == 400
    assert response.json() == {"amount": ["Only 1000.00 RUB is outstanding."]}
    assert not Payment.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_only_accounting_records_payments(api_of, director):
    due = installment()
    response = api_of(director).post(
        f"/api/installments/{due.pk}/payments/",
        {"amount": "1.00", "paid_on": "2026-04-14", "reference": "1"},
    )
    assert response.status_code == 403


@time_machine.travel(NOW, tick=False)
def test_the_queue_filters_like_the_page(api_of, accountant):
    mine = SupplierFactory()
    overdue = installment(order=SupplierOrderFactory(supplier=mine))
    later = installment(due=datetime.date(2026, 6, 1))
    client = api_of(accountant)

    def ids(**query):
        response = client.get("/api/installments/", query)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids() == [overdue.pk, later.pk]
    assert ids(status="overdue") == [overdue.pk]
    assert ids(supplier=mine.pk) == [overdue.pk]
    assert ids(due_from="2026-05-01", due_to="2026-06-30") == [later.pk]
    assert ids(currency="USD") == []
    assert ids(q=later.supplier_order.number) == [later.pk]
    assert client.get("/api/installments/", {"due_from": "1999-12-31"}).status_code == 400


@pytest.mark.parametrize("count", [2, 40])
@time_machine.travel(NOW, tick=False)
def test_the_queue_runs_the_same_queries_for_2_and_40_installments(
    api_of, accountant, django_assert_num_queries, count
):
    for _ in range(count):
        installment()
    client = api_of(accountant)
    # the token with its user, the user's roles, the count, the page with its orders,
    # deals and suppliers
    with django_assert_num_queries(4):
        response = client.get("/api/installments/")
    assert response.json()["count"] == count
