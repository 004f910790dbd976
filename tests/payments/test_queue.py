"""The accountants' payment queue: sections, totals, recording a payment in place."""

import datetime
import re
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from fulfilment.handover import date_rules
from orders.models import Attachment, DocumentVersion
from orders.services import attachment_store
from payments.models import Installment, Payment
from payments.services import payment_record
from tests.factories import (
    ContractFactory,
    DealInRealizationFactory,
    SpecificationFactory,
    SupplierFactory,
    SupplierOrderFactory,
)

pytestmark = pytest.mark.django_db

MOSCOW = datetime.timezone(datetime.timedelta(hours=3))
TODAY = datetime.date(2026, 4, 15)  # a Wednesday
NOW = datetime.datetime(2026, 4, 15, 10, 0, tzinfo=MOSCOW)


def installment(
    *, due: datetime.date, amount="1000.00", currency="RUB", order=None, **fields
) -> Installment:
    return Installment.objects.create(
        supplier_order=order or SupplierOrderFactory(currency=currency),
        position=1,
        share=Decimal(100),
        amount=Decimal(amount),
        currency=currency,
        base_event="delivery",
        base_date=due - datetime.timedelta(days=30),
        provisional=fields.pop("provisional", False),
        due_date=due,
        reminder_date=due - datetime.timedelta(days=5),
        **fields,
    )


def with_a_full_pack(row: Installment, actor) -> None:
    """Give the row's order a signed contract with its PDF and a specification, and the
    supplier's invoice: everything the row's pack lists."""
    order = row.supplier_order
    contract = ContractFactory(deal=order.deal, counterparty=order.supplier, stage="signed")
    SpecificationFactory(contract=contract)
    order.contract = contract
    order.save(update_fields=["contract"])
    DocumentVersion.objects.create(
        uuid=uuid.uuid4(),
        deal=order.deal,
        record=contract,
        kind=DocumentVersion.Kind.CONTRACT,
        version=1,
        number=contract.number,
        record_state="signed",
        file=ContentFile(b"%PDF-1.7\n%%EOF\n", name="contract.pdf"),
        size=15,
        pages=1,
        sha256="0" * 64,
        created_by=actor,
    )
    attachment_store(
        deal=order.deal,
        upload=SimpleUploadedFile("invoice.pdf", b"%PDF-1.7\n%%EOF\n"),
        actor=actor,
        category=Attachment.Category.SUPPLIER_INVOICE,
        record=order,
    )


def section(html: str, key: str) -> str:
    return html.split(f'id="section-{key}"')[1].split("</section>")[0]


@time_machine.travel(NOW, tick=False)
def test_the_queue_sorts_overdue_this_week_and_upcoming_with_totals_per_currency(
    client_of, accountant
):
    installment(due=datetime.date(2026, 4, 10), amount="100.00")
    installment(due=datetime.date(2026, 4, 14), amount="50.50", currency="USD")
    installment(due=datetime.date(2026, 4, 17), amount="200.00")
    installment(due=datetime.date(2026, 5, 20), amount="300.00", provisional=True)
    paid = installment(due=datetime.date(2026, 4, 12), amount="987.65")
    Installment.objects.filter(pk=paid.pk).update(state="paid", paid_amount=Decimal("987.65"))

    html = client_of(accountant).get("/payments/").content.decode()

    overdue = section(html, "overdue")
    assert overdue.count('class="installment') == 2
    assert "100.00 RUB" in overdue.replace(",", "")
    assert "50.50 USD" in overdue
    assert section(html, "week").count('class="installment') == 1
    upcoming = section(html, "upcoming")
    assert upcoming.count('class="installment') == 1
    assert "provisional" in upcoming
    assert "987.65" not in html
    assert "<svg" in html  # the chart of outgoing payments


@time_machine.travel(NOW, tick=False)
def test_the_queue_filters_by_supplier_and_deal_number(client_of, accountant):
    mine = SupplierFactory(name="ООО «Уралэнергомаш»")
    installment(
        due=TODAY,
        order=SupplierOrderFactory(
            supplier=mine,
            deal=DealInRealizationFactory(realization_number="R-2026-00042"),
            number="R-2026-00042/SO-1",
        ),
    )
    installment(due=TODAY)
    client = client_of(accountant)
    assert (
        client.get("/payments/", {"supplier": mine.pk}).content.decode().count('class="installment')
        == 1
    )
    assert (
        client.get("/payments/", {"q": "00042"}).content.decode().count('class="installment') == 1
    )


@pytest.mark.parametrize("count", [3, 60])
def test_the_queue_runs_the_same_queries_for_few_and_many_rows(
    client_of, accountant, count, django_assert_num_queries
):
    with time_machine.travel(NOW, tick=False):
        for n in range(count):
            row = installment(due=TODAY + datetime.timedelta(days=n % 20 - 5))
            if n % 2:
                with_a_full_pack(row, accountant)
        # Reminder tasks for the rows whose reminder date has come: each row links its task.
        assert date_rules.payment_reminders_create(today=TODAY) > 0
        client = client_of(accountant)
        # session, user, roles, departments; per section its totals and its rows (3 × 2);
        # for all rows at once the packs (specifications, documents, files) and the
        # reminder links (2); the chart; the suppliers
        with django_assert_num_queries(16):
            response = client.get("/payments/")
    assert response.content.decode().count('class="installment') == count


@time_machine.travel(NOW, tick=False)
def test_recording_a_payment_in_place(client_of, accountant):
    row = installment(due=TODAY, amount="1000.00")
    client = client_of(accountant)
    form = client.get(f"/installments/{row.pk}/pay/", HTTP_HX_REQUEST="true").content.decode()
    assert 'name="reference"' in form

    response = client.post(
        f"/installments/{row.pk}/pay/",
        {"amount": "1000.00", "paid_on": "2026-04-15", "reference": "п/п 311"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    # The sections come back whole: the paid row has left them.
    assert response["HX-Retarget"] == "#queue-sections"
    assert html.lstrip().startswith('<div id="queue-sections">')
    assert "The payment is recorded." in html
    assert f'id="installment-{row.pk}"' not in html
    row.refresh_from_db()
    assert row.state == "paid"
    assert (
        'class="installment' not in client.get("/payments/").content.decode()
    )  # the queue is empty


@time_machine.travel(NOW, tick=False)
def test_a_part_payment_updates_the_section_totals_under_the_pages_filters(client_of, accountant):
    paid_in_part = installment(due=TODAY, amount="1000.00")
    installment(due=TODAY, amount="500.00")
    installment(due=TODAY, amount="70.00", currency="USD")
    client = client_of(accountant)

    response = client.post(
        f"/installments/{paid_in_part.pk}/pay/",
        {"amount": "400.00", "paid_on": "2026-04-15", "reference": "п/п 312"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/payments/?currency=RUB",
    )

    html = response.content.decode()
    assert "1,100.00 RUB" in html  # 600 left of the first, 500 of the second
    assert "USD" not in html.split('class="queuesection', 1)[1]  # the page's filter holds
    assert f'id="installment-{paid_in_part.pk}"' in html


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"amount": "1000.01", "paid_on": "2026-04-15", "reference": "1"},
            "Only 1000.00 RUB is outstanding.",
        ),
        (
            {"amount": "-1", "paid_on": "2026-04-15", "reference": "1"},
            "The amount must be more than zero.",
        ),
        (
            {"amount": "10", "paid_on": "2026-04-16", "reference": "1"},
            "The payment date cannot be in the future.",
        ),
        ({"amount": "10", "paid_on": "2026-04-15", "reference": ""}, "This field is required."),
    ],
)
def test_a_wrong_payment_is_refused_next_to_the_field(client_of, accountant, data, message):
    row = installment(due=TODAY, amount="1000.00")
    html = (
        client_of(accountant)
        .post(f"/installments/{row.pk}/pay/", data, HTTP_HX_REQUEST="true")
        .content.decode()
    )
    errors = " ".join(re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, re.S))
    assert message in errors
    assert not Payment.objects.exists()


def test_the_queue_is_for_accounting_finance_and_the_director(
    client_of, manager, accountant, director, buyer
):
    assert client_of(manager).get("/payments/").status_code == 403
    assert client_of(buyer).get("/payments/").status_code == 403
    assert client_of(accountant).get("/payments/").status_code == 200
    assert client_of(director).get("/payments/").status_code == 200


def test_the_manager_of_the_deal_opens_no_installment_of_it(client_of, manager, accountant):
    """The deal's own manager sees its orders, but the payment pages are accounting's."""
    order = SupplierOrderFactory(deal=DealInRealizationFactory(manager=manager))
    row = installment(due=TODAY, order=order)
    client = client_of(manager)
    for url in (
        row.get_absolute_url(),
        f"/installments/{row.pk}/pay/",
        f"/installments/{row.pk}/request.pdf",
        "/payments/export/?format=csv",
    ):
        assert client.get(url).status_code == 403, url
    assert client_of(accountant).get(row.get_absolute_url()).status_code == 200


@time_machine.travel(NOW, tick=False)
def test_the_director_sees_the_queue_but_records_nothing(client_of, director):
    row = installment(due=TODAY)
    html = client_of(director).get("/payments/").content.decode()
    assert "Record a payment" not in html
    client_of(director).post(
        f"/installments/{row.pk}/pay/", {"amount": "1", "paid_on": "2026-04-15", "reference": "1"}
    )
    assert not Payment.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_the_installment_card_shows_its_pack_payments_and_changes(client_of, accountant):
    row = installment(due=TODAY, amount="1000.00")
    payment_record(
        installment=row,
        amount=Decimal("400.00"),
        paid_on=TODAY,
        reference="п/п 7",
        actor=accountant,
    )
    html = client_of(accountant).get(row.get_absolute_url()).content.decode()
    assert "п/п 7" in html
    assert "supplier invoice — missing" in html
    assert "payment п/п 7 of 2026-04-15" in html
