"""The payment queue as a file for Excel: rows in, CSV or XLSX bytes out.

Headers and labels come out in the active language; amounts stay Decimal so that no
kopeck is lost on the way to the spreadsheet.
"""

import csv
import datetime
import io
from collections.abc import Iterable
from dataclasses import astuple, dataclass
from decimal import Decimal

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from payments.models import Installment


@dataclass(frozen=True)
class ExportRow:
    order_number: str
    realization_number: str
    supplier: str
    position: int
    share: Decimal
    amount: Decimal
    paid: Decimal
    outstanding: Decimal
    currency: str
    due_date: datetime.date | None
    provisional: str
    status: str
    reminder_date: datetime.date | None


def headers() -> list[str]:
    return [
        _("Supplier order"),
        _("Realization number"),
        _("Supplier"),
        _("Installment no."),
        _("Share, %"),
        _("Amount"),
        _("Paid"),
        _("Outstanding"),
        _("Currency"),
        _("Due date"),
        _("Provisional"),
        _("Status"),
        _("Reminder date"),
    ]


# Column widths in characters, in the order of ``headers``.
WIDTHS = (24, 16, 36, 11, 10, 16, 16, 16, 9, 12, 12, 16, 14)
MONEY_FORMAT = "#,##0.00"
SHARE_FORMAT = "0.00"
DATE_FORMAT = "dd.mm.yyyy"


def export_rows(installments: Iterable[Installment], *, today: datetime.date) -> list[ExportRow]:
    """One row per installment; reads only what ``queue_installments`` has joined."""
    yes, no = _("yes"), _("no")
    rows = []
    for installment in installments:
        order = installment.supplier_order
        rows.append(
            ExportRow(
                order_number=order.number,
                realization_number=order.deal.realization_number or "",
                supplier=order.supplier.name,
                position=installment.position,
                share=installment.share,
                amount=installment.amount,
                paid=installment.paid_amount,
                outstanding=installment.outstanding,
                currency=installment.currency,
                due_date=installment.due_date,
                provisional=yes if installment.provisional else no,
                status=str(capfirst(installment.get_status_display(today))),
                reminder_date=installment.reminder_date,
            )
        )
    return rows


# A cell that starts with one of these is a formula to a spreadsheet; a supplier's name
# typed by a person must never run as one (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_value(value) -> str:
    """A cell as text a spreadsheet reads as data: decimals with a decimal comma (no
    grouping), ISO dates, and text that could start a formula made literal."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        # Excel with Russian settings reads "1234,50" as a number and "1234.50" as text.
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def rows_to_csv(rows: Iterable[ExportRow]) -> bytes:
    """UTF-8 with a BOM and semicolons, as Excel with Russian settings opens it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(headers())
    for row in rows:
        writer.writerow([csv_value(value) for value in astuple(row)])
    return buffer.getvalue().encode("utf-8-sig")


def rows_to_xlsx(rows: Iterable[ExportRow]) -> bytes:
    """A sheet with a bold, frozen header; numbers as numbers and dates as dates."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Payments")[:31]
    sheet.append(headers())
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
    formats = {
        "share": SHARE_FORMAT,
        "amount": MONEY_FORMAT,
        "paid": MONEY_FORMAT,
        "outstanding": MONEY_FORMAT,
        "due_date": DATE_FORMAT,
        "reminder_date": DATE_FORMAT,
    }
    names = list(ExportRow.__dataclass_fields__)
    for row_number, row in enumerate(rows, start=2):
        for column, (name, value) in enumerate(zip(names, astuple(row), strict=True), start=1):
            cell = sheet.cell(row=row_number, column=column, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text, even if it starts with "=" (no formulas)
            elif name in formats and value is not None:
                cell.number_format = formats[name]
    for column, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
