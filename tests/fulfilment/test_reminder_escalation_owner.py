"""An overdue payment always has an owner, even with no operations director."""

import datetime

import pytest

from fulfilment.handover import date_rules
from fulfilment.handover.models import PaymentEscalation
from fulfilment.roles import Role
from tests.conftest import clerk
from tests.fulfilment import test_payment_reminders as reminders

pytestmark = pytest.mark.django_db

D = datetime.date

# 1 200 000 RUB delivered on 20 March 2026, due Monday 20 April: overdue on 21 April.
delivered_order = reminders.delivered_order


def test_without_a_director_the_escalation_goes_to_the_head_of_accounting(
    delivered_order, departments
):
    head = clerk("galina", Role.ACCOUNTING, departments["accounting"], head=True)

    assert date_rules.payment_escalations_create(today=D(2026, 4, 21)) == 1

    assert PaymentEscalation.objects.get().task.assignee == head


def test_an_inactive_director_does_not_take_the_escalation(delivered_order, director, departments):
    director.is_active = False
    director.save()
    head = clerk("galina", Role.ACCOUNTING, departments["accounting"], head=True)

    date_rules.payment_escalations_create(today=D(2026, 4, 21))

    assert PaymentEscalation.objects.get().task.assignee == head


def test_without_a_director_or_a_head_an_accountant_takes_the_escalation(
    delivered_order, accountant, departments
):
    departments["accounting"].head = None
    departments["accounting"].save()

    date_rules.payment_escalations_create(today=D(2026, 4, 21))

    assert PaymentEscalation.objects.get().task.assignee == accountant
