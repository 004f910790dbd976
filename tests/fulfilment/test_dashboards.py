"""Task dashboards, the task card and the deal card's task panel."""

import datetime
import re

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from fulfilment.handover import services
from fulfilment.handover.models import Task, TaskComment
from orders import services as deal_services
from tests.factories import DealFactory
from tests.fulfilment.factories import TaskFactory

pytestmark = pytest.mark.django_db

MOSCOW = datetime.timezone(datetime.timedelta(hours=3))
NOW = datetime.datetime(2026, 3, 4, 10, 0, tzinfo=MOSCOW)  # a Wednesday


def titles_in(html: str, group: str) -> list[str]:
    section = html.split(f'id="group-{group}"')[1].split("</section>")[0]
    return re.findall(r'<a class="title" href="[^"]+">([^<]+)</a>', section)


@time_machine.travel(NOW, tick=False)
def test_my_tasks_are_grouped_overdue_today_this_week_later(client_of, departments, finance_clerk):
    def task(title, **delta):
        return TaskFactory(
            title=title,
            department=departments["finance"],
            assignee=finance_clerk,
            deadline=NOW + datetime.timedelta(**delta),
        )

    task("Late", hours=-1)
    task("Tonight", hours=8)
    task("Friday", days=2)
    task("Next month", days=30)
    done = task("Done already", hours=-5)
    Task.objects.filter(pk=done.pk).update(status="done")

    html = client_of(finance_clerk).get("/tasks/").content.decode()

    assert titles_in(html, "overdue") == ["Late"]
    assert titles_in(html, "today") == ["Tonight"]
    assert titles_in(html, "week") == ["Friday"]
    assert titles_in(html, "later") == ["Next month"]
    assert "Done already" not in html
    late_row = html.split('class="title"')[1]
    assert (
        "Overdue" in html.split('id="group-overdue"')[1].split("</section>")[0]
    )  # text, not colour alone
    assert late_row


@pytest.mark.parametrize("count", [10, 500])
def test_the_department_queue_runs_the_same_queries_for_10_and_500_tasks(
    client_of, departments, finance_clerk, django_assert_num_queries, count
):
    deal = DealFactory(stage="realization", realization_number="R-2026-00001")
    Task.objects.bulk_create(
        # From three days ago to next week: every group has tasks, with 10 as with 500.
        Task(
            title=f"Task {i}",
            department=departments["finance"],
            deal=deal,
            deadline=NOW + datetime.timedelta(days=i % 10 - 3),
        )
        for i in range(count)
    )
    client = client_of(finance_clerk)
    # session, user, roles, the user's departments, the queue's department, the open
    # tasks it takes part in, the four group counts in one query, one query per group,
    # the headed departments, and the department filter's choices
    with time_machine.travel(NOW, tick=False), django_assert_num_queries(14):
        response = client.get("/tasks/queue/")
    assert response.status_code == 200


@pytest.mark.parametrize("count", [10, 500])
def test_my_tasks_run_the_same_queries_for_10_and_500_tasks(
    client_of, departments, finance_clerk, django_assert_num_queries, count
):
    deal = DealFactory(stage="realization", realization_number="R-2026-00001")
    tasks = Task.objects.bulk_create(
        # From three days ago to next week: every group has tasks, with 10 as with 500.
        Task(
            title=f"Task {i}",
            department=departments["finance"],
            assignee=finance_clerk,
            deal=deal,
            deadline=NOW + datetime.timedelta(days=i % 10 - 3),
        )
        for i in range(count)
    )
    # A few the clerk takes part in by name, with comments: the rows show their counts.
    for task in tasks[:3]:
        task.participant_users.add(finance_clerk)
        TaskComment.objects.create(task=task, author=finance_clerk, text="Курс ЦБ")
    client = client_of(finance_clerk)
    # session, user, the open tasks they take part in, the four group counts in one
    # query, one query per group, the headed departments (for the row's buttons), the
    # user's departments and roles (for the menu)
    with time_machine.travel(NOW, tick=False), django_assert_num_queries(11):
        response = client.get("/tasks/")
    assert response.status_code == 200
    assert response.context["groups"][0].tasks[0].title.startswith("Task ")


def test_a_clerk_does_not_see_another_departments_task(client_of, departments, customs_clerk):
    task = TaskFactory(department=departments["finance"])
    assert client_of(customs_clerk).get(task.get_absolute_url()).status_code == 404
    assert (
        client_of(customs_clerk).post(f"/tasks/{task.pk}/act/", {"name": "complete"}).status_code
        == 404
    )


def test_the_director_sees_every_task(client_of, departments, director):
    task = TaskFactory(department=departments["finance"])
    assert client_of(director).get(task.get_absolute_url()).status_code == 200


def test_completing_in_place_swaps_the_row(client_of, departments, finance_clerk):
    task = TaskFactory(department=departments["finance"], title="Бюджет")
    response = client_of(finance_clerk).post(
        f"/tasks/{task.pk}/act/",
        {"name": "complete", "expected_status": "open"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET=f"task-{task.pk}",
    )
    html = response.content.decode()
    assert html.lstrip().startswith(f'<li id="task-{task.pk}"')
    assert 'class="flag status-done">Done<' in html
    task.refresh_from_db()
    assert task.status == "done"


def test_taking_and_starting_in_place_return_the_row(client_of, departments, finance_clerk):
    task = TaskFactory(department=departments["finance"], title="Бюджет")
    client = client_of(finance_clerk)
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": f"task-{task.pk}"}

    taken = client.post(
        f"/tasks/{task.pk}/act/", {"name": "take", "expected_status": "open"}, **headers
    ).content.decode()

    assert taken.lstrip().startswith(f'<li id="task-{task.pk}"')
    assert finance_clerk.get_full_name() in taken
    assert 'value="take"' not in taken
    assert 'value="start"' in taken
    task.refresh_from_db()
    assert (task.assignee, task.status) == (finance_clerk, "open")

    started = client.post(
        f"/tasks/{task.pk}/act/", {"name": "start", "expected_status": "open"}, **headers
    ).content.decode()

    assert started.lstrip().startswith(f'<li id="task-{task.pk}"')
    assert 'class="flag status-in_progress">In progress<' in started
    assert 'value="start"' not in started
    assert "<html" not in started
    task.refresh_from_db()
    assert task.status == "in_progress"


@time_machine.travel(NOW, tick=False)
def test_the_dashboard_finds_tasks_by_deal_number_and_by_text(
    client_of, departments, finance_clerk
):
    def task(title, number, deal_title):
        return TaskFactory(
            title=title,
            department=departments["finance"],
            deal=DealFactory(stage="realization", realization_number=number, title=deal_title),
            deadline=NOW + datetime.timedelta(days=20),
        )

    task("Составить бюджет", "R-2026-00077", "Насосы для Казани")
    task("Подобрать таможенные коды", "R-2026-00078", "Компрессоры")
    task("Оплатить поставщику", "R-2026-00079", "Насосы для Самары")
    client = client_of(finance_clerk)

    def found(text: str) -> list[str]:
        html = client.get("/tasks/queue/", {"q": text}).content.decode()
        return titles_in(html, "later")

    assert found("R-2026-00078") == ["Подобрать таможенные коды"]
    assert found("2026-00077") == ["Составить бюджет"]
    assert found("таможенные") == ["Подобрать таможенные коды"]
    assert found("Насосы") == ["Составить бюджет", "Оплатить поставщику"]
    assert found("") == ["Составить бюджет", "Подобрать таможенные коды", "Оплатить поставщику"]
    partial = client.get(
        "/tasks/queue/",
        {"q": "R-2026-00079"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="task-groups",
    ).content.decode()
    assert partial.lstrip().startswith('<div id="task-groups"')
    assert titles_in(partial, "later") == ["Оплатить поставщику"]


def test_a_refused_action_says_why_in_the_row(client_of, departments, finance_clerk):
    task = TaskFactory(department=departments["finance"])
    response = client_of(finance_clerk).post(
        f"/tasks/{task.pk}/act/",
        {"name": "cancel", "expected_status": "open"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET=f"task-{task.pk}",
    )
    assert "Say why in the comment." in response.content.decode()


def test_commenting_in_place(client_of, departments, finance_clerk):
    task = TaskFactory(department=departments["finance"])
    response = client_of(finance_clerk).post(
        f"/tasks/{task.pk}/comment/",
        {"text": "Курс ЦБ на дату оплаты"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET=f"task-{task.pk}",
    )
    assert "1 comment" in response.content.decode()
    assert TaskComment.objects.get().text == "Курс ЦБ на дату оплаты"


def test_a_participating_department_sees_and_comments_but_does_not_complete(
    client_of, departments, buyer
):
    task = TaskFactory(department=departments["legal"])
    task.participant_departments.add(departments["procurement"])
    client = client_of(buyer)
    page = client.get(task.get_absolute_url()).content.decode()
    assert "Complete" not in page
    assert (
        client.post(f"/tasks/{task.pk}/comment/", {"text": "Спецификация готова"}).status_code
        == 302
    )
    response = client.post(f"/tasks/{task.pk}/act/", {"name": "complete"}, follow=True)
    assert "Only Юридический отдел completes this task" in response.content.decode()
    task.refresh_from_db()
    assert task.status == "open"


def test_the_deal_card_lists_the_deals_tasks(
    client_of, manager, finance_clerk, customs_clerk, legal_clerk
):
    deal = deal_services.deal_transition(
        deal=DealFactory(manager=manager), name="start_realization", actor=manager
    )
    html = client_of(manager).get(deal.get_absolute_url()).content.decode()
    panel = html.split('id="tasks"')[1].split("</section>")[0]
    assert panel.count("<tr") == 4  # a header and three tasks
    for clerk in (finance_clerk, customs_clerk, legal_clerk):
        assert clerk.get_full_name() in panel


def test_an_administrator_previews_the_rules_on_a_deal(
    client_of, superuser, manager, finance_clerk
):
    deal = DealFactory(manager=manager)
    client = client_of(superuser)
    assert (
        "Automation rules: preview and log" in client.get(deal.get_absolute_url()).content.decode()
    )
    html = client.get(f"/deals/{deal.pk}/rule-preview/", {"stage": "realization"}).content.decode()
    assert html.count("<tr>") == 4
    assert finance_clerk.get_full_name() in html
    assert not Task.objects.exists()


def test_a_manager_cannot_preview_rules(client_of, manager):
    deal = DealFactory(manager=manager)
    assert "preview and log" not in client_of(manager).get(deal.get_absolute_url()).content.decode()
    assert (
        client_of(manager)
        .get(f"/deals/{deal.pk}/rule-preview/", {"stage": "realization"})
        .status_code
        == 403
    )


def test_a_manager_adds_a_task_for_a_department_from_the_deal_card(client_of, manager, departments):
    deal = DealFactory(manager=manager, stage="realization", realization_number="R-2026-00031")
    response = client_of(manager).post(
        f"/deals/{deal.pk}/tasks/new/",
        {
            "task-department": departments["logistics"].pk,
            "task-title": "Уточнить адрес склада",
            "task-due_date": "2099-01-15",
        },
        follow=True,
    )
    assert "Task created: Уточнить адрес склада" in response.content.decode()
    task = Task.objects.get()
    assert (task.created_by, task.rule, task.department.code) == (manager, None, "logistics")


def test_files_on_a_task_are_kept_with_the_deal_and_served_to_those_who_see_the_task(
    client_of, departments, legal_clerk, buyer, customs_clerk
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from orders.models import Attachment

    task = TaskFactory(department=departments["legal"])
    task.participant_departments.add(departments["procurement"])
    response = client_of(buyer).post(
        f"/tasks/{task.pk}/attachments/",
        {"file": SimpleUploadedFile("Спецификация.pdf", b"%PDF-1.7\n%%EOF\n"), "category": "other"},
        follow=True,
    )
    assert "The file is attached." in response.content.decode()
    attachment = Attachment.objects.get()
    assert (attachment.deal, attachment.record) == (task.deal, task)
    assert (
        "Спецификация.pdf" in client_of(legal_clerk).get(task.get_absolute_url()).content.decode()
    )
    assert client_of(legal_clerk).get(attachment.get_absolute_url()).status_code == 200
    assert client_of(buyer).get(attachment.get_absolute_url()).status_code == 200
    # The customs clerk sees the deal but not the legal task: not its files either.
    assert client_of(customs_clerk).get(attachment.get_absolute_url()).status_code == 404

    def files_box(user) -> str:
        page = client_of(user).get(task.deal.get_absolute_url()).content.decode()
        start = page.index('id="attachments"')
        return page[start : page.index("</section>", start)]

    assert "Спецификация.pdf" not in files_box(customs_clerk)
    assert "Спецификация.pdf" in files_box(buyer)
    outsider = client_of(TaskFactory().deal.manager)
    assert outsider.get(attachment.get_absolute_url()).status_code == 404


def test_a_clerk_brings_a_colleague_in_and_the_task_shows_on_their_dashboard(
    client_of, departments, legal_clerk, buyer
):
    task = TaskFactory(department=departments["legal"], title="Договор поставки")
    client_of(legal_clerk).post(f"/tasks/{task.pk}/participants/", {"user": buyer.pk})
    assert list(task.participant_users.all()) == [buyer]
    assert task.events.filter(kind="participant").exists()
    assert "Договор поставки" in client_of(buyer).get("/tasks/").content.decode()


def test_no_task_is_added_to_a_deal_the_back_office_cannot_open(client_of, manager, departments):
    deal = DealFactory(manager=manager)  # in negotiation: no realization number yet
    assert "New task" not in client_of(manager).get(deal.get_absolute_url()).content.decode()
    response = client_of(manager).post(
        f"/deals/{deal.pk}/tasks/new/",
        {
            "task-department": departments["logistics"].pk,
            "task-title": "—",
            "task-due_date": "2099-01-15",
        },
    )
    assert response.status_code == 403
    assert not Task.objects.exists()


def test_only_people_who_can_open_the_deal_can_be_brought_into_its_task(
    client_of, departments, legal_clerk, other_manager, buyer
):
    task = TaskFactory(department=departments["legal"])
    page = client_of(legal_clerk).get(task.get_absolute_url()).content.decode()
    choices = page.split('name="user"')[1].split("</select>")[0]
    assert buyer.get_full_name() in choices
    assert other_manager.get_full_name() not in choices
    response = client_of(legal_clerk).post(
        f"/tasks/{task.pk}/participants/", {"user": other_manager.pk}, follow=True
    )
    assert "Choose a person." in response.content.decode()
    with pytest.raises(PermissionDenied, match="cannot open this deal"):
        services.task_participant_add(task=task, user=other_manager, actor=legal_clerk)
    assert not task.participant_users.exists()
