"""From a payment term and a supplier order's dates to installments with due dates.

Pure arithmetic on the working-day calendar; no writes. While an event has not
happened, its planned date stands in for it (planned delivery for delivery) and the
result is provisional.
"""

import calendar as month_calendar
import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fulfilment.calendar import WorkingCalendar
from orders.models import Contract, SupplierOrder
from payments.models import BaseEvent, DayOffRule, DayType, TermInstallment

CENT = Decimal("0.01")


def end_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=month_calendar.monthrange(day.year, day.month)[1])


def due_from(
    base: datetime.date, line: TermInstallment, calendar: WorkingCalendar
) -> datetime.date:
    start = end_of_month(base) if line.month_end else base
    if line.day_type == DayType.WORKING:
        due = calendar.add_working_days(start, line.offset_days)
    else:
        due = start + datetime.timedelta(days=line.offset_days)
    if line.day_off_rule == DayOffRule.NEXT:
        return calendar.on_or_after(due)
    if line.day_off_rule == DayOffRule.PREVIOUS:
        return calendar.on_or_before(due)
    return due


def reminder_from(due: datetime.date, lead: int, calendar: WorkingCalendar) -> datetime.date:
    return calendar.add_working_days(due, -lead) if lead else due


def split_amount(total: Decimal, shares: list[Decimal]) -> list[Decimal]:
    """``total`` split in proportion to ``shares``, in kopecks; the last part takes the
    rounding, so the parts add up exactly."""
    whole = sum(shares, Decimal(0)) or Decimal(1)
    parts = [
        (total * share / whole).quantize(CENT, rounding=ROUND_HALF_UP) for share in shares[:-1]
    ]
    return [*parts, total - sum(parts, Decimal("0.00"))]


def base_for(order: SupplierOrder, event: str) -> tuple[datetime.date | None, bool]:
    """The date an event happened on (and False), or the date it is planned for (and True);
    None while nothing says when it will happen (the due date is then unknown, and no
    reminder is made for it)."""
    contract = order.contract
    if event == BaseEvent.CONTRACT_SIGNED:
        if contract and contract.stage == Contract.Stage.SIGNED and contract.contract_date:
            return contract.contract_date, False
        return None, True
    if event == BaseEvent.ORDER_PLACED:
        return order.order_date, order.stage == SupplierOrder.Stage.DRAFT or not order.order_date
    if event == BaseEvent.SHIPMENT:
        if order.shipment_date:
            return order.shipment_date, False
        return order.planned_delivery_date, True
    if event == BaseEvent.DELIVERY:
        if order.actual_delivery_date:
            return order.actual_delivery_date, False
        return order.planned_delivery_date, True
    return order.invoice_date, not order.invoice_date


@dataclass
class Planned:
    line: TermInstallment
    position: int
    share: Decimal
    amount: Decimal
    base_date: datetime.date | None
    provisional: bool
    due_date: datetime.date | None
    reminder_date: datetime.date | None


def plan(
    order: SupplierOrder, lines: list[TermInstallment], calendar: WorkingCalendar
) -> list[Planned]:
    amounts = split_amount(order.amount, [line.share for line in lines])
    result = []
    for position, (line, amount) in enumerate(zip(lines, amounts, strict=True), start=1):
        base, provisional = base_for(order, line.base_event)
        due = due_from(base, line, calendar) if base else None
        result.append(
            Planned(
                line=line,
                position=position,
                share=line.share,
                amount=amount,
                base_date=base,
                provisional=provisional,
                due_date=due,
                reminder_date=reminder_from(due, line.reminder_lead, calendar) if due else None,
            )
        )
    return result


# Example dates for the worked example shown while a term is edited.
EXAMPLE_DATES = {
    BaseEvent.CONTRACT_SIGNED: datetime.date(2026, 3, 2),
    BaseEvent.ORDER_PLACED: datetime.date(2026, 3, 4),
    BaseEvent.SHIPMENT: datetime.date(2026, 3, 16),
    BaseEvent.DELIVERY: datetime.date(2026, 3, 20),
    BaseEvent.SUPPLIER_INVOICE: datetime.date(2026, 3, 5),
}


# How each example event reads: "contract signed 2026-03-02, delivered 2026-03-20".
EXAMPLE_EVENTS = {
    BaseEvent.CONTRACT_SIGNED: gettext_lazy("contract signed"),
    BaseEvent.ORDER_PLACED: gettext_lazy("order placed"),
    BaseEvent.SHIPMENT: gettext_lazy("shipped"),
    BaseEvent.DELIVERY: gettext_lazy("delivered"),
    BaseEvent.SUPPLIER_INVOICE: gettext_lazy("supplier invoice dated"),
}


def worked_example(lines: list[TermInstallment], calendar: WorkingCalendar | None = None) -> str:
    """E.g. "contract signed 2026-03-02, delivered 2026-03-20 → 30 % due 2026-03-10 (9 March
    is a day off), 70 % due 2026-04-20 (19 April is a Sunday, moved to the next working
    day)"."""
    calendar = calendar or WorkingCalendar()
    events = []
    for event in dict.fromkeys(line.base_event for line in lines):
        events.append(f"{EXAMPLE_EVENTS[event]} {EXAMPLE_DATES[event]:%Y-%m-%d}")
    parts = []
    for line in lines:
        base = EXAMPLE_DATES[line.base_event]
        due = due_from(base, line, calendar)
        part = _("%(share)s %% due %(date)s") % {
            "share": f"{line.share.normalize():f}",
            "date": f"{due:%Y-%m-%d}",
        }
        notes = _day_off_notes(base, line, due, calendar)
        parts.append(f"{part} ({notes})" if notes else part)
    return f"{', '.join(events)} → {', '.join(parts)}"


def _day_off_notes(
    base: datetime.date, line: TermInstallment, due: datetime.date, calendar: WorkingCalendar
) -> str:
    start = end_of_month(base) if line.month_end else base
    if line.day_type == DayType.WORKING:
        skipped = [
            start + datetime.timedelta(days=n)
            for n in range(1, (due - start).days)
            if (start + datetime.timedelta(days=n)).weekday() < 5
            and not calendar.is_working_day(start + datetime.timedelta(days=n))
        ]
        return ", ".join(
            _("%(day)s is a day off") % {"day": date_format(day, "j E")} for day in skipped
        )
    raw = start + datetime.timedelta(days=line.offset_days)
    if raw == due:
        return ""
    what = (
        _("a Sunday")
        if raw.weekday() == 6
        else _("a Saturday")
        if raw.weekday() == 5
        else _("a day off")
    )
    moved = (
        _("moved to the next working day") if due > raw else _("moved to the previous working day")
    )
    return _("%(day)s is %(what)s, %(moved)s") % {
        "day": date_format(raw, "j E"),
        "what": what,
        "moved": moved,
    }
