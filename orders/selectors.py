"""Every read a deal or counterparty page needs, with its joins done."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber

from fulfilment.roles import Can, Role, can
from orders.models import Attachment, Counterparty, Deal, StageChange


def deals_visible_to(user) -> QuerySet[Deal]:
    """The deals ``user`` may see; any other deal is a 404 for them."""
    deals = Deal.objects.all()
    if can(user, Can.VIEW_ALL_DEALS):
        return deals
    visible = Q(pk__in=[])
    if can(user, Can.VIEW_OWN_DEALS):
        visible |= Q(manager_id=user.pk)
    if can(user, Can.VIEW_REALIZATION_DEALS):
        visible |= Q(realization_number__isnull=False)
    return deals.filter(visible)


def managers() -> QuerySet:
    """Users who manage deals: the sales managers, for filters and the deal form."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.SALES_MANAGER)
        .order_by("first_name", "last_name", "username")
        .distinct()
    )


@dataclass
class BoardColumn:
    stage: str
    label: str
    deals: list[Deal] = field(default_factory=list)
    count: int = 0
    totals: list[tuple[str, Decimal]] = field(default_factory=list)  # per currency

    @property
    def hidden(self) -> int:
        return self.count - len(self.deals)


def deal_board(*, user, manager_id: int | None = None, text: str = "") -> list[BoardColumn]:
    """A column per stage: its newest cards (up to the column limit), count and sums.

    Two queries whatever the number of deals: the cards (a window picks each column's
    first rows) and the per-stage, per-currency aggregates.
    """
    deals = deals_visible_to(user).search(text)
    if manager_id:
        deals = deals.filter(manager_id=manager_id)

    columns = {stage: BoardColumn(stage=stage, label=label) for stage, label in Deal.Stage.choices}
    totals: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for row in (
        deals.order_by()
        .values("stage", "currency")
        .annotate(count=Count("pk"), total=Sum("amount"))
        .order_by("stage", "currency")
    ):
        column = columns[row["stage"]]
        column.count += row["count"]
        if row["total"]:
            totals[row["stage"]][row["currency"]] = row["total"]
    for stage, by_currency in totals.items():
        columns[stage].totals = sorted(by_currency.items())

    cards = (
        deals.select_related("customer", "manager")
        .annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("stage")],
                order_by=[F("stage_changed_at").desc(nulls_last=True), F("pk").desc()],
            )
        )
        .filter(position__lte=settings.BOARD_COLUMN_LIMIT)
        .order_by("stage", "position")
    )
    for deal in cards:
        columns[deal.stage].deals.append(deal)
    return list(columns.values())


def deal_history(deal: Deal) -> QuerySet[StageChange]:
    return StageChange.objects.filter(deal=deal).select_related("actor")


def deal_attachments(deal: Deal) -> QuerySet[Attachment]:
    return Attachment.objects.filter(deal=deal).select_related("uploaded_by")


def attachments_visible_to(user) -> QuerySet[Attachment]:
    return Attachment.objects.filter(deal__in=deals_visible_to(user))


def deal_by_number(*, user, number: str) -> Deal | None:
    """The visible deal whose realization number is ``number`` or its parent."""
    parent = number.strip().upper().split("/", 1)[0]
    if not parent:
        return None
    return deals_visible_to(user).filter(realization_number__iexact=parent).first()


def counterparties(*, text: str = "", kind: str = "") -> QuerySet[Counterparty]:
    result = Counterparty.objects.annotate(deal_count=Count("deals"))
    if text.strip():
        text = text.strip()
        result = result.filter(Q(name__icontains=text) | Q(inn__startswith=text))
    if kind:
        result = result.filter(kind__in=[kind, Counterparty.Kind.BOTH])
    return result.order_by("name", "pk")
