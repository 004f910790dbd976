"""The control tower: every deal in realization, its status by the written rule, the summary."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model

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
