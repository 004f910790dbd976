"""One payment order is recorded once per installment, on the page and through the API."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from payments.models import Installment, Payment
from payments.services import payment_record
from tests.factories import SupplierOrderFactory

pytestmark = pytest.mark.django_db

MOSCOW = datetime.timezone(datetime.timedelta(hours=3))
NOW = datetime.datetime(2026, 4, 15, 10, 0, tzinfo=MOSCOW)
PAID_ON = datetime.date(2026, 4, 14)
REFUSAL = "Payment order п/п 1542 is already recorded on this installment."


@pytest.fixture
def due():
    return Installment.objects.create(
        supplier_order=SupplierOrderFactory(),
        position=1,
        share=Decimal(100),
        amount=Decimal("1000.00"),
        currency="RUB",
        base_event="delivery",
        due_date=datetime.date(2026, 4, 20),
    )


def record(installment, accountant, reference="п/п 1542", amount="400.00"):
    return payment_record(
        installment=installment,
        amount=Decimal(amount),
        paid_on=PAID_ON,
        reference=reference,
        actor=accountant,
    )


@time_machine.travel(NOW, tick=False)
def test_the_same_payment_order_is_refused_on_the_reference(due, accountant):
    record(due, accountant)

    with pytest.raises(ValidationError) as refused:
        record(due, accountant, reference="  п/п 1542 ")

    assert refused.value.message_dict == {"reference": [REFUSAL]}
    due.refresh_from_db()
    assert (due.paid_amount, due.payments.count(), due.changes.count()) == (
        Decimal("400.00"),
        1,
        1,
    )


@time_machine.travel(NOW, tick=False)
def test_another_payment_order_on_the_same_installment_is_accepted(due, accountant):
    record(due, accountant)
    record(due, accountant, reference="п/п 1543")
    due.refresh_from_db()
    assert due.paid_amount == Decimal("800.00")


@time_machine.travel(NOW, tick=False)
def test_the_same_reference_on_another_installment_is_accepted(due, accountant):
    other = Installment.objects.create(
        supplier_order=due.supplier_order,
        position=2,
        share=Decimal(100),
        amount=Decimal("1000.00"),
        currency="RUB",
        base_event="delivery",
        due_date=datetime.date(2026, 4, 20),
    )
    record(due, accountant)
    record(other, accountant)
    assert Payment.objects.filter(reference="п/п 1542").count() == 2


@time_machine.travel(NOW, tick=False)
def test_the_page_shows_the_refusal_next_to_the_reference(client_of, due, accountant):
    record(due, accountant)
    response = client_of(accountant).post(
        f"/installments/{due.pk}/pay/",
        {"amount": "400.00", "paid_on": "2026-04-14", "reference": "п/п 1542"},
        HTTP_HX_REQUEST="true",
    )

    assert response.context["payment_form"].errors["reference"] == [REFUSAL]
    errors = re.findall(
        r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode(), re.S
    )
    assert any(REFUSAL in error for error in errors)
    assert Payment.objects.count() == 1


@time_machine.travel(NOW, tick=False)
def test_the_api_refuses_the_same_payment_order_with_a_400_on_the_reference(due, accountant):
    record(due, accountant)
    token, _created = Token.objects.get_or_create(user=accountant)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    response = client.post(
        f"/api/installments/{due.pk}/payments/",
        {"amount": "400.00", "paid_on": "2026-04-14", "reference": "п/п 1542"},
    )

    assert response.status_code == 400
    assert response.json() == {"reference": [REFUSAL]}
    assert Payment.objects.count() == 1
