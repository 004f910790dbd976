"""The payment request: what accounting needs to pay one installment, on paper."""

import datetime

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from fulfilment.templatetags.people import full_name
from orders.vat import vat_within
from payments import selectors
from payments.models import Installment

TEMPLATE = "documents/payment_request.html"


def _date(value: datetime.date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def _amount(value) -> str:
    return formats.number_format(value, 2, use_l10n=True, force_grouping=True)


def payment_purpose(installment: Installment) -> str:
    """«Оплата по счёту № 15 от 02.03.2026, заказ …, договор …, в т.ч. НДС 20 %: …»."""
    order = installment.supplier_order
    if order.invoice_number and order.invoice_date:
        parts = [
            _("Payment of invoice No. %(invoice)s of %(date)s")
            % {"invoice": order.invoice_number, "date": _date(order.invoice_date)}
        ]
    elif order.invoice_number:
        parts = [_("Payment of invoice No. %(invoice)s") % {"invoice": order.invoice_number}]
    else:
        parts = [_("Payment")]
    parts.append(_("order %(number)s") % {"number": order.number})
    if order.contract_id:
        parts.append(_("contract %(number)s") % {"number": order.contract.number})
    if order.vat_rate:
        parts.append(
            _("including VAT %(rate)s %%: %(vat)s %(currency)s")
            % {
                "rate": order.vat_rate,
                "vat": _amount(vat_within(installment.outstanding, order.vat_rate)),
                "currency": installment.currency,
            }
        )
    else:
        parts.append(_("VAT 0 %"))
    return ", ".join(parts)


def payment_request_context(
    installment: Installment, *, requested_by=None, today: datetime.date | None = None
) -> dict:
    """Everything the payment request shows; call it in the language of the document.

    ``installment`` comes with its order's deal, supplier and contract joined.
    """
    order = installment.supplier_order
    number = str(installment)
    return {
        "installment": installment,
        "order": order,
        "deal": order.deal,
        "supplier": order.supplier,
        "contract": order.contract,
        "pack": selectors.payment_packs([installment])[installment.pk],
        "purpose": payment_purpose(installment),
        "status": installment.get_status_display(today),
        "requested_on": today or timezone.localdate(),
        "requested_by": full_name(requested_by),
        "realization_number": order.deal.realization_number or "",
        "number": number,
        "title": number,
        "company_name": settings.COMPANY_NAME,
        "city": settings.COMPANY_CITY,
        "LANGUAGE_CODE": settings.LANGUAGE_CODE,
    }


def payment_request_filename(installment: Installment) -> str:
    number = installment.supplier_order.number.replace("/", "_")
    return f"{number}_payment_request_{installment.position}.pdf"
