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
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fulfilment.calendar import WorkingCalendar
from fulfilment.roles import Can, can
from orders.models import Contract, Counterparty, SupplierOrder
from payments import schedule
from payments.models import Installment, InstallmentChange, Payment, PaymentTerm, TermAssignment
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


def term_assign(
    *,
    term: PaymentTerm | None,
    actor,
    supplier_order: SupplierOrder | None = None,
    contract: Contract | None = None,
    supplier: Counterparty | None = None,
) -> None:
    """Attach a term (or none) to an order, a contract or a supplier; schedules follow."""
    if not can(actor, Can.CHOOSE_PAYMENT_TERMS):
        raise PermissionDenied(_("Your role does not include this work."))
    target = {"supplier_order": supplier_order, "contract": contract, "supplier": supplier}
    target = {name: value for name, value in target.items() if value is not None}
    if len(target) != 1:
        raise ValueError("Assign a term to exactly one of an order, a contract or a supplier.")
    with transaction.atomic():
        if term is None:
            TermAssignment.objects.filter(**target).delete()
        else:
            TermAssignment.objects.update_or_create(**target, defaults={"term": term})
        if supplier_order is not None:
            orders = [supplier_order]
        elif contract is not None:
            orders = list(contract.supplier_orders.all())
        else:
            orders = list(supplier.supplier_orders.all())
        with translation.override(settings.LANGUAGE_CODE):
            reason = _("payment term changed")
        for order in orders:
            schedule_sync(order=order, actor=actor, reason=reason)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def schedule_sync(*, order: SupplierOrder, actor, reason: str) -> list[Installment]:
    """Bring the order's installments in line with its term, amount and dates."""
    with transaction.atomic():
        current = list(
            Installment.objects.select_for_update()
            .filter(supplier_order=order)
            .order_by("position", "pk")
        )
        order = SupplierOrder.objects.select_related("contract").get(pk=order.pk)
        if order.stage == SupplierOrder.Stage.CANCELLED:
            _cancel(
                [i for i in current if i.state == Installment.State.OPEN],
                actor,
                _("the order was cancelled"),
            )
            return current
        term = term_for(order)
        lines = list(term.installments.order_by("position", "pk")) if term else []
        planned = schedule.plan(order, lines, WorkingCalendar()) if lines else []
        by_line = {
            i.term_installment_id: i for i in current if i.state != Installment.State.CANCELLED
        }
        wanted = {p.line.pk for p in planned}
        stale = [
            i
            for i in by_line.values()
            if i.term_installment_id not in wanted and i.state == Installment.State.OPEN
        ]
        _cancel(stale, actor, reason)

        changes, moved, result = [], [], []
        for plan in planned:
            installment = by_line.get(plan.line.pk)
            if installment is None:
                installment = Installment.objects.create(
                    supplier_order=order,
                    term_installment=plan.line,
                    position=plan.position,
                    share=plan.share,
                    amount=plan.amount,
                    currency=order.currency,
                    base_event=plan.line.base_event,
                    base_date=plan.base_date,
                    provisional=plan.provisional,
                    due_date=plan.due_date,
                    reminder_date=plan.reminder_date,
                )
                result.append(installment)
                continue
            if installment.state == Installment.State.PAID:
                result.append(installment)  # a paid installment is never changed
                continue
            new = {
                "amount": max(plan.amount, installment.paid_amount),
                "currency": order.currency,
                "base_date": plan.base_date,
                "provisional": plan.provisional,
                "due_date": plan.due_date,
                "reminder_date": plan.reminder_date,
            }
            old_due = installment.due_date
            for field, value in new.items():
                if getattr(installment, field) != value:
                    changes.append(
                        InstallmentChange(
                            installment=installment,
                            field=field,
                            old_value=_text(getattr(installment, field)),
                            new_value=_text(value),
                            reason=reason[:200],
                            actor=actor,
                        )
                    )
                    setattr(installment, field, value)
            installment.save()
            if installment.due_date != old_due:
                moved.append((installment, old_due))
            result.append(installment)
        InstallmentChange.objects.bulk_create(changes)
        if moved:
            installments_rescheduled.send(
                sender=Installment, moved=moved, actor=actor, reason=reason
            )
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
        if amount > locked.outstanding:
            raise ValidationError(
                {
                    "amount": [
                        _("Only %(left)s %(currency)s is outstanding.")
                        % {"left": locked.outstanding, "currency": locked.currency}
                    ]
                }
            )
        payment = Payment.objects.create(
            installment=locked,
            amount=amount,
            paid_on=paid_on,
            reference=reference.strip(),
            recorded_by=actor,
        )
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
