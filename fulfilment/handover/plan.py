"""A deal's plan on one time axis, drawn on the server as SVG: task deadlines, supplier
deliveries (planned and actual), installments' due dates, today marked, late items red."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fulfilment.handover.models import Task
from orders.models import Deal, SupplierOrder
from payments.models import Installment

WIDTH, LANE, TOP, LEFT, RIGHT = 860, 34, 26, 150, 16


@dataclass(frozen=True)
class Mark:
    lane: str
    day: datetime.date
    label: str
    url: str
    late: bool = False
    done: bool = False
    planned: bool = False
    slipped_from: datetime.date | None = None  # a delivery made later than planned


def plan_marks(deal: Deal, today: datetime.date) -> list[Mark]:
    """Everything dated in the deal's plan; three queries."""
    marks = []
    for task in deal.tasks.exclude(status=Task.Status.CANCELLED).order_by("deadline"):
        day = timezone.localtime(task.deadline).date()
        marks.append(
            Mark(
                str(_("Tasks")),
                day,
                task.title,
                task.get_absolute_url(),
                late=task.is_open and day < today,
                done=task.status == Task.Status.DONE,
            )
        )
    for order in deal.supplier_orders.exclude(stage=SupplierOrder.Stage.CANCELLED).order_by("pk"):
        planned = order.planned_delivery_date
        if order.actual_delivery_date:
            # Both dates, so a slip shows: the promise and what happened.
            if planned:
                marks.append(
                    Mark(
                        str(_("Deliveries")),
                        planned,
                        f"{order.number}: {_('planned delivery')}",
                        order.get_absolute_url(),
                        planned=True,
                    )
                )
            slip = (order.actual_delivery_date - planned).days if planned else 0
            label = f"{order.number}: {_('delivered')}"
            if slip > 0:
                label += " " + ngettext(
                    "(%(days)d day after the planned date)",
                    "(%(days)d days after the planned date)",
                    slip,
                ) % {"days": slip}
            marks.append(
                Mark(
                    str(_("Deliveries")),
                    order.actual_delivery_date,
                    label,
                    order.get_absolute_url(),
                    done=True,
                    slipped_from=planned if slip > 0 else None,
                )
            )
        elif planned:
            marks.append(
                Mark(
                    str(_("Deliveries")),
                    planned,
                    order.number,
                    order.get_absolute_url(),
                    late=planned < today,
                    planned=True,
                )
            )
    installments = Installment.objects.filter(
        supplier_order__deal=deal, due_date__isnull=False
    ).exclude(state=Installment.State.CANCELLED)
    for installment in installments.select_related("supplier_order").order_by("due_date"):
        marks.append(
            Mark(
                str(_("Payments")),
                installment.due_date,
                f"{installment} · {number_format(installment.outstanding, 2, force_grouping=True)}"
                f" {installment.currency}",
                installment.get_absolute_url(),
                late=installment.state == Installment.State.OPEN and installment.due_date < today,
                done=installment.state == Installment.State.PAID,
                planned=installment.provisional,
            )
        )
    return marks


def plan_svg(marks: list[Mark], today: datetime.date) -> SafeString:
    if not marks:
        return format_html('<p class="muted">{}</p>', _("Nothing is planned yet."))
    lanes = list(dict.fromkeys(mark.lane for mark in marks))
    first = min([today, *(m.day for m in marks)]) - datetime.timedelta(days=3)
    last = max([today, *(m.day for m in marks)]) + datetime.timedelta(days=3)
    span = max((last - first).days, 1)
    height = TOP + LANE * len(lanes) + 24

    def x(day: datetime.date) -> str:
        return f"{LEFT + (day - first).days / span * (WIDTH - LEFT - RIGHT):.1f}"

    lane_rows = format_html_join(
        "",
        '<text class="lane" x="8" y="{}">{}</text><line x1="{}" y1="{}" x2="{}" y2="{}" class="laneline"/>',
        (
            (
                TOP + LANE * i + LANE / 2 + 4,
                lane,
                LEFT,
                TOP + LANE * i + LANE / 2,
                WIDTH - RIGHT,
                TOP + LANE * i + LANE / 2,
            )
            for i, lane in enumerate(lanes)
        ),
    )
    ticks, day = [], first
    step = max(1, span // 8)
    while day <= last:
        ticks.append((x(day), height - 6, date_format(day, "d.m")))
        day += datetime.timedelta(days=step)
    axis = format_html_join(
        "", '<text class="tick" x="{}" y="{}" text-anchor="middle">{}</text>', ticks
    )
    dots = format_html_join(
        "",
        '<a href="{}"><g class="mark {}"><title>{} — {}</title><circle cx="{}" cy="{}" r="6"/></g></a>',
        (
            (
                mark.url,
                " ".join(
                    c
                    for c, on in (
                        ("late", mark.late),
                        ("done", mark.done),
                        ("planned", mark.planned),
                    )
                    if on
                ),
                date_format(mark.day, "j E Y"),
                mark.label + (f" ({_('late')})" if mark.late else ""),
                x(mark.day),
                TOP + LANE * lanes.index(mark.lane) + LANE / 2,
            )
            for mark in marks
        ),
    )
    slips = format_html_join(
        "",
        '<line class="slip" x1="{}" y1="{}" x2="{}" y2="{}" stroke="#c0392b" stroke-width="2" stroke-dasharray="4 3"/>',
        (
            (x(mark.slipped_from), y, x(mark.day), y)
            for mark in marks
            if mark.slipped_from
            for y in [TOP + LANE * lanes.index(mark.lane) + LANE / 2]
        ),
    )
    today_x = x(today)
    return format_html(
        '<svg class="plan" viewBox="0 0 {} {}" role="img" aria-label="{}">{}{}'
        '<line class="today" x1="{}" y1="{}" x2="{}" y2="{}"/><text class="today" x="{}" y="14" text-anchor="middle">{}</text>{}{}</svg>',
        WIDTH,
        height,
        _("The deal's plan"),
        lane_rows,
        axis,
        today_x,
        18,
        today_x,
        height - 18,
        today_x,
        _("today"),
        slips,
        dots,
    )


def deal_plan_panel(request, deal: Deal) -> dict | None:
    """The plan on the deal card, for a deal that has reached realization."""
    if not deal.realization_number:
        return None
    today = timezone.localdate()
    marks = plan_marks(deal, today)
    late = [mark for mark in marks if mark.late]
    return {"svg": plan_svg(marks, today), "late": late}
