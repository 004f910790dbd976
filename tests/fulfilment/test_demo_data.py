import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from orders import services as order_services
from orders.models import Contract, Counterparty, Deal, StageChange
from payments.models import Installment
from tests.factories import DealFactory

User = get_user_model()

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


def test_a_second_run_gives_nothing_to_a_users_own_deal_in_realization(manager):
    call_command("demo_data")
    own = DealFactory(title="Теплообменники для котельной", manager=manager)
    own = order_services.deal_transition(deal=own, name="start_realization", actor=manager)

    call_command("demo_data")

    assert not own.contracts.exists()
    assert not own.supplier_orders.exists()
    assert not Installment.objects.filter(supplier_order__deal=own).exists()


def test_demo_deals_in_realization_have_a_history_dated_like_their_records(client_of):
    call_command("demo_data")
    today = timezone.localdate()
    in_realization = Deal.objects.filter(stage=Deal.Stage.REALIZATION)
    assert in_realization.count() == 2

    def day(moment) -> datetime.date:
        return timezone.localdate(moment)

    for deal in in_realization:
        entered = StageChange.objects.get(
            deal=deal, object_id=deal.pk, content_type__model="deal", target="realization"
        )
        assert day(deal.realization_started_at) == day(entered.created_at)
        assert day(deal.stage_changed_at) == day(entered.created_at)
        for contract in deal.contracts.all():
            assert all(
                spec.date > day(entered.created_at) for spec in contract.specifications.all()
            )
            if contract.contract_date:
                signed = StageChange.objects.get(
                    content_type__model="contract", object_id=contract.pk, target="signed"
                )
                assert day(signed.created_at) == contract.contract_date
                assert day(contract.stage_changed_at) == contract.contract_date
                assert day(entered.created_at) <= contract.contract_date
        for order in deal.supplier_orders.all():
            changes = {
                c.target: day(c.created_at)
                for c in StageChange.objects.filter(
                    content_type__model="supplierorder", object_id=order.pk
                )
            }
            assert changes["ordered"] == order.order_date
            if order.actual_delivery_date:
                assert changes["delivered"] == order.actual_delivery_date
            assert day(entered.created_at) < order.order_date

    html = client_of(User.objects.get(username="director")).get("/tower/").content.decode()
    shown = {
        number: int(days)
        for number, days in re.findall(
            r'class="number"[^>]*>(R-[^<]+)</a>.*?<td class="num">(\d+)</td>', html, re.S
        )
    }
    expected = {
        deal.realization_number: (today - day(deal.realization_started_at)).days
        for deal in in_realization
    }
    assert shown == expected
    assert min(shown.values()) > 0
    signed = Contract.objects.filter(deal__in=in_realization, contract_date__isnull=False).get()
    assert shown[signed.deal.realization_number] > (today - signed.contract_date).days


def test_a_run_interrupted_before_signing_is_finished_by_the_next(monkeypatch):
    from fulfilment.management.commands import demo_data
    from orders.models import DocumentVersion, SupplierOrder

    def no_pdf_library(**kwargs):
        raise OSError("cannot load library 'libpango-1.0-0'")

    with monkeypatch.context() as patch:
        patch.setattr(demo_data.order_services, "document_generate", no_pdf_library)
        with pytest.raises(OSError, match="libpango"):
            call_command("demo_data")
    assert Contract.objects.filter(stage=Contract.Stage.SENT_FOR_SIGNATURE).exists()
    assert not SupplierOrder.objects.exists()
    deals = Deal.objects.count()

    call_command("demo_data")

    assert Deal.objects.count() == deals
    signed = Contract.objects.get(stage=Contract.Stage.SIGNED)
    assert DocumentVersion.objects.filter(object_id=signed.pk, kind="contract").count() == 1
    assert SupplierOrder.objects.filter(contract=signed).count() == 2
    assert not Contract.objects.filter(stage=Contract.Stage.SENT_FOR_SIGNATURE).exists()
