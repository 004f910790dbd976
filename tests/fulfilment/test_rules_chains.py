"""Rule chains that can no longer complete say so, and assignees that fall back to the
queue are named in the firing log."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fulfilment.handover import rules, services
from fulfilment.handover.models import Rule, RuleFiring, Task
from fulfilment.handover.triggers import TRIGGERS
from fulfilment.roles import Role
from orders import services as deal_services
from orders.services import supplier_orders as order_services
from tests.factories import DealFactory, SupplierOrderFactory, UserFactory
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
    assert firing(order).message == (
        f"Will not fire: Deal “{deal}” has moved to “Negotiation” since this entry into "
        "“Realization”."
    )


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


@pytest.fixture
def order_chain(departments):
    """Check the order → Book transport, on supplier orders entering Ordered."""
    Rule.objects.all().delete()
    check = RuleFactory(
        name="Check the order",
        trigger_kind="orders.supplierorder",
        trigger_stage="ordered",
        department=departments["procurement"],
    )
    transport = RuleFactory(
        name="Book transport",
        trigger_kind="orders.supplierorder",
        trigger_stage="ordered",
        department=departments["logistics"],
        predecessor=check,
    )
    return check, transport


def placed_order(buyer):
    today = timezone.localdate()
    order = SupplierOrderFactory(
        stage="draft",
        order_date=None,
        planned_delivery_date=today + datetime.timedelta(days=30),
        contract=None,
    )
    return order_services.supplier_order_transition(
        order=order, name="place", actor=buyer, dates={"order_date": today}
    )


def test_a_supplier_order_that_moved_on_still_gets_its_successor_task(buyer, order_chain):
    check, transport = order_chain
    order = placed_order(buyer)
    check_task = Task.objects.get(rule=check)
    order = order_services.supplier_order_transition(order=order, name="confirm", actor=buyer)
    order_services.supplier_order_transition(
        order=order, name="ship", actor=buyer, dates={"shipment_date": timezone.localdate()}
    )

    services.task_transition(task=check_task, name="complete", actor=buyer)

    successor = Task.objects.get(rule=transport)
    assert (successor.object_id, successor.entry_id) == (order.pk, check_task.entry_id)
    assert firing(transport).outcome == RuleFiring.Outcome.CREATED


def test_a_cancelled_supplier_order_gets_no_successor_task(buyer, order_chain):
    check, transport = order_chain
    order = placed_order(buyer)
    check_task = Task.objects.get(rule=check)
    order_services.supplier_order_transition(
        order=order, name="cancel", actor=buyer, comment="Поставщик отказал"
    )

    services.task_transition(task=check_task, name="complete", actor=buyer)

    assert not Task.objects.filter(rule=transport).exists()
    assert (firing(transport).outcome, firing(transport).message) == (
        RuleFiring.Outcome.SKIPPED,
        f"Will not fire: Supplier order “{order}” has moved to “Cancelled” since this entry "
        "into “Ordered”.",
    )


def test_a_deal_that_came_back_says_its_newer_entry_fires_its_own_rules(
    manager, finance_clerk, chain
):
    budget, order, _transport = chain
    deal = realize(DealFactory(manager=manager), manager)
    first_budget = Task.objects.get(deal=deal, rule=budget)
    first_entry = first_budget.entry_id
    # The way back is missing from the history: only the second entry is recorded.
    deal = deal_services.deal_transition(
        deal=deal, name="return_to_negotiation", actor=manager, comment="Новая спецификация"
    )
    deal.stage_changes.filter(target="negotiation").delete()
    realize(deal, manager)

    services.task_transition(task=first_budget, name="complete", actor=finance_clerk)

    skipped = RuleFiring.objects.get(rule=order, entry_id=first_entry)
    assert skipped.message == (
        f"Will not fire: Deal “{deal}” has entered “Realization” again since this entry; "
        "the newer entry fires its own rules."
    )


@pytest.mark.parametrize(
    ("kind", "stage", "ending", "not_ending"),
    [
        (
            "orders.deal",
            "realization",
            {"new", "proposal", "negotiation", "realization", "completed", "lost"},
            set(),
        ),
        (
            "orders.supplierorder",
            "ordered",
            {"draft", "ordered", "closed", "cancelled"},
            {"confirmed", "shipped", "delivered"},
        ),
        (
            "orders.contract",
            "legal_review",
            {"draft", "legal_review", "cancelled"},
            {"sent_for_signature", "signed"},
        ),
    ],
)
def test_closing_going_back_or_entering_again_ends_an_entry_and_moving_on_does_not(
    kind, stage, ending, not_ending
):
    trigger = TRIGGERS[kind]
    assert trigger.stages_ending(stage) == ending
    assert {value for value, _label in trigger.stages} == ending | not_ending


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


def test_a_named_user_who_left_the_department_leaves_the_task_in_the_queue_and_says_so(
    manager,
):
    Rule.objects.all().delete()
    department = DepartmentFactory(code="warehouse", name="Склад")
    keeper = UserFactory(username="keeper", first_name="Пётр", last_name="Ким")
    department.members.add(keeper)
    rule = RuleFactory(department=department, assignee_strategy="user", assignee=keeper)
    department.members.remove(keeper)

    deal = realize(DealFactory(manager=manager), manager)

    assert Task.objects.get(deal=deal).assignee is None
    assert firing(rule).message == (
        "The named user Пётр Ким is no longer a member or the head of Склад: the task is "
        "left in the department queue."
    )


def test_an_inactive_named_user_leaves_the_task_in_the_queue_and_says_so(manager):
    Rule.objects.all().delete()
    department = DepartmentFactory(code="warehouse", name="Склад")
    keeper = UserFactory(username="keeper", first_name="Пётр", last_name="Ким")
    department.members.add(keeper)
    rule = RuleFactory(department=department, assignee_strategy="user", assignee=keeper)
    keeper.is_active = False
    keeper.save()

    deal = realize(DealFactory(manager=manager), manager)

    assert Task.objects.get(deal=deal).assignee is None
    assert firing(rule).message == (
        "The named user Пётр Ким is inactive: the task is left in the queue of Склад."
    )


def test_a_named_user_who_heads_the_department_without_being_a_member_gets_the_task(
    manager,
):
    Rule.objects.all().delete()
    head = UserFactory(username="head")
    department = DepartmentFactory(code="warehouse", name="Склад", head=head)
    rule = RuleFactory(department=department, assignee_strategy="user", assignee=head)

    deal = realize(DealFactory(manager=manager), manager)

    assert Task.objects.get(deal=deal).assignee == head
    assert firing(rule).message == ""


def test_a_rule_meant_for_the_queue_logs_no_fallback(manager):
    Rule.objects.all().delete()
    rule = RuleFactory(department=DepartmentFactory(code="warehouse"), assignee_strategy="queue")
    realize(DealFactory(manager=manager), manager)
    assert (firing(rule).outcome, firing(rule).message) == (RuleFiring.Outcome.CREATED, "")
