"""Every write to supplier orders: creating, editing, moving through stages with their dates."""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from fulfilment.roles import Can
from numbering.services import child_number_issue
from orders.models import Attachment, Deal, SpecificationLine, SupplierOrder
from orders.permissions import record_refusals
from orders.services.attachments import attachment_prepare, attachment_saving
from orders.services.deals import deal_lock_for_records
from orders.services.history import record_stage_changes
from orders.signals import stage_entered, supplier_order_changed
from orders.workflow import TransitionConflict, TransitionRefused, transition_by_name, unmet_reasons

FIELDS = (
    "supplier",
    "contract",
    "order_date",
    "planned_delivery_date",
    "shipment_date",
    "actual_delivery_date",
    "amount",
    "currency",
    "vat_rate",
    "invoice_number",
    "invoice_date",
    "notes",
    "buyer",
)
# Dates a person may set only through the step that records the event.
EVENT_DATES = ("shipment_date", "actual_delivery_date")
# The dates each stage has recorded by the steps that led to it.
_ORDERED = ("order_date",)
RECORDED_DATES = {
    SupplierOrder.Stage.ORDERED: _ORDERED,
    SupplierOrder.Stage.CONFIRMED: _ORDERED,
    SupplierOrder.Stage.SHIPPED: (*_ORDERED, "shipment_date"),
    SupplierOrder.Stage.DELIVERED: (*_ORDERED, "actual_delivery_date"),
}
# The furthest a planned date may lie ahead; anything later is a typo.
PLANNING_HORIZON = datetime.timedelta(days=3 * 366)


def _label(order: SupplierOrder, field: str) -> str:
    return str(order._meta.get_field(field).verbose_name)


def date_problems(order: SupplierOrder, today: datetime.date | None = None) -> dict[str, list[str]]:
    """Dates that make no sense together, by field, each message naming the dates."""
    today = today or timezone.localdate()
    problems: dict[str, list[str]] = {}

    def refuse(field: str, message: str, **params) -> None:
        params = {
            name: date_format(value) if isinstance(value, datetime.date) else value
            for name, value in params.items()
        }
        problems.setdefault(field, []).append(
            message % {"field": _label(order, field).capitalize(), **params}
        )

    for field in ("order_date", "shipment_date", "actual_delivery_date", "invoice_date"):
        value = getattr(order, field)
        if value and value > today:
            refuse(field, _("%(field)s (%(date)s) cannot be in the future."), date=value)
    if order.planned_delivery_date and order.planned_delivery_date > today + PLANNING_HORIZON:
        refuse(
            "planned_delivery_date",
            _("%(field)s (%(date)s) is more than three years ahead: please check the year."),
            date=order.planned_delivery_date,
        )
    for field in ("planned_delivery_date", "shipment_date", "actual_delivery_date"):
        value = getattr(order, field)
        if value and order.order_date and value < order.order_date:
            refuse(
                field,
                _("%(field)s (%(date)s) is before the order date (%(order)s)."),
                date=value,
                order=order.order_date,
            )
    if (
        order.actual_delivery_date
        and order.shipment_date
        and order.actual_delivery_date < order.shipment_date
    ):
        refuse(
            "actual_delivery_date",
            _("%(field)s (%(date)s) is before the shipment date (%(shipped)s)."),
            date=order.actual_delivery_date,
            shipped=order.shipment_date,
        )
    return problems


def _validate(order: SupplierOrder, lines) -> None:
    errors = date_problems(order)
    if order.contract_id and order.contract.deal_id != order.deal_id:
        errors.setdefault("contract", []).append(_("The contract belongs to another deal."))
    foreign = [line for line in lines or () if line.specification.contract.deal_id != order.deal_id]
    if foreign:
        errors.setdefault("specification_lines", []).append(
            _("These lines belong to another deal's specification.")
        )
    try:
        order.full_clean(exclude=["stage", "number", "specification_lines"])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _lock(order: SupplierOrder) -> SupplierOrder:
    return (
        SupplierOrder.objects.select_for_update(of=("self",))
        .select_related("deal")
        .get(pk=order.pk)
    )


def _refuse_closed(order: SupplierOrder) -> None:
    if order.stage in (SupplierOrder.Stage.CLOSED, SupplierOrder.Stage.CANCELLED):
        raise PermissionDenied(
            _("Supplier order %(number)s is %(stage)s: no files can be added to it.")
            % {"number": order.number, "stage": order.get_stage_display().lower()}
        )


def supplier_order_attachment_add(
    *, order: SupplierOrder, upload: UploadedFile, actor, category: str
) -> Attachment:
    """A file on an order still in progress (supplier invoice, shipping documents)."""
    refusals = record_refusals(actor, order.deal, Can.MANAGE_SUPPLIER_ORDERS)
    if refusals:
        raise PermissionDenied(refusals[0])
    _refuse_closed(order)
    prepared = attachment_prepare(deal=order.deal, upload=upload, actor=actor, category=category)
    with attachment_saving(prepared):
        # Checked again under the lock: the order may have been closed meanwhile.
        locked = _lock(order)
        refusals = record_refusals(actor, locked.deal, Can.MANAGE_SUPPLIER_ORDERS)
        if refusals:
            raise PermissionDenied(refusals[0])
        _refuse_closed(locked)
        prepared.record = locked
        prepared.save()
    return prepared


def supplier_order_create(
    *, deal: Deal, actor, data: dict[str, Any], lines: list[SpecificationLine] | None = None
) -> SupplierOrder:
    refusals = record_refusals(actor, deal, Can.MANAGE_SUPPLIER_ORDERS)
    if refusals:
        raise PermissionDenied(refusals[0])
    order = SupplierOrder(deal=deal, created_by=actor, buyer=data.get("buyer") or actor)
    for name in FIELDS:
        if name in data and name not in EVENT_DATES and name != "buyer":
            setattr(order, name, data[name])
    with transaction.atomic():
        # The deal is locked first, then the number counter: the deal cannot leave
        # Realization between the check and the new order.
        order.deal = deal_lock_for_records(
            deal=deal, actor=actor, capability=Can.MANAGE_SUPPLIER_ORDERS
        )
        _validate(order, lines)
        order.number = child_number_issue(parent=order.deal.realization_number, kind="SO")
        order.stage_changed_at = timezone.now()
        order.save()
        if lines:
            order.specification_lines.set(lines)
        changes = record_stage_changes(
            [(order, "", order.stage)], deal_of=lambda o: o.deal, actor=actor, comment=_("Created")
        )
        stage_entered.send(sender=SupplierOrder, changes=changes, actor=actor)
        supplier_order_changed.send(
            sender=SupplierOrder, order=order, changed=list(FIELDS), actor=actor, created=True
        )
    return order


def supplier_order_update(
    *,
    order: SupplierOrder,
    actor,
    data: dict[str, Any],
    lines: list[SpecificationLine] | None = None,
) -> SupplierOrder:
    """Correct an order's terms and dates; every changed field is announced for payments."""
    with transaction.atomic():
        locked = _lock(order)
        refusals = record_refusals(actor, locked.deal, Can.MANAGE_SUPPLIER_ORDERS)
        if not refusals and locked.stage in (
            SupplierOrder.Stage.CLOSED,
            SupplierOrder.Stage.CANCELLED,
        ):
            refusals = [_("A closed or cancelled order is read-only.")]
        if refusals:
            raise PermissionDenied(refusals[0])
        before = {name: getattr(locked, name) for name in FIELDS}
        for name in FIELDS:
            if name in data:
                setattr(locked, name, data[name])
        for name in RECORDED_DATES.get(locked.stage, ()):
            # A date recorded by a step can be corrected, not erased: the step happened.
            if before[name] is not None and getattr(locked, name) is None:
                field = _label(locked, name).capitalize()
                raise ValidationError(
                    {
                        name: _(
                            "%(field)s was recorded with its step: correct it, do not erase it."
                        )
                        % {"field": field}
                    }
                )
        for name in EVENT_DATES:
            # An event date can be corrected once the event happened, not set ahead of it.
            if before[name] is None and getattr(locked, name) is not None:
                raise ValidationError(
                    {
                        name: _("%(field)s is entered with its step.")
                        % {"field": _label(locked, name).capitalize()}
                    }
                )
        _validate(locked, lines)
        locked.save()
        if lines is not None:
            locked.specification_lines.set(lines)
        changed = [name for name in FIELDS if getattr(locked, name) != before[name]]
        if changed:
            supplier_order_changed.send(
                sender=SupplierOrder, order=locked, changed=changed, actor=actor, created=False
            )
    return locked


def supplier_order_transition(
    *,
    order: SupplierOrder,
    name: str,
    actor,
    dates: dict[str, datetime.date] | None = None,
    comment: str = "",
    expected_stage: str | None = None,
) -> SupplierOrder:
    """Take one step; a step that records an event takes its date (``dates``)."""
    dates = dates or {}
    with transaction.atomic():
        locked = _lock(order)
        if expected_stage is not None and locked.stage != expected_stage:
            raise TransitionConflict(
                _("This order is already “%(stage)s”: someone moved it a moment ago.")
                % {"stage": locked.get_stage_display()}
            )
        transition = transition_by_name(locked, "stage", name)
        if transition is None:
            raise TransitionRefused([_("There is no such step for a supplier order.")])
        refusals = record_refusals(actor, locked.deal, Can.MANAGE_SUPPLIER_ORDERS)
        if not refusals and not can_proceed(getattr(locked, name), check_conditions=False):
            refusals = [
                _("An order that is “%(stage)s” cannot take this step.")
                % {"stage": locked.get_stage_display()}
            ]
        if refusals:
            raise TransitionRefused(refusals)
        refusals = unmet_reasons(locked, transition)
        custom = transition.custom or {}
        for field in custom.get("dates", ()):
            value = dates.get(field)
            if value is None:
                refusals.append(_("Enter the %(field)s.") % {"field": _label(locked, field)})
            else:
                setattr(locked, field, value)
        if custom.get("comment_required") and not comment.strip():
            refusals.append(_("Say why in the comment."))
        if refusals:
            raise TransitionRefused(refusals)
        problems = date_problems(locked)
        if problems:
            raise TransitionRefused(
                [message for messages in problems.values() for message in messages]
            )
        source = locked.stage
        getattr(locked, name)()
        locked.stage_changed_at = timezone.now()
        locked.save()
        changes = record_stage_changes(
            [(locked, source, locked.stage)],
            deal_of=lambda o: o.deal,
            actor=actor,
            comment=comment.strip(),
        )
        # The dates a step records are announced with the stage it enters.
        stage_entered.send(sender=SupplierOrder, changes=changes, actor=actor)
    return locked
