"""Rule chains that can no longer complete say so, and assignees that fall back to the
queue are named in the firing log."""

import pytest
from django.core.exceptions import ValidationError

from fulfilment.handover import rules, services
from fulfilment.handover.models import Rule, RuleFiring, Task
from fulfilment.roles import Role
from orders import services as deal_services
from tests.factories import DealFactory, UserFactory
from tests.fulfilment.factories import DepartmentFactory, RuleFactory

pytestmark = pytest.mark.django_db


def realize(deal, actor):
    return deal_services.deal_transition(deal=deal, name="start_realization", actor=actor)


@pytest.fixture
def chain(departments):
    """Budget → Order goods → Book transport, on deals entering Realization."""
    Rule.objects.all().delete()
    budget = RuleFactory(name="Budget", department=departments["finance"])
    order = RuleFactory(
        name="Order goods", department=departments["procurement"], predecessor=budget
    )
    transport = RuleFactory(
        name="Book transport", department=departments["logistics"], predecessor=order
    )
    return budget, order, transport


def firing(rule) -> RuleFiring:
    return RuleFiring.objects.get(rule=rule)


# --- Saving a rule that others follow ------------------------------------------------


def test_a_rule_others_follow_cannot_move_to_another_trigger(chain):
    budget, order, _transport = chain
    budget.trigger_stage = "proposal"
    with pytest.raises(ValidationError, match="“Order goods”") as refused:
        budget.full_clean()
    assert "must fire on the same entry" in str(refused.value)
    order.trigger_stage = "proposal"
    with pytest.raises(ValidationError, match="“Book transport”"):
        order.full_clean()


def test_the_admin_refuses_to_move_a_followed_rule_and_names_its_followers(
    client_of, superuser, chain, departments
):
    budget, _order, _transport = chain
    response = client_of(superuser).post(
        f"/admin/handover/rule/{budget.pk}/change/",
        {
            "name": "Budget",
            "active": "on",
            "trigger": "orders.deal:proposal",
            "department": departments["finance"].pk,
            "title_template": budget.title_template,
            "deadline_offset": "1",
            "deadline_unit": "working_days",
            "assignee_strategy": "queue",
        },
    )
    assert response.status_code == 200
    assert "“Order goods”" in response.content.decode()
    budget.refresh_from_db()
    assert budget.trigger_stage == "realization"


# --- A chain that can no longer complete ---------------------------------------------


def test_an_inactive_predecessor_logs_will_not_fire_instead_of_waiting(manager, chain):
    budget, order, transport = chain
    Rule.objects.filter(pk=budget.pk).update(active=False)

    deal = realize(DealFactory(manager=manager), manager)

    assert not Task.objects.filter(deal=deal).exists()
    assert firing(order).outcome == RuleFiring.Outcome.SKIPPED
    assert (
        firing(order).message == "Will not fire: “Budget” is inactive, so its task is never made."
    )
    assert firing(transport).outcome == RuleFiring.Outcome.SKIPPED
    assert "“Budget” is inactive" in firing(transport).message
    assert not RuleFiring.objects.filter(outcome=RuleFiring.Outcome.WAITING).exists()


def test_the_preview_says_a_chained_rule_will_not_fire_after_an_inactive_rule(
    client_of, superuser, manager, chain
):
    budget, _order, _transport = chain
    deal = DealFactory(manager=manager)
    Rule.objects.filter(pk=budget.pk).update(active=False)

    planned = {plan.rule.name: plan for plan in rules.preview(record=deal, stage="realization")}
    html = (
        client_of(superuser)
        .get(f"/deals/{deal.pk}/rule-preview/", {"stage": "realization"})
        .content.decode()
    )

    assert "is inactive" in planned["Order goods"].will_not_fire
    assert "Will not fire: “Budget” is inactive" in html
    assert "after “Budget” is done" not in html


def test_the_preview_still_says_a_live_chain_waits(client_of, superuser, manager, chain):
    deal = DealFactory(manager=manager)
    html = (
        client_of(superuser)
        .get(f"/deals/{deal.pk}/rule-preview/", {"stage": "realization"})
        .content.decode()
    )
    assert "after “Budget” is done" in html
    assert "Will not fire" not in html


def test_a_cancelled_predecessor_task_tells_the_chain_it_will_not_fire(
    client_of, superuser, manager, finance_clerk, chain
):
    budget, order, transport = chain
    deal = realize(DealFactory(manager=manager), manager)
    budget_task = Task.objects.get(deal=deal, rule=budget)

    services.task_transition(task=budget_task, name="cancel", actor=finance_clerk, comment="Дубль")

    assert firing(order).outcome == RuleFiring.Outcome.SKIPPED
    assert firing(order).message == f"Will not fire: “{budget_task.title}” was cancelled."
    assert firing(transport).message == (
        "Will not fire: “Order goods”, which it follows, will not fire."
    )
    panel = client_of(superuser).get(deal.get_absolute_url()).content.decode()
    assert f"Will not fire: “{budget_task.title}” was cancelled." in panel
    assert "Waits for" not in panel


def test_a_lost_deal_tells_its_waiting_rules_they_will_not_fire(manager, chain):
    _budget, order, _transport = chain
    deal = realize(DealFactory(manager=manager), manager)

    deal_services.deal_transition(deal=deal, name="mark_lost", actor=manager, comment="Отказ")

    assert firing(order).outcome == RuleFiring.Outcome.SKIPPED
    assert "was cancelled" in firing(order).message


def test_a_successor_made_inactive_while_waiting_makes_no_task(manager, finance_clerk, chain):
    budget, order, transport = chain
    deal = realize(DealFactory(manager=manager), manager)
    Rule.objects.filter(pk=order.pk).update(active=False)

    services.task_transition(
        task=Task.objects.get(deal=deal, rule=budget), name="complete", actor=finance_clerk
    )

    assert list(Task.objects.filter(deal=deal).values_list("rule__name", flat=True)) == ["Budget"]
    assert (firing(order).outcome, firing(order).message) == (
        RuleFiring.Outcome.SKIPPED,
        "Will not fire: the rule was made inactive.",
    )
    assert firing(transport).outcome == RuleFiring.Outcome.SKIPPED


def test_a_deal_that_left_the_stage_gets_no_successor_task(manager, finance_clerk, chain):
    budget, order, _transport = chain
    deal = realize(DealFactory(manager=manager), manager)
    budget_task = Task.objects.get(deal=deal, rule=budget)
    deal_services.deal_transition(
        deal=deal, name="return_to_negotiation", actor=manager, comment="Новая спецификация"
    )

    services.task_transition(task=budget_task, name="complete", actor=finance_clerk)

    assert not Task.objects.filter(deal=deal, rule=order).exists()
    assert firing(order).outcome == RuleFiring.Outcome.SKIPPED
    assert "has left “Realization” since this entry" in firing(order).message


def test_a_deal_that_left_and_came_back_fires_the_chain_of_its_new_entry_only(
    manager, finance_clerk, chain
):
    budget, order, _transport = chain
    deal = realize(DealFactory(manager=manager), manager)
    first_budget = Task.objects.get(deal=deal, rule=budget)
    deal = deal_services.deal_transition(
        deal=deal, name="return_to_negotiation", actor=manager, comment="Новая спецификация"
    )
    realize(deal, manager)

    services.task_transition(task=first_budget, name="complete", actor=finance_clerk)

    assert not Task.objects.filter(deal=deal, rule=order).exists()
    outcomes = sorted(RuleFiring.objects.filter(rule=order).values_list("outcome", flat=True))
    assert outcomes == [RuleFiring.Outcome.SKIPPED, RuleFiring.Outcome.WAITING]


def test_a_live_chain_still_creates_its_tasks_in_turn(manager, finance_clerk, buyer, chain):
    budget, order, transport = chain
    deal = realize(DealFactory(manager=manager), manager)
    services.task_transition(
        task=Task.objects.get(deal=deal, rule=budget), name="complete", actor=finance_clerk
    )
    assert firing(order).outcome == RuleFiring.Outcome.CREATED
    assert firing(transport).outcome == RuleFiring.Outcome.WAITING


# --- The named user of a rule --------------------------------------------------------


def test_a_named_user_outside_the_department_is_refused_with_both_names():
    department = DepartmentFactory(code="warehouse", name="Склад")
    stranger = UserFactory(username="stranger", first_name="Пётр", last_name="Ким")
    rule = RuleFactory.build(department=department, assignee_strategy="user", assignee=stranger)
    with pytest.raises(
        ValidationError, match="Пётр Ким is neither a member nor the head of Склад"
    ) as refused:
        rule.clean()
    assert "assignee" in refused.value.error_dict


def test_a_named_user_who_is_a_member_or_the_head_is_accepted():
    member = UserFactory(username="member")
    head = UserFactory(username="head")
    department = DepartmentFactory(code="warehouse", name="Склад", head=head)
    department.members.add(member)
    for user in (member, head):
        RuleFactory.build(department=department, assignee_strategy="user", assignee=user).clean()


# --- Falling back to the department queue --------------------------------------------


def test_a_head_strategy_without_a_head_leaves_the_task_in_the_queue_and_says_so(manager):
    Rule.objects.all().delete()
    department = DepartmentFactory(code="warehouse", name="Склад")
    department.members.add(UserFactory(username="keeper", roles=[Role.LOGISTICS]))
    rule = RuleFactory(department=department, assignee_strategy="head")

    deal = realize(DealFactory(manager=manager), manager)

    assert Task.objects.get(deal=deal).assignee is None
    assert (firing(rule).outcome, firing(rule).message) == (
        RuleFiring.Outcome.CREATED,
        "Склад has no head: the task is left in the department queue.",
    )


def test_least_loaded_without_members_leaves_the_task_in_the_queue_and_says_so(manager):
    Rule.objects.all().delete()
    department = DepartmentFactory(code="warehouse", name="Склад")
    rule = RuleFactory(department=department, assignee_strategy="least_loaded")

    deal = realize(DealFactory(manager=manager), manager)

    assert Task.objects.get(deal=deal).assignee is None
    assert firing(rule).message == (
        "Склад has no active members: the task is left in the department queue."
    )


def test_a_rule_meant_for_the_queue_logs_no_fallback(manager):
    Rule.objects.all().delete()
    rule = RuleFactory(department=DepartmentFactory(code="warehouse"), assignee_strategy="queue")
    realize(DealFactory(manager=manager), manager)
    assert (firing(rule).outcome, firing(rule).message) == (RuleFiring.Outcome.CREATED, "")
