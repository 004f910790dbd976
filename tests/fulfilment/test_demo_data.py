import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from orders.models import Counterparty, Deal, StageChange

pytestmark = pytest.mark.django_db


def test_demo_data_covers_every_stage_and_a_second_run_adds_nothing(capsys):
    call_command("demo_data", "--logins")
    counts = (
        get_user_model().objects.count(),
        Counterparty.objects.count(),
        Deal.objects.count(),
        StageChange.objects.count(),
    )
    call_command("demo_data")

    assert (
        get_user_model().objects.count(),
        Counterparty.objects.count(),
        Deal.objects.count(),
        StageChange.objects.count(),
    ) == counts
    assert set(Deal.objects.values_list("stage", flat=True)) == set(Deal.Stage.values)
    negotiation = Deal.objects.filter(stage=Deal.Stage.NEGOTIATION)
    assert any(deal.handover_missing() for deal in negotiation)
    assert any(not deal.handover_missing() for deal in negotiation)
    assert all(d.realization_number for d in Deal.objects.filter(stage=Deal.Stage.REALIZATION))
    printed = capsys.readouterr().out
    assert "manager" in printed
    assert "password for all: demo" in printed


def test_the_demo_manager_can_log_in(client):
    call_command("demo_data")
    assert client.login(username="manager", password="demo")
