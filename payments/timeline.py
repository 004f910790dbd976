"""What payment control adds to a deal's timeline: payments recorded and due dates moved.

Only to those whose role lets them see payments, as the deal card's payments panel.
"""

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from fulfilment.roles import Can, can
from orders.timeline import PER_SOURCE, TimelineEntry, register_timeline_source
from payments.models import InstallmentChange, Payment


def payments_made(deal, *, user) -> list[TimelineEntry]:
    if not can(user, Can.VIEW_PAYMENTS):
        return []
    payments = (
        Payment.objects.filter(installment__supplier_order__deal=deal)
        .select_related("installment__supplier_order", "recorded_by")
        .order_by("-created_at", "-pk")[:PER_SOURCE]
    )
    return [
        TimelineEntry(
            payment.created_at,
            "payment",
            _("Payment recorded: %(amount)s %(currency)s for %(installment)s, № %(reference)s")
            % {
                "amount": number_format(payment.amount, 2, force_grouping=True),
                "currency": payment.installment.currency,
                "installment": payment.installment,
                "reference": payment.reference,
            },
            payment.recorded_by,
            payment.installment.get_absolute_url(),
        )
        for payment in payments
    ]


def due_dates_moved(deal, *, user) -> list[TimelineEntry]:
    if not can(user, Can.VIEW_PAYMENTS):
        return []
    changes = (
        InstallmentChange.objects.filter(installment__supplier_order__deal=deal, field="due_date")
        .select_related("installment__supplier_order", "actor")
        .order_by("-created_at", "-pk")[:PER_SOURCE]
    )
    return [
        TimelineEntry(
            change.created_at,
            "payment",
            _("Due date of %(installment)s: %(old)s → %(new)s")
            % {
                "installment": change.installment,
                "old": change.old_display,
                "new": change.new_display,
            },
            change.actor,
            change.installment.get_absolute_url(),
            change.reason,
        )
        for change in changes
    ]


def register_sources() -> None:
    register_timeline_source("payments", payments_made)
    register_timeline_source("due_dates", due_dates_moved)
