"""Two accountants recording the same payment at once (SQLite here, PostgreSQL in CI)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from fulfilment.roles import Role
from payments.models import Installment, Payment
from payments.services import payment_record
from tests.conftest import clerk
from tests.factories import SupplierOrderFactory
from tests.orders.test_concurrency import run_together

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_same_payment_recorded_twice_at_once_is_recorded_once(accountant):
    installment = Installment.objects.create(
        supplier_order=SupplierOrderFactory(),
        position=1,
        share=Decimal(100),
        amount=Decimal("1000.00"),
        currency="RUB",
        base_event="delivery",
        due_date=datetime.date(2026, 4, 20),
    )

    results = run_together(
        2,
        lambda i: payment_record(
            installment=installment,
            amount=Decimal("1000.00"),
            paid_on=datetime.date(2026, 4, 15),
            reference=f"п/п {i}",
            actor=accountant,
        ),
    )

    assert len([r for r in results if isinstance(r, Payment)]) == 1
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1
    assert "nothing is left to pay" in str(refused[0])
    installment.refresh_from_db()
    assert (installment.paid_amount, installment.state, installment.payments.count()) == (
        Decimal("1000.00"),
        "paid",
        1,
    )


def test_two_accountants_entering_the_same_part_payment_at_once_record_it_once(
    accountant, departments
):
    colleague = clerk("olga", Role.ACCOUNTING, departments["accounting"])
    installment = Installment.objects.create(
        supplier_order=SupplierOrderFactory(),
        position=1,
        share=Decimal(100),
        amount=Decimal("1000.00"),
        currency="RUB",
        base_event="delivery",
        due_date=datetime.date(2026, 4, 20),
    )

    results = run_together(
        2,
        lambda i: payment_record(
            installment=installment,
            amount=Decimal("400.00"),
            paid_on=datetime.date(2026, 4, 15),
            reference="п/п 1542",
            actor=[accountant, colleague][i],
        ),
    )

    assert len([r for r in results if isinstance(r, Payment)]) == 1
    (refused,) = [r for r in results if isinstance(r, ValidationError)]
    assert refused.message_dict == {
        "reference": ["Payment order п/п 1542 is already recorded on this installment."]
    }
    installment.refresh_from_db()
    assert (installment.paid_amount, installment.state, installment.payments.count()) == (
        Decimal("400.00"),
        "open",
        1,
    )
