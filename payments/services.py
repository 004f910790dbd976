"""Every write of payment control: terms chosen, schedules kept in step, payments recorded.

A supplier order's installments follow its term, its amount and its dates: whenever one
of those changes, ``schedule_sync`` recomputes them inside the same transaction and
records each changed value with the reason. A paid installment never changes. The
hand-over process hears of moved due dates and cancellations through this app's
signals and moves or cancels its reminders.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fulfilment.calendar import WorkingCalendar
from fulfilment.roles import Can, can
from orders.models import Contract, Counterparty, Deal, SupplierOrder
from payments import schedule
from payments.models import (
    Installment,
    InstallmentChange,
    Payment,
    PaymentTerm,
    TermAssignment,
    reference_key,
)
from payments.signals import installment_paid, installments_cancelled, installments_rescheduled


def term_for(order: SupplierOrder) -> PaymentTerm | None:
    """The order's own term, else its contract's, else its supplier's default (one query)."""
    targets = Q(supplier_order_id=order.pk) | Q(supplier_id=order.supplier_id)
    if order.contract_id:
        targets |= Q(contract_id=order.contract_id)
    found = {}
    for assignment in TermAssignment.objects.select_related("term").filter(targets):
        if assignment.supplier_order_id:
            found["order"] = assignment.term
        elif assignment.contract_id:
            found["contract"] = assignment.term
        else:
            found["supplier"] = assignment.term
    return found.get("order") or found.get("contract") or found.get("supplier")


# A closed or cancelled order keeps the schedule it was paid by: no term change reaches it.
SCHEDULE_KEPT_STAGES = (SupplierOrder.Stage.CLOSED, SupplierOrder.Stage.CANCELLED)


def term_change_refusal(order: SupplierOrder | None) -> str | None:
    """Why this order's own term cannot be chosen, changed or removed, or None."""
    if order is not None and order.stage in SCHEDULE_KEPT_STAGES:
        return _("A closed or cancelled order keeps its schedule.")
    return None


def _refuse_term_change(*orders: SupplierOrder | None) -> None:
    for order in orders:
        refusal = term_change_refusal(order)
        if refusal:
            raise ValidationError(refusal)


def _orders_following(
    *,
    supplier_order: SupplierOrder | None = None,
    contract: Contract | None = None,
    supplier: Counterparty | None = None,
) -> list[SupplierOrder]:
    """The orders whose schedule follows an assignment to this order, contract or supplier."""
    if supplier_order is not None:
        return [] if supplier_order.stage in SCHEDULE_KEPT_STAGES else [supplier_order]
    # Only orders still running on deals in realization follow a new default:
    # closed and cancelled ones keep the schedule they were paid by.
    related = contract.supplier_orders if contract is not None else supplier.supplier_orders
    return list(
        related.filter(
            stage__in=[*SupplierOrder.ACTIVE_STAGES, SupplierOrder.Stage.DELIVERED],
            deal__stage=Deal.Stage.REALIZATION,
        ).order_by("pk")
    )


def _target_of(assignment: TermAssignment) -> dict:
    target = {
        "supplier_order": assignment.supplier_order,
        "contract": assignment.contract,
        "supplier": assignment.supplier,
    }
    return {name: value for name, value in target.items() if value is not None}


def _schedules_follow(orders: list[SupplierOrder], actor) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("payment term changed")
    for order in orders:
        schedule_sync(order=order, actor=actor, reason=reason)


def term_assign(
    *,
    term: PaymentTerm | None,
    actor,
    supplier_order: SupplierOrder | None = None,
    contract: Contract | None = None,
    supplier: Counterparty | None = None,
) -> TermAssignment | None:
    """Attach a term (or none) to an order, a contract or a supplier; schedules follow."""
    if not can(actor, Can.CHOOSE_PAYMENT_TERMS):
        raise PermissionDenied(_("Your role does not include this work."))
    target = {"supplier_order": supplier_order, "contract": contract, "supplier": supplier}
    target = {name: value for name, value in target.items() if value is not None}
    if len(target) != 1:
        raise ValueError("Assign a term to exactly one of an order, a contract or a supplier.")
    _refuse_term_change(supplier_order)
    with transaction.atomic():
        assignment = None
        if term is None:
            TermAssignment.objects.filter(**target).delete()
        else:
            assignment, _created = TermAssignment.objects.update_or_create(
                **target, defaults={"term": term}
            )
        _schedules_follow(_orders_following(**target), actor)
    return assignment


def term_assignment_save(*, assignment: TermAssignment, actor) -> TermAssignment:
    """Save an assignment edited as a whole (the admin): a new one, another term, or
    another target; the orders of the old and the new target follow."""
    if not can(actor, Can.CHOOSE_PAYMENT_TERMS):
        raise PermissionDenied(_("Your role does not include this work."))
    target = _target_of(assignment)
    if len(target) != 1:
        raise ValidationError(
            _("Choose exactly one of a supplier order, a contract or a supplier.")
        )
    with transaction.atomic():
        previous = (
            TermAssignment.objects.select_for_update(of=("self",))
            .select_related("supplier_order", "contract", "supplier")
            .filter(pk=assignment.pk)
            .first()
            if assignment.pk
            else None
        )
        _refuse_term_change(
            assignment.supplier_order, previous.supplier_order if previous else None
        )
        assignment.save()
        orders = _orders_following(**target)
        if previous is not None and _target_of(previous) != target:
            known = {order.pk for order in orders}
            orders += [o for o in _orders_following(**_target_of(previous)) if o.pk not in known]
        _schedules_follow(orders, actor)
    return assignment


def term_assignment_delete(*, assignment: TermAssignment, actor) -> None:
    """Remove an assignment; its orders fall back to the contract's or supplier's term."""
    if not can(actor, Can.CHOOSE_PAYMENT_TERMS):
        raise PermissionDenied(_("Your role does not include this work."))
    _refuse_term_change(assignment.supplier_order)
    with transaction.atomic():
        target = _target_of(assignment)
        assignment.delete()
        _schedules_follow(_orders_following(**target), actor)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _settle(
    total: Decimal, planned: list, existing: dict[int, Installment], covered: Decimal
) -> dict[int, Decimal]:
    """Each line's amount: its share of what the order still needs, except that money
    already paid stays where it was paid.

    ``covered`` is what installments outside the term's lines have already taken (paid
    under an earlier term); only the rest of the order is shared among the lines. A paid
    installment keeps its amount; an open one already paid up to (or beyond) its new share
    is closed at what was paid. Refused if more was paid than the order is now.
    """
    fixed: dict[int, Decimal] = {}
    while True:
        free = [p for p in planned if p.line.pk not in fixed]
        rest = total - covered - sum(fixed.values(), Decimal("0.00"))
        if rest < 0:
            paid = covered + sum((i.paid_amount for i in existing.values()), Decimal("0.00"))
            raise ValidationError(
                {
                    "amount": [
                        _(
                            "%(paid)s has already been paid on this order: the amount cannot be less."
                        )
                        % {"paid": paid}
                    ]
                }
            )
        parts = schedule.split_amount(rest, [p.share for p in free]) if free else []
        closed = False
        for plan, amount in zip(free, parts, strict=True):
            installment = existing.get(plan.line.pk)
            if installment and (
                installment.state == Installment.State.PAID or installment.paid_amount >= amount > 0
            ):
                fixed[plan.line.pk] = (
                    installment.amount
                    if installment.state == Installment.State.PAID
                    else installment.paid_amount
                )
                closed = True
        if not closed:
            return {
                **fixed,
                **{plan.line.pk: amount for plan, amount in zip(free, parts, strict=True)},
            }


def schedule_sync(*, order: SupplierOrder, actor, reason: str) -> list[Installment]:
    """Bring the order's installments in line with its term, amount and dates."""
    with transaction.atomic():
        # The lock order of every writer: the supplier order, then its installments.
        order = (
            SupplierOrder.objects.select_for_update(of=("self",))
            .select_related("contract")
            .get(pk=order.pk)
        )
        current = list(
            Installment.objects.select_for_update()
            .filter(supplier_order=order)
            .order_by("position", "pk")
        )
        live = [i for i in current if i.state != Installment.State.CANCELLED]
        if order.stage == SupplierOrder.Stage.CANCELLED:
            # Money already paid on a cancelled order stays visible: a partly paid
            # installment is settled at what was paid (and shows as paid), never
            # cancelled; only untouched installments are cancelled.
            unpaid = [i for i in live if i.state == Installment.State.OPEN]
            with translation.override(settings.LANGUAGE_CODE):
                cancelled = _("the order was cancelled")
            _cancel([i for i in unpaid if i.paid_amount == 0], actor, cancelled)
            with translation.override(settings.LANGUAGE_CODE):
                settled = _("order cancelled; settled at the amount paid")
            _settle_at_paid([i for i in unpaid if i.paid_amount > 0], actor, settled)
            return current
        term = term_for(order)
        lines = list(term.installments.order_by("position", "pk")) if term else []
        planned = schedule.plan(order, lines, WorkingCalendar()) if lines else []
        wanted = {p.line.pk for p in planned}
        by_line = {i.term_installment_id: i for i in live if i.term_installment_id in wanted}
        # Installments of lines the term no longer has (the term changed): money paid on
        # them stays paid, a partly paid one is settled at what was paid, an untouched one
        # is cancelled; the term's lines share only what the order still needs.
        outside = [i for i in live if i.term_installment_id not in wanted]
        _cancel(
            [i for i in outside if i.state == Installment.State.OPEN and i.paid_amount == 0],
            actor,
            reason,
        )
        with translation.override(settings.LANGUAGE_CODE):
            settled = _("%(reason)s; settled at the amount paid") % {"reason": reason}
        _settle_at_paid(
            [i for i in outside if i.state == Installment.State.OPEN and i.paid_amount > 0],
            actor,
            settled,
        )
        kept = [i for i in outside if i.state == Installment.State.PAID]
        covered = sum((i.amount for i in kept), Decimal("0.00"))
        amounts = _settle(order.amount, planned, by_line, covered)
        with translation.override(settings.LANGUAGE_CODE):
            less_paid = _("%(reason)s; %(paid)s already paid") % {
                "reason": reason,
                "paid": covered,
            }

        changes, moved, paid, result = [], [], [], list(kept)
        for plan in planned:
            amount = amounts[plan.line.pk]
            installment = by_line.get(plan.line.pk)
            if installment is None:
                if covered and not amount:
                    continue  # what was paid under the earlier term covers the order
                installment = Installment.objects.create(
                    supplier_order=order,
                    term_installment=plan.line,
                    position=len(kept) + plan.position,
                    share=plan.share,
                    amount=amount,
                    currency=order.currency,
                    base_event=plan.line.base_event,
                    base_date=plan.base_date,
                    provisional=plan.provisional,
                    due_date=plan.due_date,
                    reminder_date=plan.reminder_date,
                )
                if covered:
                    # Less than the line's share of the order: say why.
                    changes.append(
                        InstallmentChange(
                            installment=installment,
                            field="amount",
                            old_value="",
                            new_value=_text(amount),
                            reason=less_paid[:200],
                            actor=actor,
                        )
                    )
                result.append(installment)
                continue
            if installment.state == Installment.State.PAID:
                result.append(installment)  # a paid installment is never changed
                continue
            new = {
                "position": len(kept) + plan.position,
                "share": plan.share,
                "base_event": plan.line.base_event,
                "amount": amount,
                "currency": order.currency,
                "base_date": plan.base_date,
                "provisional": plan.provisional,
                "due_date": plan.due_date,
                "reminder_date": plan.reminder_date,
            }
            if installment.paid_amount >= amount:
                new["state"] = Installment.State.PAID
            old_due = installment.due_date
            changed = [
                field for field, value in new.items() if getattr(installment, field) != value
            ]
            if not changed:
                result.append(installment)
                continue
            for field in changed:
                changes.append(
                    InstallmentChange(
                        installment=installment,
                        field=field,
                        old_value=_text(getattr(installment, field)),
                        new_value=_text(new[field]),
                        reason=reason[:200],
                        actor=actor,
                    )
                )
                setattr(installment, field, new[field])
            installment.save()
            if installment.state == Installment.State.PAID:
                paid.append(installment)
            elif installment.due_date != old_due or "amount" in changed:
                # A new amount changes the reminder's title even when the date stays.
                moved.append((installment, old_due))
            result.append(installment)
        InstallmentChange.objects.bulk_create(changes)
        if moved:
            installments_rescheduled.send(
                sender=Installment, moved=moved, actor=actor, reason=reason
            )
        for installment in paid:
            installment_paid.send(sender=Installment, installment=installment, actor=actor)
    return result


def _cancel(installments: list[Installment], actor, reason: str) -> None:
    if not installments:
        return
    for installment in installments:
        installment.state = Installment.State.CANCELLED
        installment.save(update_fields=["state", "updated_at"])
    InstallmentChange.objects.bulk_create(
        InstallmentChange(
            installment=installment,
            field="state",
            old_value=Installment.State.OPEN,
            new_value=Installment.State.CANCELLED,
            reason=reason[:200],
            actor=actor,
        )
        for installment in installments
    )
    installments_cancelled.send(
        sender=Installment, installments=installments, actor=actor, reason=reason
    )


def _duplicate_reference(reference: str) -> str:
    return _("Payment order %(reference)s is already recorded on this installment.") % {
        "reference": reference
    }


def _settle_at_paid(installments: list[Installment], actor, reason: str) -> None:
    """Close partly paid installments at the amount paid: nothing more is asked for them."""
    if not installments:
        return
    changes = []
    for installment in installments:
        for field, new in (
            ("amount", installment.paid_amount),
            ("state", Installment.State.PAID),
        ):
            changes.append(
                InstallmentChange(
                    installment=installment,
                    field=field,
                    old_value=_text(getattr(installment, field)),
                    new_value=_text(new),
                    reason=reason[:200],
                    actor=actor,
                )
            )
            setattr(installment, field, new)
        installment.save(update_fields=["amount", "state", "updated_at"])
    InstallmentChange.objects.bulk_create(changes)
    # Nothing is left to pay: their reminders and escalations are cancelled, not done.
    installments_cancelled.send(
        sender=Installment, installments=installments, actor=actor, reason=reason
    )


def payment_record(
    *, installment: Installment, amount: Decimal, paid_on: datetime.date, reference: str, actor
) -> Payment:
    """Record money paid against an installment; two accountants can never pay it twice."""
    if not can(actor, Can.RECORD_PAYMENTS):
        raise PermissionDenied(_("Your role does not include this work."))
    errors: dict[str, list[str]] = {}
    if amount is None or amount <= 0:
        errors["amount"] = [_("The amount must be more than zero.")]
    if paid_on > timezone.localdate():
        errors["paid_on"] = [_("The payment date cannot be in the future.")]
    if not reference.strip():
        errors["reference"] = [_("Enter the payment order number.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # Re-read under the row lock: a payment recorded a moment ago counts.
        locked = Installment.objects.select_for_update().get(pk=installment.pk)
        if locked.state != Installment.State.OPEN:
            raise ValidationError(
                {
                    "amount": [
                        _("This installment is %(state)s: nothing is left to pay.")
                        % {"state": locked.get_state_display()}
                    ]
                }
            )
        if Payment.objects.filter(
            installment=locked, reference_key=reference_key(reference)
        ).exists():
            raise ValidationError({"reference": [_duplicate_reference(reference.strip())]})
        if amount > locked.outstanding:
            raise ValidationError(
                {
                    "amount": [
                        _("Only %(left)s %(currency)s is outstanding.")
                        % {"left": locked.outstanding, "currency": locked.currency}
                    ]
                }
            )
        try:
            with transaction.atomic():
                payment = Payment.objects.create(
                    installment=locked,
                    amount=amount,
                    paid_on=paid_on,
                    reference=reference.strip(),
                    recorded_by=actor,
                )
        except IntegrityError:
            # The row lock makes this unreachable; the constraint is the backstop.
            raise ValidationError(
                {"reference": [_duplicate_reference(reference.strip())]}
            ) from None
        locked.paid_amount += amount
        fully_paid = locked.paid_amount == locked.amount
        if fully_paid:
            locked.state = Installment.State.PAID
        locked.save(update_fields=["paid_amount", "state", "updated_at"])
        with translation.override(settings.LANGUAGE_CODE):
            reason = _("payment %(reference)s of %(date)s") % {
                "reference": payment.reference,
                "date": paid_on.isoformat(),
            }
        InstallmentChange.objects.create(
            installment=locked,
            field="paid_amount",
            old_value=_text(locked.paid_amount - amount),
            new_value=_text(locked.paid_amount),
            reason=reason,
            actor=actor,
        )
        if fully_paid:
            installment_paid.send(sender=Installment, installment=locked, actor=actor)
    return payment
