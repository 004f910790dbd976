"""A payment order number is the same whatever its case and spacing; old duplicates are kept
under distinct names when the rule arrives."""

import datetime
import importlib
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from payments.models import Installment, Payment
from payments.services import payment_record
from tests.factories import SupplierOrderFactory

MOSCOW = datetime.timezone(datetime.timedelta(hours=3))
NOW = datetime.datetime(2026, 4, 15, 10, 0, tzinfo=MOSCOW)

migration = importlib.import_module("payments.migrations.0003_one_payment_per_reference")


@pytest.fixture
def due(db):
    return Installment.objects.create(
        supplier_order=SupplierOrderFactory(),
        position=1,
        share=Decimal(100),
        amount=Decimal("1000.00"),
        currency="RUB",
        base_event="delivery",
        due_date=datetime.date(2026, 4, 20),
    )


def record(installment, accountant, reference):
    return payment_record(
        installment=installment,
        amount=Decimal("100.00"),
        paid_on=datetime.date(2026, 4, 14),
        reference=reference,
        actor=accountant,
    )


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("again", ["П/П 1542", "п/п1542", " п/п  1542 ", "П/п\t1542"])
def test_the_same_payment_order_in_other_case_or_spacing_is_refused(due, accountant, again):
    record(due, accountant, "п/п 1542")

    with pytest.raises(ValidationError) as refused:
        record(due, accountant, again)

    assert "is already recorded on this installment" in refused.value.message_dict["reference"][0]
    due.refresh_from_db()
    assert (due.paid_amount, due.payments.count()) == (Decimal("100.00"), 1)


@time_machine.travel(NOW, tick=False)
def test_the_database_refuses_the_same_payment_order_written_differently(due, accountant):
    record(due, accountant, "п/п 1542")

    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(
            installment=due,
            amount=Decimal("1.00"),
            paid_on=datetime.date(2026, 4, 14),
            reference="П/П1542",
            recorded_by=accountant,
        )


def test_later_duplicates_on_an_installment_are_renamed_in_turn():
    rows = [
        (1, 10, "п/п 1542"),
        (2, 10, "П/П 1542"),
        (3, 11, "п/п 1542"),  # another installment: not a duplicate
        (4, 10, "п/п1542"),
        (5, 10, "п/п 1542 (2)"),  # already taken by hand: the renamed one skips it
        (6, 10, "п/п 77"),
        (7, 10, ""),
        (8, 10, ""),
    ]

    assert migration.distinct_references(rows) == {
        2: "П/П 1542 (3)",
        4: "п/п1542 (4)",
    }


def test_a_renamed_reference_stays_within_the_field():
    long = "п/п " + "9" * 96
    renamed = migration.distinct_references([(1, 10, long), (2, 10, long)])

    assert len(renamed[2]) == 100
    assert renamed[2].endswith(" (2)")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_renames_duplicates_recorded_before_the_rule(accountant):
    before = [("payments", "0002_seeded_terms")]
    installment = Installment.objects.create(
        supplier_order=SupplierOrderFactory(),
        position=1,
        share=Decimal(100),
        amount=Decimal("1000.00"),
        currency="RUB",
        base_event="delivery",
        due_date=datetime.date(2026, 4, 20),
    )
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        OldPayment = executor.loader.project_state(before).apps.get_model("payments", "Payment")
        for reference in ("п/п 1542", "П/П 1542", "п/п1542", "п/п 77"):
            OldPayment.objects.create(
                installment_id=installment.pk,
                amount=Decimal("100.00"),
                paid_on=datetime.date(2026, 4, 14),
                reference=reference,
                recorded_by_id=accountant.pk,
            )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    assert list(Payment.objects.order_by("pk").values_list("reference", "reference_key")) == [
        ("п/п 1542", "п/п1542"),
        ("П/П 1542 (2)", "п/п1542(2)"),
        ("п/п1542 (3)", "п/п1542(3)"),
        ("п/п 77", "п/п77"),
    ]
