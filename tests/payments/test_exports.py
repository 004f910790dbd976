"""The payment queue exported for Excel: the same rows as the page, readable numbers and dates."""

import csv
import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from payments.models import Installment
from tests.factories import DealInRealizationFactory, SupplierFactory, SupplierOrderFactory

pytestmark = pytest.mark.django_db

MOSCOW = ZoneInfo("Europe/Moscow")
TODAY = datetime.date(2026, 11, 28)
URL = reverse("payments:queue-export")


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(datetime.datetime(2026, 11, 28, 10, 0, tzinfo=MOSCOW), tick=False):
        yield


def installment(order, **fields) -> Installment:
    values = {
        "position": 1,
        "share": Decimal("100.00"),
        "amount": order.amount,
        "currency": order.currency,
        "base_event": "delivery",
        "base_date": datetime.date(2026, 11, 1),
        "provisional": False,
        "due_date": datetime.date(2026, 12, 1),
        "reminder_date": datetime.date(2026, 11, 26),
    }
    return Installment.objects.create(supplier_order=order, **{**values, **fields})


@pytest.fixture
def pumps():
    order = SupplierOrderFactory(
        deal=DealInRealizationFactory(realization_number="R-2026-00042"),
        number="R-2026-00042/SO-1",
        supplier=SupplierFactory(name="ООО «Насосы Урала»"),
        amount=Decimal("1200000.00"),
    )
    return installment(
        order,
        position=2,
        share=Decimal("70.00"),
        amount=Decimal("840000.00"),
        paid_amount=Decimal("100000.50"),
        provisional=True,
        due_date=datetime.date(2026, 11, 20),
        reminder_date=datetime.date(2026, 11, 17),
    )


@pytest.fixture
def valves():
    order = SupplierOrderFactory(
        deal=DealInRealizationFactory(realization_number="R-2026-00043"),
        number="R-2026-00043/SO-1",
        supplier=SupplierFactory(name="АО «Арматура»"),
        amount=Decimal("55000.00"),
        currency="EUR",
    )
    return installment(
        order, due_date=datetime.date(2027, 1, 15), reminder_date=datetime.date(2027, 1, 12)
    )


def csv_rows(response) -> list[list[str]]:
    assert response.content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def xlsx_sheet(response):
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def test_csv_export_opens_in_russian_excel_with_cyrillic_amounts_and_dates(
    client_of, accountant, pumps, valves
):
    response = client_of(accountant).get(URL, {"format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="payments-2026-11-28.csv"' in response["Content-Disposition"]
    header, *rows = csv_rows(response)
    assert header == [
        "Supplier order",
        "Realization number",
        "Supplier",
        "Installment no.",
        "Share, %",
        "Amount",
        "Paid",
        "Outstanding",
        "Currency",
        "Due date",
        "Provisional",
        "Status",
        "Reminder date",
    ]
    assert rows == [
        [
            "R-2026-00042/SO-1",
            "R-2026-00042",
            "ООО «Насосы Урала»",
            "2",
            "70,00",
            "840000,00",
            "100000,50",
            "739999,50",
            "RUB",
            "2026-11-20",
            "yes",
            "Overdue",
            "2026-11-17",
        ],
        [
            "R-2026-00043/SO-1",
            "R-2026-00043",
            "АО «Арматура»",
            "1",
            "100,00",
            "55000,00",
            "0,00",
            "55000,00",
            "EUR",
            "2027-01-15",
            "no",
            "Planned",
            "2027-01-12",
        ],
    ]
    # Excel with Russian settings reads these as numbers: no dot, no grouping.
    for row in rows:
        for amount in row[4:8]:
            assert "." not in amount
            assert Decimal(amount.replace(",", ".")) >= 0


def test_csv_is_the_default_format(client_of, accountant, pumps):
    response = client_of(accountant).get(URL)

    assert response.status_code == 200
    assert csv_rows(response)[1][0] == "R-2026-00042/SO-1"


def test_xlsx_export_has_real_numbers_and_dates_under_a_bold_frozen_header(
    client_of, accountant, pumps
):
    response = client_of(accountant).get(URL, {"format": "xlsx"})

    assert response.status_code == 200
    assert 'filename="payments-2026-11-28.xlsx"' in response["Content-Disposition"]
    sheet = xlsx_sheet(response)
    assert sheet.freeze_panes == "A2"
    assert [cell.value for cell in sheet[1]][:3] == [
        "Supplier order",
        "Realization number",
        "Supplier",
    ]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.column_dimensions["C"].width >= 30
    (
        order,
        number,
        supplier,
        position,
        share,
        amount,
        paid,
        outstanding,
        currency,
        due,
        provisional,
        status,
        reminder,
    ) = sheet[2]
    assert (order.value, number.value, supplier.value) == (
        "R-2026-00042/SO-1",
        "R-2026-00042",
        "ООО «Насосы Урала»",
    )
    for cell, expected in [
        (position, 2),
        (share, Decimal("70.00")),
        (amount, Decimal("840000.00")),
        (paid, Decimal("100000.50")),
        (outstanding, Decimal("739999.50")),
    ]:
        assert cell.data_type == "n"
        assert Decimal(str(cell.value)) == expected
    assert amount.number_format == "#,##0.00"
    for cell, expected in [
        (due, datetime.date(2026, 11, 20)),
        (reminder, datetime.date(2026, 11, 17)),
    ]:
        assert cell.is_date
        assert cell.value.date() == expected
    assert (currency.value, provisional.value, status.value) == ("RUB", "yes", "Overdue")


def test_export_keeps_only_the_rows_the_queue_filters_select(client_of, accountant, pumps, valves):
    client = client_of(accountant)
    supplier_id = valves.supplier_order.supplier_id

    by_supplier = csv_rows(client.get(URL, {"supplier": supplier_id}))[1:]
    by_currency = xlsx_sheet(client.get(URL, {"format": "xlsx", "currency": "RUB"}))
    overdue = csv_rows(client.get(URL, {"status": "overdue"}))[1:]

    assert [row[2] for row in by_supplier] == ["АО «Арматура»"]
    assert [row[0].value for row in by_currency.iter_rows(min_row=2)] == ["R-2026-00042/SO-1"]
    assert [row[0] for row in overdue] == ["R-2026-00042/SO-1"]


def test_paid_installments_are_exported_only_when_asked_for(client_of, accountant, pumps, valves):
    Installment.objects.filter(pk=valves.pk).update(
        state=Installment.State.PAID, paid_amount=valves.amount
    )
    client = client_of(accountant)

    unpaid = csv_rows(client.get(URL))[1:]
    paid = csv_rows(client.get(URL, {"status": "paid"}))[1:]

    assert [row[0] for row in unpaid] == ["R-2026-00042/SO-1"]
    assert [(row[0], row[11]) for row in paid] == [("R-2026-00043/SO-1", "Paid")]


def test_export_holds_every_row_beyond_the_page_limit_in_a_fixed_number_of_queries(
    client_of, accountant, pumps, django_assert_max_num_queries
):
    order = pumps.supplier_order
    Installment.objects.bulk_create(
        Installment(
            supplier_order=order,
            position=n,
            share=Decimal("0.40"),
            amount=Decimal("4800.00"),
            currency="RUB",
            base_event="delivery",
            due_date=datetime.date(2027, 2, 1),
            reminder_date=datetime.date(2027, 1, 27),
        )
        for n in range(3, 253)
    )
    client = client_of(accountant)

    with django_assert_max_num_queries(4):
        response = client.get(URL, {"format": "xlsx"})

    assert xlsx_sheet(response).max_row == 1 + 251


def test_a_supplier_name_that_looks_like_a_formula_stays_text(client_of, accountant):
    order = SupplierOrderFactory(supplier=SupplierFactory(name='=HYPERLINK("http://evil","x")'))
    installment(order)
    client = client_of(accountant)

    csv_supplier = csv_rows(client.get(URL))[1][2]
    xlsx_supplier = xlsx_sheet(client.get(URL, {"format": "xlsx"}))["C2"]

    assert csv_supplier == '\'=HYPERLINK("http://evil","x")'
    assert xlsx_supplier.data_type == "s"
    assert xlsx_supplier.value == '=HYPERLINK("http://evil","x")'


def test_a_sales_manager_cannot_export_payments(client_of, manager, pumps):
    response = client_of(manager).get(URL, {"format": "xlsx"})

    assert response.status_code == 403


def test_an_unknown_format_is_refused(client_of, accountant):
    response = client_of(accountant).get(URL, {"format": "pdf"})

    assert response.status_code == 400
