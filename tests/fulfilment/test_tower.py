"""The control tower: every deal in realization, its status by the written rule, the summary."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

from fulfilment.calendar import is_working_day
from fulfilment.handover.models import Task
from orders.models import Deal
from payments.models import Installment
from tests.factories import (
    ContractFactory,
    CounterpartyFactory,
    DealInRealizationFactory,
    SupplierOrderFactory,
)
from tests.fulfilment.factories import TaskFactory

pytestmark = pytest.mark.django_db

MOSCOW = datetime.timezone(datetime.timedelta(hours=3))
NOW = datetime.datetime(2026, 3, 18, 10, 0, tzinfo=MOSCOW)  # Wednesday 18 March 2026
TODAY = NOW.date()


def at(day: datetime.date, hour: int = 18) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=MOSCOW)


def installment(deal, *, due: datetime.date, state="open", amount="1000.00") -> Installment:
    return Installment.objects.create(
        supplier_order=SupplierOrderFactory(deal=deal),
        position=1,
        share=Decimal(100),
        amount=Decimal(amount),
        paid_amount=Decimal(amount) if state == "paid" else Decimal(0),
        currency="RUB",
        base_event="delivery",
        due_date=due,
        reminder_date=due,
        state=state,
    )


def statuses(html: str) -> dict[str, str]:
    """Realization number → status, as the list shows them."""
    rows = re.findall(r'<tr class="row-(\w+)">.*?class="number"[^>]*>([^<]+)</a>', html, re.S)
    return {number: status for status, number in rows}


@time_machine.travel(NOW, tick=False)
def test_each_deal_gets_its_status_by_the_written_rule(client_of, director):
    green = DealInRealizationFactory(realization_number="R-2026-00001")
    TaskFactory(deal=green, deadline=at(datetime.date(2026, 3, 30)))
    installment(green, due=datetime.date(2026, 4, 30))
    installment(green, due=datetime.date(2026, 3, 1), state="paid")

    overdue_payment = DealInRealizationFactory(realization_number="R-2026-00002")
    installment(overdue_payment, due=datetime.date(2026, 3, 17))

    # Due Thursday 12 March at 18:00: more than two working days late on Wednesday 18th.
    very_late_task = DealInRealizationFactory(realization_number="R-2026-00003")
    TaskFactory(deal=very_late_task, deadline=at(datetime.date(2026, 3, 12)))

    slightly_late_task = DealInRealizationFactory(realization_number="R-2026-00004")
    TaskFactory(deal=slightly_late_task, deadline=at(datetime.date(2026, 3, 17)))

    late_delivery = DealInRealizationFactory(realization_number="R-2026-00005")
    SupplierOrderFactory(
        deal=late_delivery, stage="ordered", planned_delivery_date=datetime.date(2026, 3, 16)
    )

    # Three working days after Wednesday 18 March is Monday 23 March.
    payment_soon = DealInRealizationFactory(realization_number="R-2026-00006")
    installment(payment_soon, due=datetime.date(2026, 3, 23))
    payment_later = DealInRealizationFactory(realization_number="R-2026-00007")
    installment(payment_later, due=datetime.date(2026, 3, 24))

    DealInRealizationFactory(
        stage=Deal.Stage.COMPLETED, realization_number="R-2026-00008"
    )  # not listed

    html = client_of(director).get("/tower/").content.decode()

    assert statuses(html) == {
        "R-2026-00001": "green",
        "R-2026-00002": "red",
        "R-2026-00003": "red",
        "R-2026-00004": "amber",
        "R-2026-00005": "amber",
        "R-2026-00006": "amber",
        "R-2026-00007": "green",
    }
    assert "more than two working days late" in html  # the rule is written on the page


@time_machine.travel(NOW, tick=False)
def test_a_row_shows_what_is_behind_the_status(client_of, director):
    deal = DealInRealizationFactory(
        realization_number="R-2026-00077", realization_started_at=at(datetime.date(2026, 3, 2), 9)
    )
    ContractFactory(deal=deal, stage="legal_review")
    SupplierOrderFactory(
        deal=deal, stage="delivered", actual_delivery_date=datetime.date(2026, 3, 10)
    )
    SupplierOrderFactory(
        deal=deal, stage="ordered", planned_delivery_date=datetime.date(2026, 3, 27)
    )
    installment(deal, due=datetime.date(2026, 4, 6), amount="250000.00")
    html = client_of(director).get("/tower/").content.decode()
    row = html.split("R-2026-00077")[1].split("</tr>")[0]
    assert '<td class="num">16</td>' in row  # days in realization
    assert "Legal review" in row
    assert "1 of 3 delivered" in row  # the installment brought its own supplier order
    assert "250,000.00 RUB" in row


@time_machine.travel(NOW, tick=False)
def test_the_summary_figures_link_to_the_filtered_list(client_of, director, departments):
    late = DealInRealizationFactory(realization_number="R-2026-00011")
    TaskFactory(deal=late, department=departments["legal"], deadline=at(datetime.date(2026, 3, 17)))
    due = DealInRealizationFactory(realization_number="R-2026-00012")
    installment(due, due=datetime.date(2026, 3, 20), amount="5000.00")
    delivery = DealInRealizationFactory(realization_number="R-2026-00013")
    SupplierOrderFactory(
        deal=delivery, stage="shipped", planned_delivery_date=datetime.date(2026, 3, 10)
    )
    client = client_of(director)

    html = client.get("/tower/").content.decode()
    assert f'href="?flag=overdue_tasks&amp;department={departments["legal"].pk}"' in html
    assert "5,000.00</strong> RUB" in html

    def listed(**query) -> set[str]:
        page = client.get("/tower/", query).content.decode()
        return set(re.findall(r'class="number"[^>]*>(R-[^<]+)</a>', page))

    assert listed(flag="overdue_tasks", department=departments["legal"].pk) == {"R-2026-00011"}
    assert listed(flag="due_this_week", currency="RUB") == {"R-2026-00012"}
    assert listed(flag="late_delivery") == {"R-2026-00013"}
    assert listed(status="red") == set()


@time_machine.travel(NOW, tick=False)
def test_filters_and_export(client_of, director, manager):
    customer = CounterpartyFactory(name="ООО «Северсталь»")
    DealInRealizationFactory(realization_number="R-2026-00021", manager=manager, customer=customer)
    DealInRealizationFactory(realization_number="R-2026-00022")
    client = client_of(director)
    page = client.get("/tower/", {"manager": manager.pk}).content.decode()
    assert "R-2026-00021" in page
    assert "R-2026-00022" not in page
    response = client.get("/tower/export/", {"customer": customer.pk})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Number"
    assert [row[0] for row in rows[1:]] == ["R-2026-00021"]
    assert rows[1][2] == "ООО «Северсталь»"


def test_the_tower_is_the_directors(client_of, director, manager, accountant):
    assert client_of(director).get("/tower/").status_code == 200
    assert client_of(manager).get("/tower/").status_code == 403
    assert client_of(accountant).get("/tower/export/").status_code == 403


@pytest.mark.parametrize("count", [10, 1000])
def test_the_tower_runs_the_same_queries_for_10_and_1000_deals(
    client_of, director, count, django_assert_num_queries
):
    manager = get_user_model().objects.create(username="seller")
    customer = CounterpartyFactory()
    Deal.objects.bulk_create(
        Deal(
            title=f"Сделка {n}",
            customer=customer,
            manager=manager,
            amount=Decimal(1000),
            stage=Deal.Stage.REALIZATION,
            realization_number=f"R-2026-{n + 1:05d}",
        )
        for n in range(count)
    )
    deals = list(Deal.objects.all()[:10])
    for deal in deals:
        TaskFactory(deal=deal)
        installment(deal, due=datetime.date(2026, 3, 20))
    client = client_of(director)
    # session, user, roles, departments (the menu); the page count and the page of rows,
    # every figure of a row computed in that one query; the summary (by status, overdue
    # tasks and their departments, payments due, late deliveries); the filter's choices
    with django_assert_num_queries(13):
        response = client.get("/tower/")
    assert response.status_code == 200
    assert response.content.decode().count('class="row-') == min(count, 100)
    assert Task.objects.count() == 10


@time_machine.travel(NOW, tick=False)
def test_the_deal_card_draws_the_plan_with_today_and_late_items(client_of, director):
    deal = DealInRealizationFactory(realization_number="R-2026-00088")
    TaskFactory(deal=deal, title="Бюджет", deadline=at(datetime.date(2026, 3, 16)))
    SupplierOrderFactory(
        deal=deal,
        number="R-2026-00088/SO-1",
        stage="ordered",
        planned_delivery_date=datetime.date(2026, 3, 30),
    )
    installment(deal, due=datetime.date(2026, 4, 20))
    html = client_of(director).get(deal.get_absolute_url()).content.decode()
    plan = html.split('id="plan"')[1].split("</section>")[0]
    assert (
        plan.count('class="mark') == 4
    )  # the task, the order, the installment's own order, the installment
    assert plan.count('class="mark late"') == 1
    assert "Бюджет (late)" in plan
    assert 'class="today"' in plan
    assert "1 late" in plan


def _working_days_back(day: datetime.date, count: int) -> datetime.date:
    while count:
        day -= datetime.timedelta(days=1)
        count -= is_working_day(day)
    return day


def _working_days_on(day: datetime.date, count: int) -> datetime.date:
    while count:
        day += datetime.timedelta(days=1)
        count -= is_working_day(day)
    return day


def expected_status(deal: Deal, now: datetime.datetime) -> str:
    """The rule written on the page, applied to the deal's own tasks, payments and orders."""
    today = now.astimezone(MOSCOW).date()
    very_late = datetime.datetime.combine(
        _working_days_back(today, 2), settings.WORKDAY_ENDS_AT, tzinfo=MOSCOW
    )
    soon = _working_days_on(today, 3)
    soon_end = datetime.datetime.combine(soon, datetime.time.max, tzinfo=MOSCOW)
    tasks = [t.deadline for t in deal.tasks.all() if t.status in ("open", "in_progress")]
    unpaid = [
        i.due_date
        for i in Installment.objects.filter(supplier_order__deal=deal, state="open")
        if i.due_date
    ]
    waiting = [
        o
        for o in deal.supplier_orders.all()
        if o.stage in ("draft", "ordered", "confirmed", "shipped") and o.planned_delivery_date
    ]
    late_delivery = [
        o for o in waiting if o.planned_delivery_date < today and not o.actual_delivery_date
    ]
    if any(due < today for due in unpaid) or any(d < very_late for d in tasks):
        return "red"
    if (
        any(d < now for d in tasks)
        or late_delivery
        or any(now <= d <= soon_end for d in tasks)
        or any(today <= o.planned_delivery_date <= soon for o in waiting)
        or any(today <= due <= soon for due in unpaid)
    ):
        return "amber"
    return "green"


@time_machine.travel(NOW, tick=False)
def test_every_demo_deal_in_realization_is_shown_with_its_status(client_of):
    call_command("demo_data")
    director = get_user_model().objects.get(username="director")
    html = client_of(director).get("/tower/").content.decode()

    demo = Deal.objects.filter(stage=Deal.Stage.REALIZATION)
    expected = {deal.realization_number: expected_status(deal, NOW) for deal in demo}
    assert len(expected) == 2
    assert statuses(html) == expected
    # The demo shows the director both a deal in trouble and one merely needing attention.
    assert set(expected.values()) == {"red", "amber"}


def listed_numbers(html: str) -> list[str]:
    return re.findall(r'class="number"[^>]*>(R-[^<]+)</a>', html)


@time_machine.travel(NOW, tick=False)
def test_every_sort_is_offered_and_a_header_click_reverses_it(client_of, director):
    DealInRealizationFactory(
        realization_number="R-2026-00031", realization_started_at=at(datetime.date(2026, 3, 16))
    )
    DealInRealizationFactory(
        realization_number="R-2026-00032", realization_started_at=at(datetime.date(2026, 2, 2))
    )
    DealInRealizationFactory(
        realization_number="R-2026-00033", realization_started_at=at(datetime.date(2026, 3, 2))
    )
    client = client_of(director)
    html = client.get("/tower/").content.decode()
    offered = set(
        re.findall(r'<option value="(-?\w+)"', html.split('name="sort"')[1].split("</select>")[0])
    )
    assert {"days", "-days", "number", "-number", "customer", "manager"} <= offered

    shortest = client.get("/tower/", {"sort": "days"}).content.decode()
    assert listed_numbers(shortest) == ["R-2026-00031", "R-2026-00033", "R-2026-00032"]
    assert listed_numbers(client.get("/tower/", {"sort": "-days"}).content.decode()) == [
        "R-2026-00032",
        "R-2026-00033",
        "R-2026-00031",
    ]
    # The Days header, sorted ascending now, links to the descending order.
    header = re.search(
        r'<th class="num" aria-sort="ascending"><a class="sort" href="([^"]+)"', shortest
    )
    assert header
    reversed_page = client.get("/tower/" + header.group(1).replace("&amp;", "&")).content.decode()
    assert listed_numbers(reversed_page) == ["R-2026-00032", "R-2026-00033", "R-2026-00031"]
    assert listed_numbers(client.get("/tower/", {"sort": "-number"}).content.decode()) == [
        "R-2026-00033",
        "R-2026-00032",
        "R-2026-00031",
    ]


@time_machine.travel(NOW, tick=False)
def test_an_invalid_filter_value_drops_only_that_filter(client_of, director, manager):
    DealInRealizationFactory(realization_number="R-2026-00041", manager=manager)
    DealInRealizationFactory(realization_number="R-2026-00042")
    client = client_of(director)
    stale_customer = client.get(
        "/tower/", {"manager": manager.pk, "customer": 987654, "sort": "-number"}
    ).content.decode()
    assert listed_numbers(stale_customer) == ["R-2026-00041"]
    bad_sort = client.get("/tower/", {"manager": manager.pk, "sort": "nonsense"})
    assert listed_numbers(bad_sort.content.decode()) == ["R-2026-00041"]
    export = client.get("/tower/export/", {"manager": manager.pk, "customer": "x"})
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert [row[0] for row in rows[1:]] == ["R-2026-00041"]


@time_machine.travel(NOW, tick=False)
def test_the_late_delivery_figure_counts_the_deals_its_link_lists(client_of, director):
    two_late = DealInRealizationFactory(realization_number="R-2026-00051")
    for planned in (datetime.date(2026, 3, 10), datetime.date(2026, 3, 12)):
        SupplierOrderFactory(deal=two_late, stage="ordered", planned_delivery_date=planned)
    one_late = DealInRealizationFactory(realization_number="R-2026-00052")
    SupplierOrderFactory(
        deal=one_late, stage="shipped", planned_delivery_date=datetime.date(2026, 3, 17)
    )
    on_time = DealInRealizationFactory(realization_number="R-2026-00053")
    SupplierOrderFactory(
        deal=on_time,
        stage="delivered",
        planned_delivery_date=datetime.date(2026, 3, 10),
        actual_delivery_date=datetime.date(2026, 3, 12),
    )
    client = client_of(director)
    html = client.get("/tower/").content.decode()
    figure = re.search(
        r'<a class="figure" href="\?flag=late_delivery"><strong>(\d+)</strong> ([^<]+)</a>', html
    )
    assert figure.group(2).strip() == "deals with a late delivery"
    listed = listed_numbers(client.get("/tower/", {"flag": "late_delivery"}).content.decode())
    assert sorted(listed) == ["R-2026-00051", "R-2026-00052"]
    assert int(figure.group(1)) == len(listed)


@time_machine.travel(NOW, tick=False)
def test_the_plan_shows_a_delivered_orders_planned_and_actual_dates(client_of, director):
    deal = DealInRealizationFactory(realization_number="R-2026-00089")
    SupplierOrderFactory(
        deal=deal,
        number="R-2026-00089/SO-1",
        stage="delivered",
        planned_delivery_date=datetime.date(2026, 3, 5),
        actual_delivery_date=datetime.date(2026, 3, 11),
    )
    html = client_of(director).get(deal.get_absolute_url()).content.decode()
    plan = html.split('id="plan"')[1].split("</section>")[0]
    titles = re.findall(r"<title>([^<]+)</title>", plan)
    assert "5 March 2026 — R-2026-00089/SO-1: planned delivery" in titles
    assert "11 March 2026 — R-2026-00089/SO-1: delivered (6 days after the planned date)" in titles
    assert plan.count('class="slip"') == 1
    assert "1 late" not in plan  # delivered: no longer late
