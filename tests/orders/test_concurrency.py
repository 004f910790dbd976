"""Races on the database: run on SQLite (IMMEDIATE mode) and, in CI, on PostgreSQL."""

import threading
from collections.abc import Callable

import pytest
from django.db import close_old_connections, connection

from numbering.models import IssuedNumber
from orders import services
from orders.models import Deal, StageChange
from orders.workflow import TransitionConflict, TransitionRefused
from tests.factories import DealFactory

# serialized_rollback brings back the rows data migrations made (roles, number series).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run_together(count: int, work: Callable[[int], object]) -> list[object]:
    """Start ``count`` threads at the same instant; return each one's result or exception."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as error:  # the test inspects it
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    close_old_connections()
    return results


def test_twenty_deals_entering_realization_at_once_get_numbers_one_to_twenty(manager):
    deals = DealFactory.create_batch(20, manager=manager)

    results = run_together(
        20,
        lambda i: services.deal_transition(deal=deals[i], name="start_realization", actor=manager),
    )

    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == [], errors  # on SQLite: no "database is locked"
    numbers = sorted(Deal.objects.values_list("realization_number", flat=True))
    assert [int(n.rsplit("-", 1)[1]) for n in numbers] == list(range(1, 21))
    assert IssuedNumber.objects.count() == 20


def test_ten_users_racing_on_one_deal_make_one_step(manager):
    deal = DealFactory(manager=manager)

    results = run_together(
        10,
        lambda i: services.deal_transition(
            deal=deal, name="start_realization", actor=manager, expected_stage="negotiation"
        ),
    )

    winners = [r for r in results if isinstance(r, Deal)]
    losers = [r for r in results if isinstance(r, TransitionConflict | TransitionRefused)]
    assert len(winners) == 1
    assert len(losers) == 9, results
    assert all("has just moved this deal" in str(loser) for loser in losers)
    deal.refresh_from_db()
    assert deal.realization_number.endswith("-00001")
    assert IssuedNumber.objects.count() == 1
    assert StageChange.objects.filter(deal=deal, target="realization").count() == 1


def test_supplier_orders_created_together_on_one_deal_get_distinct_consecutive_numbers(buyer):
    from decimal import Decimal

    from orders.models import SupplierOrder
    from tests.factories import DealInRealizationFactory, SupplierFactory

    deal = DealInRealizationFactory(realization_number="R-2026-00042")
    supplier = SupplierFactory()

    results = run_together(
        8,
        lambda i: services.supplier_order_create(
            deal=deal, actor=buyer, data={"supplier": supplier, "amount": Decimal(1000 + i)}
        ),
    )

    assert [r for r in results if isinstance(r, Exception)] == []
    numbers = sorted(
        SupplierOrder.objects.values_list("number", flat=True),
        key=lambda n: int(n.rsplit("-", 1)[1]),
    )
    assert numbers == [f"R-2026-00042/SO-{n}" for n in range(1, 9)]
