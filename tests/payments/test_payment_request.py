"""The payment request PDF: what accounting needs to pay, the realization number on every page."""

import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pypdf
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from orders.services.attachments import attachment_store
from payments.documents import payment_purpose
from payments.models import Installment
from tests.factories import (
    ContractFactory,
    DealInRealizationFactory,
    SupplierFactory,
    SupplierOrderFactory,
)

pytestmark = pytest.mark.django_db

MOSCOW = ZoneInfo("Europe/Moscow")
NUMBER = "R-2026-00042"
PDF_BYTES = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(datetime.datetime(2026, 11, 28, 10, 0, tzinfo=MOSCOW), tick=False):
        yield


def installment(order, **fields) -> Installment:
    values = {
        "position": 2,
        "share": Decimal("70.00"),
        "amount": Decimal("840000.00"),
        "currency": "RUB",
        "base_event": "delivery",
        "provisional": True,
        "due_date": datetime.date(2026, 12, 10),
        "reminder_date": datetime.date(2026, 12, 7),
    }
    return Installment.objects.create(supplier_order=order, **{**values, **fields})


def attach(order, name: str, category: str) -> None:
    attachment_store(
        deal=order.deal,
        upload=SimpleUploadedFile(name, PDF_BYTES),
        actor=order.created_by,
        category=category,
        record=order,
    )


@pytest.fixture
def deal(manager):
    return DealInRealizationFactory(
        realization_number=NUMBER, manager=manager, title="Насосное оборудование для ТЭЦ-3"
    )


@pytest.fixture
def paid_by_bank(deal):
    """An installment of an order with an invoice, a contract, and many shipping documents."""
    supplier = SupplierFactory(
        name="ООО «Ёлка-Насос»",
        kpp="771001001",
        address="г. Москва, ул. Заводская, д. 5",
        bank_name="ПАО Сбербанк",
        bik="044525225",
        account="40702810938000012345",
        correspondent_account="30101810400000000225",
    )
    order = SupplierOrderFactory(
        deal=deal,
        number=f"{NUMBER}/SO-1",
        supplier=supplier,
        contract=ContractFactory(deal=deal, number=f"{NUMBER}/C-1", counterparty=supplier),
        invoice_number="15",
        invoice_date=datetime.date(2026, 3, 5),
    )
    attach(order, "Счёт 15.pdf", "supplier_invoice")
    for n in range(1, 61):
        attach(order, f"ТТН № {n}.pdf", "shipping_document")
    return installment(order)


def pdf_pages(response) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    # Table cells wrap, so words are compared with their spacing folded.
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def url(installment: Installment) -> str:
    return reverse("payments:payment-request-pdf", args=[installment.pk])


def test_every_page_carries_the_realization_number_and_the_bank_details_survive(
    client_of, accountant, paid_by_bank
):
    response = client_of(accountant).get(url(paid_by_bank))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'inline; filename="R-2026-00042_SO-1_payment_request_2.pdf"'
    )
    pages = pdf_pages(response)
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert NUMBER in text, f"page {number} lacks the realization number"
    text = " ".join(pages)
    assert "Payment request: order R-2026-00042/SO-1, installment 2" in text
    for expected in [
        "Насосное оборудование для ТЭЦ-3",
        "ООО «Ёлка-Насос»",
        paid_by_bank.supplier_order.supplier.inn,
        "771001001",
        "г. Москва, ул. Заводская, д. 5",
        "ПАО Сбербанк",
        "044525225",
        "40702810938000012345",
        "30101810400000000225",
        "840,000.00 RUB",
        "provisional",
        "Payment of invoice No. 15 of 03/05/2026, order R-2026-00042/SO-1, contract R-2026-00042/C-1",
        "Счёт 15.pdf",
        "ТТН № 60.pdf",
    ]:
        assert expected in text, expected
    assert "Signed contract missing" in text
    assert "Supplier invoice missing" not in text


def test_missing_bank_details_and_pack_items_are_named(client_of, accountant, deal):
    bare = installment(
        SupplierOrderFactory(deal=deal, supplier=SupplierFactory(name="ИП Иванов", kpp=""))
    )

    pages = pdf_pages(client_of(accountant).get(url(bare)))

    text = " ".join(pages)
    for label in ["KPP", "Bank", "BIK", "Settlement account", "Correspondent account"]:
        assert f"{label} —" in text, label
    for item in ["Signed contract", "Specification", "Supplier invoice", "Shipping documents"]:
        assert f"{item} missing" in text, item


def test_the_purpose_of_payment_names_invoice_order_contract_and_vat(paid_by_bank):
    assert payment_purpose(paid_by_bank) == (
        "Payment of invoice No. 15 of 03/05/2026, order R-2026-00042/SO-1, "
        "contract R-2026-00042/C-1, including VAT 20 %: 140,000.00 RUB"
    )


def test_without_an_invoice_or_a_contract_the_purpose_names_the_order(deal):
    order = SupplierOrderFactory(deal=deal, number=f"{NUMBER}/SO-7", vat_rate=0)

    assert payment_purpose(installment(order)) == "Payment, order R-2026-00042/SO-7, VAT 0 %"


def test_a_manager_of_another_deal_is_refused_without_learning_the_installment_exists(
    client_of, other_manager, deal
):
    order = SupplierOrderFactory(deal=deal)
    client = client_of(other_manager)

    assert client.get(url(installment(order))).status_code == 403
    assert client.get("/installments/999999/request.pdf").status_code == 403


def test_the_deals_own_manager_without_payments_is_refused(client_of, manager, deal):
    order = SupplierOrderFactory(deal=deal)

    response = client_of(manager).get(url(installment(order)))

    assert response.status_code == 403
