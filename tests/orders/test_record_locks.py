"""New records under a deal that is leaving Realization: the deal's lock decides."""

import datetime
import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from orders import services
from orders.models import (
    Attachment,
    Contract,
    Deal,
    Specification,
    SupplementaryAgreement,
    SupplierOrder,
)
from tests.factories import ContractFactory, DealInRealizationFactory, SupplierFactory

# serialized_rollback brings back the rows data migrations made (roles, number series).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def create_while_the_deal_completes(deal: Deal, create) -> object:
    """Complete ``deal`` in one transaction holding its lock while ``create`` runs."""
    locked = threading.Event()
    outcome: list[object] = [None]

    def complete() -> None:
        try:
            with transaction.atomic():
                Deal.objects.select_for_update().get(pk=deal.pk)
                locked.set()
                time.sleep(0.5)
                Deal.objects.filter(pk=deal.pk).update(stage=Deal.Stage.COMPLETED)
        finally:
            connection.close()

    def run() -> None:
        locked.wait(10)
        try:
            outcome[0] = create()
        except Exception as error:  # the test inspects it
            outcome[0] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=complete), threading.Thread(target=run)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    close_old_connections()
    return outcome[0]


def test_no_supplier_order_is_created_under_a_deal_that_left_realization_meanwhile(buyer):
    deal = DealInRealizationFactory()
    supplier = SupplierFactory()

    outcome = create_while_the_deal_completes(
        deal,
        lambda: services.supplier_order_create(
            deal=deal, actor=buyer, data={"supplier": supplier, "amount": Decimal("100.00")}
        ),
    )

    assert isinstance(outcome, PermissionDenied), outcome
    assert "The deal is not in Realization" in str(outcome)
    assert not SupplierOrder.objects.exists()


def test_no_contract_is_created_under_a_deal_that_left_realization_meanwhile(legal_clerk):
    deal = DealInRealizationFactory()
    supplier = SupplierFactory()

    outcome = create_while_the_deal_completes(
        deal,
        lambda: services.contract_create(
            deal=deal, actor=legal_clerk, data={"counterparty": supplier, "subject": "Поставка"}
        ),
    )

    assert isinstance(outcome, PermissionDenied), outcome
    assert "The deal is not in Realization" in str(outcome)
    assert not Contract.objects.exists()


def test_no_specification_is_created_under_a_deal_that_left_realization_meanwhile(legal_clerk):
    contract = ContractFactory(deal=DealInRealizationFactory())

    outcome = create_while_the_deal_completes(
        contract.deal,
        lambda: services.specification_create(
            contract=contract, actor=legal_clerk, date=datetime.date(2026, 3, 2)
        ),
    )

    assert isinstance(outcome, PermissionDenied), outcome
    assert "The deal is not in Realization" in str(outcome)
    assert not Specification.objects.exists()


def test_no_agreement_is_added_under_a_deal_that_left_realization_meanwhile(legal_clerk):
    contract = ContractFactory(
        deal=DealInRealizationFactory(),
        stage=Contract.Stage.SIGNED,
        contract_date=datetime.date(2026, 1, 15),
    )

    outcome = create_while_the_deal_completes(
        contract.deal,
        lambda: services.agreement_add(
            contract=contract,
            actor=legal_clerk,
            date=timezone.localdate(),
            subject="Срок поставки переносится",
            upload=SimpleUploadedFile("ДС.pdf", b"%PDF-1.7\n%%EOF\n"),
        ),
    )

    assert isinstance(outcome, PermissionDenied), outcome
    assert "The deal is not in Realization" in str(outcome)
    assert not SupplementaryAgreement.objects.exists()
    assert not Attachment.objects.exists()
