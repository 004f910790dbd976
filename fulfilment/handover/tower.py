"""The control tower: every deal in realization, what is late, and a red / amber / green status.

Everything a row shows is computed by the database in one query (subqueries per deal),
and the status with it, so the list filters, sorts and paginates in SQL whatever the
number of deals. The rule, as written on the page:

- red: a supplier payment is overdue, or a task is more than two working days late;
- amber: a task is late (less than that), a delivery is late, or a task, a planned
  delivery or a payment falls due within three working days;
- green: nothing of the above.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fulfilment.calendar import WorkingCalendar
from fulfilment.handover.models import Department, Task
from orders.models import Contract, Deal, SupplierOrder
from payments.models import Installment

RED, AMBER, GREEN = "red", "amber", "green"
STATUS_LABELS = {RED: _("red"), AMBER: _("amber"), GREEN: _("green")}
# Each sortable column, ascending then descending; the key with "-" is the descending one.
SORTS = {
    "status": ["status_rank", "realization_started_at"],
    "-status": ["-status_rank", "-realization_started_at"],
    "days": ["-realization_started_at", "realization_number"],
    "-days": ["realization_started_at", "realization_number"],
    "number": ["realization_number"],
    "-number": ["-realization_number"],
    "customer": ["customer__name", "realization_number"],
    "-customer": ["-customer__name", "realization_number"],
    "manager": ["manager__last_name", "manager__first_name", "realization_number"],
    "-manager": ["-manager__last_name", "-manager__first_name", "realization_number"],
    "next_payment": [F("next_due_date").asc(nulls_last=True), "realization_number"],
    "-next_payment": [F("next_due_date").desc(nulls_last=True), "realization_number"],
    "next_delivery": [F("next_delivery").asc(nulls_last=True), "realization_number"],
    "-next_delivery": [F("next_delivery").desc(nulls_last=True), "realization_number"],
}
SORT_LABELS = {
    "status": _("status, red first"),
    "-status": _("status, green first"),
    "days": _("shortest in realization"),
    "-days": _("longest in realization"),
    "number": _("number"),
    "-number": _("number, descending"),
    "customer": _("customer"),
    "-customer": _("customer, descending"),
    "manager": _("manager"),
    "-manager": _("manager, descending"),
    "next_payment": _("next payment, soonest first"),
    "-next_payment": _("next payment, latest first"),
    "next_delivery": _("next delivery, soonest first"),
    "-next_delivery": _("next delivery, latest first"),
}


@dataclass(frozen=True)
class Thresholds:
    now: datetime.datetime
    today: datetime.date
    week_end: datetime.date
    very_late: datetime.datetime  # a task whose deadline is before this is red
    soon: datetime.date  # due on or before this day is amber

    @property
    def soon_end(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.soon, datetime.time.max))


def thresholds(now: datetime.datetime | None = None) -> Thresholds:
    now = now or timezone.now()
    today = timezone.localdate(now)
    calendar = WorkingCalendar()
    very_late_day = calendar.add_working_days(today, -2)
    return Thresholds(
        now=now,
        today=today,
        week_end=today + datetime.timedelta(days=6 - today.weekday()),
        very_late=timezone.make_aware(
            datetime.datetime.combine(very_late_day, settings.WORKDAY_ENDS_AT)
        ),
        soon=calendar.add_working_days(today, 3),
    )


def _count(queryset: QuerySet, **filters) -> Subquery:
    rows = (
        queryset.filter(deal=OuterRef("pk"), **filters)
        .order_by()
        .values("deal")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def tower_deals(*, t: Thresholds) -> QuerySet[Deal]:
    """Deals in realization with everything a row shows, and their status."""
    open_tasks = Task.objects.filter(status__in=Task.OPEN_STATUSES)
    active_orders = SupplierOrder.objects.filter(stage__in=SupplierOrder.ACTIVE_STAGES)
    unpaid = Installment.objects.filter(
        state=Installment.State.OPEN, supplier_order__deal=OuterRef("pk")
    )
    next_payment = unpaid.filter(due_date__gte=t.today).order_by("due_date", "pk")
    latest_contract = (
        Contract.objects.filter(deal=OuterRef("pk"))
        .exclude(stage=Contract.Stage.CANCELLED)
        .order_by("-pk")
    )
    deals = (
        Deal.objects.filter(stage=Deal.Stage.REALIZATION)
        .select_related("customer", "manager")
        .annotate(
            open_tasks=_count(open_tasks),
            overdue_tasks=_count(open_tasks, deadline__lt=t.now),
            very_late_tasks=_count(open_tasks, deadline__lt=t.very_late),
            tasks_soon=_count(open_tasks, deadline__gte=t.now, deadline__lte=t.soon_end),
            orders_total=_count(SupplierOrder.objects.exclude(stage=SupplierOrder.Stage.CANCELLED)),
            orders_delivered=_count(
                SupplierOrder.objects.filter(stage__in=SupplierOrder.DELIVERED_STAGES)
            ),
            late_orders=_count(
                active_orders, planned_delivery_date__lt=t.today, actual_delivery_date__isnull=True
            ),
            deliveries_soon=_count(
                active_orders, planned_delivery_date__gte=t.today, planned_delivery_date__lte=t.soon
            ),
            next_delivery=Subquery(
                active_orders.filter(deal=OuterRef("pk"), planned_delivery_date__gte=t.today)
                .order_by("planned_delivery_date")
                .values("planned_delivery_date")[:1],
                output_field=DateField(),
            ),
            overdue_payments=Coalesce(
                Subquery(
                    unpaid.filter(due_date__lt=t.today)
                    .order_by()
                    .values("supplier_order__deal")
                    .annotate(n=Count("pk"))
                    .values("n"),
                    output_field=IntegerField(),
                ),
                0,
            ),
            payments_soon=Coalesce(
                Subquery(
                    unpaid.filter(due_date__gte=t.today, due_date__lte=t.soon)
                    .order_by()
                    .values("supplier_order__deal")
                    .annotate(n=Count("pk"))
                    .values("n"),
                    output_field=IntegerField(),
                ),
                0,
            ),
            next_due_date=Subquery(next_payment.values("due_date")[:1], output_field=DateField()),
            next_due_amount=Subquery(
                next_payment.annotate(
                    left=ExpressionWrapper(
                        F("amount") - F("paid_amount"), output_field=DecimalField()
                    )
                ).values("left")[:1],
                output_field=DecimalField(max_digits=16, decimal_places=2),
            ),
            next_due_currency=Subquery(
                next_payment.values("currency")[:1], output_field=CharField()
            ),
            contract_stage=Subquery(latest_contract.values("stage")[:1], output_field=CharField()),
            contract_number=Subquery(
                latest_contract.values("number")[:1], output_field=CharField()
            ),
        )
        .annotate(
            status=Case(
                When(Q(overdue_payments__gt=0) | Q(very_late_tasks__gt=0), then=Value(RED)),
                When(
                    Q(overdue_tasks__gt=0)
                    | Q(late_orders__gt=0)
                    | Q(tasks_soon__gt=0)
                    | Q(deliveries_soon__gt=0)
                    | Q(payments_soon__gt=0),
                    then=Value(AMBER),
                ),
                default=Value(GREEN),
                output_field=CharField(),
            ),
            status_rank=Case(
                When(status=RED, then=Value(0)),
                When(status=AMBER, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
        )
    )
    return deals


def filtered(
    deals: QuerySet[Deal],
    *,
    t: Thresholds,
    manager_id: int | None = None,
    customer_id: int | None = None,
    status: str = "",
    flag: str = "",
    department_id: int | None = None,
    currency: str = "",
    sort: str = "status",
) -> QuerySet[Deal]:
    if manager_id:
        deals = deals.filter(manager_id=manager_id)
    if customer_id:
        deals = deals.filter(customer_id=customer_id)
    if status in STATUS_LABELS:
        deals = deals.filter(status=status)
    if flag == "overdue_tasks":
        tasks = Task.objects.overdue(t.now)
        if department_id:
            tasks = tasks.filter(department_id=department_id)
        deals = deals.filter(pk__in=tasks.values("deal"))
    elif flag == "due_this_week":
        due = Installment.objects.filter(
            state=Installment.State.OPEN, due_date__gte=t.today, due_date__lte=t.week_end
        )
        if currency:
            due = due.filter(currency=currency)
        deals = deals.filter(pk__in=due.values("supplier_order__deal"))
    elif flag == "late_delivery":
        deals = deals.filter(late_orders__gt=0)
    return deals.order_by(*SORTS.get(sort, SORTS["status"]))


@dataclass
class Summary:
    deals: int
    by_status: dict[str, int]
    overdue_tasks: list[tuple[Department, int]]
    due_this_week: list[tuple[str, Decimal]]
    deals_late_delivery: int


def summary(deals: QuerySet[Deal], *, t: Thresholds) -> Summary:
    """The figures above the list; each links to the list filtered on it. Four queries."""
    by_status = {
        row["status"]: row["n"] for row in deals.order_by().values("status").annotate(n=Count("pk"))
    }
    in_realization = Deal.objects.filter(stage=Deal.Stage.REALIZATION)
    overdue = dict(
        Task.objects.overdue(t.now)
        .filter(deal__in=in_realization)
        .order_by()
        .values_list("department")
        .annotate(n=Count("pk"))
    )
    departments = [
        (d, overdue[d.pk]) for d in Department.objects.filter(pk__in=overdue).order_by("name")
    ]
    due = (
        Installment.objects.filter(
            state=Installment.State.OPEN,
            due_date__gte=t.today,
            due_date__lte=t.week_end,
            supplier_order__deal__in=in_realization,
        )
        .order_by()
        .values("currency")
        .annotate(total=Sum(F("amount") - F("paid_amount")))
        .order_by("currency")
    )
    # Deals, not orders: the figure links to the list of deals with a late delivery.
    late = (
        SupplierOrder.objects.late(t.today)
        .filter(deal__in=in_realization)
        .order_by()
        .values("deal")
        .distinct()
        .count()
    )
    return Summary(
        deals=sum(by_status.values()),
        by_status={key: by_status.get(key, 0) for key in (RED, AMBER, GREEN)},
        overdue_tasks=departments,
        due_this_week=[(row["currency"], row["total"]) for row in due],
        deals_late_delivery=late,
    )


def days_in_realization(deal: Deal, today: datetime.date) -> int:
    if not deal.realization_started_at:
        return 0
    return (today - timezone.localdate(deal.realization_started_at)).days
