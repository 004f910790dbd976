"""Automation rules: firing once per stage entry, chains, deadlines, assignees, validation."""

import datetime
import os

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fulfilment.handover import rules, services
from fulfilment.handover.models import Rule, RuleFiring, Task
from orders import services as deal_services
from orders.models import Deal, StageChange
from tests.factories import DealFactory, UserFactory
from tests.fulfilment.factories import RuleFactory

pytestmark = pytest.mark.django_db

MOSCOW = datetime.timezone(datetime.timedelta(hours=3))


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=MOSCOW)


def realize(deal, actor):
    return deal_services.deal_transition(deal=deal, name="start_realization", actor=actor)


def test_entering_realization_creates_the_three_department_tasks(
    manager, finance_clerk, customs_clerk, legal_clerk
):
    deal = realize(DealFactory(manager=manager), manager)

    tasks = {
        task.department.code: task
        for task in Task.objects.filter(deal=deal).select_related("department")
    }

    assert set(tasks) == {"finance", "foreign_trade", "legal"}
    number = deal.realization_number
    if os.environ.get("LANGUAGE_CODE", "ru").startswith("ru"):
        assert tasks["finance"].title == f"Составить бюджет по сделке №{number}"
        assert (
            tasks["foreign_trade"].title
            == f"Подобрать таможенные коды (ТН ВЭД) по сделке №{number}"
        )
        assert tasks["legal"].title == f"Подготовить договор со спецификацией по сделке №{number}"
    assert all(number in task.title for task in tasks.values())
    assert tasks["finance"].assignee == finance_clerk
    assert tasks["legal"].assignee == legal_clerk
    assert list(tasks["legal"].participant_departments.values_list("code", flat=True)) == [
        "procurement"
    ]


def test_the_default_rules_speak_english_in_an_english_installation(departments):
    from importlib import import_module

    from django.apps import apps

    seed = import_module("fulfilment.handover.migrations.0002_departments_and_default_rules").seed
    Rule.objects.all().delete()
    seed(apps, None, lang="en")
    assert set(Rule.objects.values_list("title_template", flat=True)) == {
        "Prepare the budget for deal {number}",
        "Select customs (HS) codes for deal {number}",
        "Prepare the contract with specification for deal {number}",
    }


@time_machine.travel(at(2025, 10, 30, 10, 0), tick=False)
def test_deadlines_follow_the_production_calendar(manager, departments):
    Rule.objects.all().delete()
    RuleFactory(department=departments["finance"], deadline_offset=3, deadline_unit="working_days")
    RuleFactory(department=departments["legal"], deadline_offset=3, deadline_unit="calendar_days")
    RuleFactory(department=departments["logistics"], deadline_offset=4, deadline_unit="hours")

    deal = realize(DealFactory(manager=manager), manager)

    deadlines = dict(Task.objects.filter(deal=deal).values_list("department__code", "deadline"))
    # Thursday 30 October 2025: Fri 31 and the worked Saturday 1 November count; 3 and 4
    # November are off; the third working day is Wednesday 5 November, due at 18:00.
    assert deadlines["finance"] == at(2025, 11, 5, 18, 0)
    assert deadlines["legal"] == at(2025, 11, 2, 18, 0)
    assert deadlines["logistics"] == at(2025, 10, 30, 14, 0)


def test_a_retried_firing_of_the_same_entry_creates_nothing_more(manager):
    deal = realize(DealFactory(manager=manager), manager)
    entry = StageChange.objects.get(deal=deal, target="realization")
    entry.record = deal

    again = rules.fire_rules(changes=[entry])

    assert again == []
    assert Task.objects.filter(deal=deal).count() == 3
    assert RuleFiring.objects.filter(deal=deal).count() == 3


def test_reentering_the_stage_is_a_new_entry_and_fires_again(manager):
    deal = realize(DealFactory(manager=manager), manager)
    deal = deal_services.deal_transition(
        deal=deal, name="return_to_negotiation", actor=manager, comment="Новая спецификация"
    )
    realize(deal, manager)

    assert Task.objects.filter(deal=deal).count() == 6
    assert StageChange.objects.filter(deal=deal, target="realization").count() == 2


def test_a_chained_rule_waits_for_its_predecessor_then_counts_from_its_completion(
    manager, departments, finance_clerk, buyer
):
    Rule.objects.all().delete()
    budget = RuleFactory(
        name="Budget", department=departments["finance"], assignee_strategy="least_loaded"
    )
    RuleFactory(
        name="Order goods",
        department=departments["procurement"],
        predecessor=budget,
        title_template="Order the goods for {number}",
        deadline_offset=2,
        deadline_unit="working_days",
    )
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        deal = realize(DealFactory(manager=manager), manager)
    assert list(Task.objects.filter(deal=deal).values_list("department__code", flat=True)) == [
        "finance"
    ]
    assert RuleFiring.objects.get(rule__name="Order goods").outcome == RuleFiring.Outcome.WAITING

    budget_task = Task.objects.get(deal=deal)
    with time_machine.travel(at(2026, 3, 5, 16, 0), tick=False):
        services.task_transition(task=budget_task, name="complete", actor=finance_clerk)

    order_task = Task.objects.get(deal=deal, department__code="procurement")
    assert order_task.title == f"Order the goods for {deal.realization_number}"
    # Thursday 5 March 2026 + 2 working days: Friday 6, then Tuesday 10 (9 March is off).
    assert order_task.deadline == at(2026, 3, 10, 18, 0)
    firing = RuleFiring.objects.get(rule__name="Order goods")
    assert (firing.outcome, firing.task) == (RuleFiring.Outcome.CREATED, order_task)


def test_assignee_strategies(manager, departments):
    Rule.objects.all().delete()
    logistics = departments["logistics"]
    head, busy, free = (UserFactory(username=name) for name in ("head", "busy", "free"))
    logistics.members.add(head, busy, free)
    logistics.head = head
    logistics.save()
    Task.objects.bulk_create(
        Task(
            title="Earlier work",
            department=logistics,
            assignee=busy,
            deal=DealFactory(),
            deadline=at(2027, 1, 1, 12, 0),
        )
        for _ in range(2)
    )
    Task.objects.create(
        title="Earlier work",
        department=logistics,
        assignee=head,
        deal=DealFactory(),
        deadline=at(2027, 1, 1, 12, 0),
    )
    RuleFactory(name="head", department=logistics, assignee_strategy="head")
    RuleFactory(name="user", department=logistics, assignee_strategy="user", assignee=busy)
    RuleFactory(name="least", department=logistics, assignee_strategy="least_loaded")
    RuleFactory(name="queue", department=logistics, assignee_strategy="queue")

    deal = realize(DealFactory(manager=manager), manager)

    assignees = dict(Task.objects.filter(deal=deal).values_list("rule__name", "assignee__username"))
    assert assignees == {"head": "head", "user": "busy", "least": "free", "queue": None}


def test_least_loaded_spreads_a_batch_evenly(manager, departments):
    Rule.objects.all().delete()
    logistics = departments["logistics"]
    people = [UserFactory(username=f"clerk{i}") for i in range(3)]
    logistics.members.add(*people)
    RuleFactory(department=logistics, assignee_strategy="least_loaded")

    deal_services.deals_transition(
        deals=DealFactory.create_batch(9, manager=manager), name="start_realization", actor=manager
    )

    counts = sorted(Task.objects.values_list("assignee__username", flat=True))
    assert counts == sorted(["clerk0", "clerk1", "clerk2"] * 3)


def test_moving_200_deals_at_once_fires_every_rule_with_bounded_queries(
    manager, finance_clerk, customs_clerk, legal_clerk
):
    few = DealFactory.create_batch(20, manager=manager)
    many = DealFactory.create_batch(200, manager=manager)
    realize(DealFactory(manager=manager), manager)  # the year's first number creates its counter

    with CaptureQueriesContext(connection) as small:
        deal_services.deals_transition(deals=few, name="start_realization", actor=manager)
    with CaptureQueriesContext(connection) as large:
        result = deal_services.deals_transition(deals=many, name="start_realization", actor=manager)

    assert len(small.captured_queries) <= 30
    if connection.vendor == "postgresql":
        assert len(large.captured_queries) == len(small.captured_queries)
    else:
        # SQLite caps the variables of one statement, so Django splits the bulk inserts
        # into batches: a few more statements, never one per deal.
        assert len(large.captured_queries) <= 55
    assert len(result.moved) == 200
    # What 200 single moves would give: one task and one firing per rule and deal.
    assert Task.objects.filter(deal__in=many).count() == 600
    assert Task.objects.filter(deal__in=many).values("deal").distinct().count() == 200
    assert RuleFiring.objects.filter(deal__in=many, outcome="created").count() == 600


def test_a_lost_deal_cancels_its_open_tasks(manager):
    deal = realize(DealFactory(manager=manager), manager)
    deal_services.deal_transition(
        deal=deal, name="mark_lost", actor=manager, comment="Заказчик отказался"
    )
    assert set(Task.objects.filter(deal=deal).values_list("status", flat=True)) == {"cancelled"}


def test_an_inactive_rule_does_not_fire(manager):
    Rule.objects.update(active=False)
    deal = realize(DealFactory(manager=manager), manager)
    assert not Task.objects.filter(deal=deal).exists()


def test_the_preview_shows_tasks_assignees_and_deadlines_without_creating_them(
    manager, finance_clerk
):
    deal = DealFactory(manager=manager, stage=Deal.Stage.NEGOTIATION)
    with time_machine.travel(at(2025, 10, 30, 10, 0), tick=False):
        planned = rules.preview(record=deal, stage="realization")
    by_department = {plan.rule.department.code: plan for plan in planned}
    assert set(by_department) == {"finance", "foreign_trade", "legal"}
    assert by_department["finance"].assignee == finance_clerk
    assert by_department["finance"].deadline == at(2025, 11, 1, 18, 0)  # the worked Saturday
    assert not Task.objects.exists()


class TestRuleValidation:
    def clean(self, **fields):
        rule = RuleFactory.build(**fields)
        rule.department.save()
        rule.clean()

    def test_an_unknown_placeholder_is_named(self):
        with pytest.raises(ValidationError, match=r"Unknown placeholder \{nomber\}"):
            self.clean(title_template="Budget for {nomber}")

    def test_a_placeholder_with_a_format_is_refused(self):
        with pytest.raises(ValidationError, match=r"\{amount\} without a format"):
            self.clean(description_template="Amount {amount:.2f}")

    def test_a_negative_offset_is_refused(self):
        with pytest.raises(ValidationError, match="cannot be negative"):
            self.clean(deadline_offset=-1)

    def test_a_stage_the_kind_does_not_have_is_refused(self):
        with pytest.raises(ValidationError, match="has no stage"):
            self.clean(trigger_stage="shipped")

    def test_a_named_user_strategy_needs_the_user(self):
        with pytest.raises(ValidationError, match="Name the user"):
            self.clean(assignee_strategy="user")

    def test_a_predecessor_with_another_trigger_is_refused(self):
        other = RuleFactory(name="On proposal", trigger_stage="proposal")
        with pytest.raises(ValidationError, match="must fire on the same entry"):
            self.clean(predecessor=other)

    def test_a_predecessor_cycle_is_refused_with_the_chain(self):
        first = RuleFactory(name="First")
        second = RuleFactory(name="Second", predecessor=first)
        first.predecessor = second
        with pytest.raises(ValidationError, match="The chain loops back: First → Second → First"):
            first.clean()


def test_the_admin_refuses_a_broken_rule_next_to_the_field(client_of, superuser, departments):
    response = client_of(superuser).post(
        "/admin/handover/rule/add/",
        {
            "name": "Broken",
            "active": "on",
            "trigger": "orders.deal:realization",
            "department": departments["finance"].pk,
            "title_template": "Budget {nomber}",
            "deadline_offset": "-2",
            "deadline_unit": "working_days",
            "assignee_strategy": "queue",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Unknown placeholder {nomber}" in page
    assert "cannot be negative" in page
    assert not Rule.objects.filter(name="Broken").exists()


def test_an_administrator_adds_a_rule_in_the_admin_and_sees_it_fire(
    client_of, superuser, manager, departments
):
    response = client_of(superuser).post(
        "/admin/handover/rule/add/",
        {
            "name": "Logistics plan",
            "active": "on",
            "trigger": "orders.deal:realization",
            "department": departments["logistics"].pk,
            "title_template": "Plan the delivery for {number} to {customer}",
            "deadline_offset": "5",
            "deadline_unit": "working_days",
            "assignee_strategy": "queue",
        },
    )
    assert response.status_code == 302
    deal = realize(DealFactory(manager=manager), manager)
    task = Task.objects.get(deal=deal, department__code="logistics")
    assert task.title == f"Plan the delivery for {deal.realization_number} to {deal.customer.name}"


def test_backfill_shows_a_dry_run_then_creates_the_missing_tasks(
    client_of, superuser, manager, departments
):
    in_stage = [realize(DealFactory(manager=manager), manager) for _ in range(2)]
    rule = RuleFactory(
        name="Late rule", department=departments["logistics"], title_template="Plan {number}"
    )
    client = client_of(superuser)
    data = {"action": "backfill", "_selected_action": [rule.pk]}

    dry_run = client.post("/admin/handover/rule/", data)
    assert "nothing has been created yet" in dry_run.content.decode()
    assert not Task.objects.filter(rule=rule).exists()

    client.post("/admin/handover/rule/", {**data, "apply": "yes"})
    assert sorted(Task.objects.filter(rule=rule).values_list("title", flat=True)) == sorted(
        f"Plan {deal.realization_number}" for deal in in_stage
    )
    client.post("/admin/handover/rule/", {**data, "apply": "yes"})
    assert Task.objects.filter(rule=rule).count() == 2  # a second backfill finds nothing


def test_demo_data_gives_each_department_its_tasks():
    call_command("demo_data")
    codes = set(Task.objects.values_list("department__code", flat=True))
    assert codes == {"finance", "foreign_trade", "legal", "logistics"}  # logistics: a shipped order
