"""Factories for the hand-over process."""

import datetime

import factory
from django.utils import timezone

from fulfilment.handover.models import (
    Department,
    LateDeliveryAlert,
    PaymentEscalation,
    PaymentReminder,
    Rule,
    RuleFiring,
    Task,
    TaskComment,
    TaskEvent,
)
from fulfilment.models import CalendarDay, OutboxMessage
from tests.factories import (
    DealFactory,
    InstallmentFactory,
    StageChangeFactory,
    SupplierOrderFactory,
    UserFactory,
)


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"dept{n}")
    name = factory.Sequence(lambda n: f"Department {n}")


class RuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rule

    name = factory.Sequence(lambda n: f"Rule {n}")
    trigger_kind = "orders.deal"
    trigger_stage = "realization"
    department = factory.SubFactory(DepartmentFactory)
    title_template = "Check deal {number}"
    deadline_offset = 1
    deadline_unit = Rule.DeadlineUnit.WORKING_DAYS
    assignee_strategy = Rule.AssigneeStrategy.QUEUE


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    title = factory.Sequence(lambda n: f"Task {n}")
    department = factory.SubFactory(DepartmentFactory)
    deal = factory.SubFactory(
        DealFactory,
        stage="realization",
        realization_number=factory.Sequence(lambda n: f"R-2026-{n + 1:05d}"),
    )
    deadline = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=3))


class TaskEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskEvent

    task = factory.SubFactory(TaskFactory)
    kind = TaskEvent.Kind.CREATED


class TaskCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskComment

    task = factory.SubFactory(TaskFactory)
    author = factory.SubFactory(UserFactory)
    text = "Коды ТН ВЭД согласованы с брокером."


class RuleFiringFactory(factory.django.DjangoModelFactory):
    """A rule's task made on a deal's entry into Realization."""

    class Meta:
        model = RuleFiring

    rule = factory.SubFactory(RuleFactory)
    entry = factory.SubFactory(StageChangeFactory)
    deal = factory.LazyAttribute(lambda o: o.entry.deal)
    outcome = RuleFiring.Outcome.CREATED


class PaymentReminderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaymentReminder

    installment = factory.SubFactory(InstallmentFactory)
    due_date = factory.LazyAttribute(lambda o: o.installment.due_date)


class PaymentEscalationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaymentEscalation

    installment = factory.SubFactory(InstallmentFactory)


class LateDeliveryAlertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LateDeliveryAlert

    supplier_order = factory.SubFactory(SupplierOrderFactory)
    planned_date = factory.LazyAttribute(lambda o: o.supplier_order.planned_delivery_date)


class CalendarDayFactory(factory.django.DjangoModelFactory):
    """A company day off: the day after New Year's holidays of 2027 (a Monday)."""

    class Meta:
        model = CalendarDay
        django_get_or_create = ("date",)

    date = datetime.date(2027, 1, 11)
    kind = CalendarDay.Kind.DAY_OFF
    note = "Инвентаризация склада"


class OutboxMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutboxMessage

    key = factory.Sequence(lambda n: f"test-message-{n}")
    recipients = factory.LazyFunction(lambda: ["clerk@example.com"])
    subject = "Новая задача"
    body = "Составить бюджет по сделке."
