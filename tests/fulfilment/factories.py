"""Factories for the hand-over process."""

import datetime

import factory
from django.utils import timezone

from fulfilment.handover.models import Department, Rule, Task
from tests.factories import DealFactory


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
