"""Schedules follow the orders: payments listens to what the orders app announces."""

from django.conf import settings
from django.dispatch import receiver
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from orders.models import Contract, SupplierOrder
from orders.signals import stage_entered, supplier_order_changed
from payments.services import schedule_sync

# The fields a schedule depends on, and how a change of each is explained.
_FIELD_REASONS = {
    "amount": _("order amount changed"),
    "currency": _("order currency changed"),
    "contract": _("contract changed"),
    "supplier": _("supplier changed"),
    "order_date": _("order date changed"),
    "planned_delivery_date": _("planned delivery date changed"),
    "shipment_date": _("shipment date corrected"),
    "actual_delivery_date": _("actual delivery date corrected"),
    "invoice_date": _("supplier invoice date entered"),
}


@receiver(supplier_order_changed, dispatch_uid="payments-order-changed")
def order_changed(sender, order, changed, actor=None, created=False, **kwargs) -> None:
    relevant = [field for field in changed if field in _FIELD_REASONS]
    if not created and not relevant:
        return  # notes, the buyer, the invoice number: nothing the schedule depends on
    # Reasons are kept with the changes, in the company's language.
    with translation.override(settings.LANGUAGE_CODE):
        if created:
            reason = str(_("order created"))
        else:
            reason = ", ".join(str(_FIELD_REASONS[field]) for field in relevant)
    schedule_sync(order=order, actor=actor, reason=reason)


_STEP_REASONS = {
    SupplierOrder.Stage.ORDERED: _("order placed"),
    SupplierOrder.Stage.SHIPPED: _("shipment date entered"),
    SupplierOrder.Stage.DELIVERED: _("actual delivery date entered"),
    SupplierOrder.Stage.CANCELLED: _("the order was cancelled"),
}


@receiver(stage_entered, dispatch_uid="payments-stage-entered")
def stage_changed(sender, changes, actor=None, **kwargs) -> None:
    if sender is SupplierOrder:
        for change in changes:
            if change.target in _STEP_REASONS:
                with translation.override(settings.LANGUAGE_CODE):
                    reason = str(_STEP_REASONS[change.target])
                schedule_sync(order=change.record, actor=actor, reason=reason)
    elif sender is Contract:
        for change in changes:
            if change.target == Contract.Stage.SIGNED:
                with translation.override(settings.LANGUAGE_CODE):
                    reason = str(_("contract signed"))
                for order in change.record.supplier_orders.all():
                    schedule_sync(order=order, actor=actor, reason=reason)
