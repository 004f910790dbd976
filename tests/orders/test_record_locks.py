"""New records under a deal that is leaving Realization: the deal's lock decides."""

import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import close_old_connections, connection, transaction

from orders import services
from orders.models import Contract, Deal, SupplierOrder
from tests.factories import DealInRealizationFactory, SupplierFactory

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
