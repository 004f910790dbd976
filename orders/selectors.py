"""Every read a deal or counterparty page needs, with its joins done."""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from fulfilment.roles import PERMISSIONS, Can, Role, can
from orders.models import (
    Attachment,
    Contract,
    Counterparty,
    Deal,
    DocumentVersion,
    Specification,
    SpecificationLine,
    StageChange,
    SupplementaryAgreement,
    SupplierOrder,
)
from orders.visibility import register_record_visibility, visible_records_filter


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


def people_with(capability):
    """Active users whose roles grant ``capability``, for "responsible" choices."""
    roles = [role.value for role, capabilities in PERMISSIONS.items() if capability in capabilities]
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=roles)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


@dataclass
class BoardColumn:
    stage: str
    label: str
    cards: list = field(default_factory=list)
    count: int = 0
    totals: list[tuple[str, Decimal]] = field(default_factory=list)  # per currency

    @property
    def hidden(self) -> int:
        return self.count - len(self.cards)


def stage_board(records: QuerySet, choices, related: tuple[str, ...]) -> list[BoardColumn]:
    """A column per stage: its newest cards (up to the column limit), count and sums.

    Two queries whatever the number of records: the per-stage, per-currency aggregates,
    and the cards (a window picks each column's first rows).
    """
    columns = {stage: BoardColumn(stage=stage, label=label) for stage, label in choices}
    totals: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for row in (
        records.order_by()
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
        records.select_related(*related)
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
    for card in cards:
        columns[card.stage].cards.append(card)
    return list(columns.values())


def deal_board(*, user, manager_id: int | None = None, text: str = "") -> list[BoardColumn]:
    deals = deals_visible_to(user).search(text)
    if manager_id:
        deals = deals.filter(manager_id=manager_id)
    return stage_board(deals, Deal.Stage.choices, ("customer", "manager"))


def deal_attachments(deal: Deal, *, user) -> QuerySet[Attachment]:
    """The deal's files that ``user`` may download (a task's only to those who see it)."""
    return attachments_visible_to(user).filter(deal=deal).select_related("uploaded_by")


def attachments_visible_to(user) -> QuerySet[Attachment]:
    """Files ``user`` may download: each one if they may open the record it is on. A file
    on a task goes to those the task was given to (its department, its participants),
    even on a deal they do not browse: it is the task's material, attached to share it."""
    return Attachment.objects.filter(visible_records_filter(user))


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


# --- Supplier orders, contracts, documents ------------------------------------------------


def supplier_orders_visible_to(user) -> QuerySet[SupplierOrder]:
    return SupplierOrder.objects.filter(deal__in=deals_visible_to(user).values("pk"))


def contracts_visible_to(user) -> QuerySet[Contract]:
    return Contract.objects.filter(deal__in=deals_visible_to(user).values("pk"))


def agreements_visible_to(user) -> QuerySet[SupplementaryAgreement]:
    return SupplementaryAgreement.objects.filter(
        contract__deal__in=deals_visible_to(user).values("pk")
    )


def register_visibility() -> None:
    """orders' own records: each is visible to those who see its deal."""
    register_record_visibility("orders.deal", deals_visible_to)
    register_record_visibility("orders.supplierorder", supplier_orders_visible_to)
    register_record_visibility("orders.contract", contracts_visible_to)
    register_record_visibility("orders.supplementaryagreement", agreements_visible_to)


def supplier_orders_filtered(
    *, user, text: str = "", supplier_id: int | None = None, stage: str = "", late: bool = False
) -> QuerySet[SupplierOrder]:
    orders = supplier_orders_visible_to(user)
    text = text.strip()
    if text:
        orders = orders.filter(
            Q(number__icontains=text) | Q(deal__realization_number__icontains=text)
        )
    if supplier_id:
        orders = orders.filter(supplier_id=supplier_id)
    if stage:
        orders = orders.filter(stage=stage)
    if late:
        orders = orders.late()
    return orders


def supplier_order_board(**filters) -> list[BoardColumn]:
    orders = supplier_orders_filtered(**filters)
    return stage_board(orders, SupplierOrder.Stage.choices, ("supplier", "deal"))


def supplier_order_rows(**filters) -> QuerySet[SupplierOrder]:
    return (
        supplier_orders_filtered(**filters)
        .select_related("deal", "supplier", "buyer", "contract")
        .order_by("planned_delivery_date", "pk")
    )


@dataclass
class OrdersSummary:
    """A deal's supplier orders at a glance: how many ordered and delivered, what is next."""

    orders: list[SupplierOrder]
    today: datetime.date

    @property
    def active(self) -> list[SupplierOrder]:
        return [o for o in self.orders if o.stage != SupplierOrder.Stage.CANCELLED]

    @property
    def ordered(self) -> int:
        return sum(o.stage in SupplierOrder.ORDERED_STAGES for o in self.orders)

    @property
    def delivered(self) -> int:
        return sum(o.stage in SupplierOrder.DELIVERED_STAGES for o in self.orders)

    @property
    def late(self) -> list[SupplierOrder]:
        return [o for o in self.orders if o.is_late(self.today)]

    @property
    def next_delivery(self) -> datetime.date | None:
        planned = [
            o.planned_delivery_date
            for o in self.orders
            if o.stage in SupplierOrder.ACTIVE_STAGES and o.planned_delivery_date
        ]
        return min(planned, default=None)


def deal_supplier_orders(deal: Deal) -> OrdersSummary:
    orders = list(deal.supplier_orders.select_related("supplier", "contract").order_by("pk"))
    return OrdersSummary(orders=orders, today=timezone.localdate())


def deal_contracts(deal: Deal) -> list[Contract]:
    return list(
        deal.contracts.select_related("counterparty")
        .prefetch_related("specifications")
        .order_by("pk")
    )


def record_documents(record) -> QuerySet[DocumentVersion]:
    return DocumentVersion.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_id=record.pk
    ).select_related("created_by")


def deal_documents(deal: Deal, limit: int = 30) -> list[DocumentVersion]:
    return list(deal.documents.select_related("created_by")[:limit])


def record_attachments(record) -> QuerySet[Attachment]:
    return Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_id=record.pk
    ).select_related("uploaded_by")


def record_history(record) -> QuerySet[StageChange]:
    return StageChange.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_id=record.pk
    ).select_related("actor")


def documents_visible_to(user) -> QuerySet[DocumentVersion]:
    return DocumentVersion.objects.filter(deal__in=deals_visible_to(user).values("pk"))


def specification_with_lines(
    specification: Specification,
) -> tuple[list[SpecificationLine], object]:
    lines = list(specification.lines.all())
    return lines, specification.totals(lines)


_AGREEMENT_NUMBER = re.compile(r"(?P<contract>.+)/SA-(?P<sequence>[0-9]+)", re.IGNORECASE)


def find_by_number(*, user, number: str):
    """The visible record a number names: a deal, or its order, contract or specification;
    a supplementary agreement's number (``…/C-1/SA-2``) leads to its contract."""
    number = number.strip()
    if not number:
        return None
    deals = deals_visible_to(user).values("pk")
    agreement = _AGREEMENT_NUMBER.fullmatch(number)
    if agreement:
        found = (
            Contract.objects.filter(
                number__iexact=agreement["contract"].strip(),
                deal__in=deals,
                agreements__sequence=int(agreement["sequence"]),
            )
            .distinct()
            .first()
        )
        if found is not None:
            return found
    if "/" in number:
        for model, lookup in (
            (SupplierOrder, "deal__in"),
            (Contract, "deal__in"),
            (Specification, "contract__deal__in"),
        ):
            found = model.objects.filter(number__iexact=number, **{lookup: deals}).first()
            if found is not None:
                return found
    return deal_by_number(user=user, number=number)
