"""Every read payment pages and jobs need: what is due, the payment pack, the queue."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orders.models import Attachment, Contract, DocumentVersion, Specification, SupplierOrder
from orders.selectors import deals_visible_to
from payments.models import Installment

# --- What the date-triggered jobs read ------------------------------------------------------


def installments_to_remind(today: datetime.date) -> QuerySet[Installment]:
    """Unpaid installments whose reminder date has come (with what a reminder shows)."""
    return Installment.objects.filter(
        state=Installment.State.OPEN, reminder_date__lte=today, due_date__isnull=False
    ).select_related("supplier_order__deal", "supplier_order__supplier", "supplier_order__contract")


def installments_overdue(today: datetime.date) -> QuerySet[Installment]:
    return Installment.objects.filter(
        state=Installment.State.OPEN, due_date__lt=today
    ).select_related("supplier_order__deal", "supplier_order__supplier")


# --- The payment pack -------------------------------------------------------------------------


@dataclass(frozen=True)
class PackItem:
    key: str
    label: str
    links: tuple[tuple[str, str], ...] = ()  # (name, url)

    @property
    def present(self) -> bool:
        return bool(self.links)


PACK_LABELS = {
    "contract": _("signed contract"),
    "specification": _("specification"),
    "invoice": _("supplier invoice"),
    "shipping": _("shipping documents"),
}


def payment_packs(installments: list[Installment]) -> dict[int, list[PackItem]]:
    """Each installment's pack: the signed contract's PDF, the specification, the supplier
    invoice and the shipping documents; four queries whatever the number of installments."""
    orders = {i.supplier_order_id: i.supplier_order for i in installments}
    contract_ids = {o.contract_id for o in orders.values() if o.contract_id}
    contract_type = ContentType.objects.get_for_model(Contract)
    order_type = ContentType.objects.get_for_model(SupplierOrder)
    spec_type = ContentType.objects.get_for_model(Specification)

    signed_pdf: dict[int, DocumentVersion] = {}
    spec_pdf: dict[int, list[DocumentVersion]] = defaultdict(list)
    specs_of: dict[int, set[int]] = defaultdict(set)
    for spec_id, contract_id in Specification.objects.filter(
        contract_id__in=contract_ids
    ).values_list("pk", "contract_id"):
        specs_of[contract_id].add(spec_id)
    spec_to_contract = {spec: contract for contract, specs in specs_of.items() for spec in specs}
    # The contract PDF that was signed is the latest version made up to the moment the
    # signature was recorded: a signed contract makes no new versions, and any made
    # later (or of a contract not signed) is not what the parties signed. A contract
    # recorded as signed without that moment (imported data) counts its latest version.
    signed_at = (
        Contract.objects.filter(pk=OuterRef("object_id"), stage=Contract.Stage.SIGNED)
        .annotate(until=Coalesce("signed_at", Now()))
        .values("until")[:1]
    )
    documents = DocumentVersion.objects.filter(
        Q(
            content_type=contract_type,
            object_id__in=contract_ids,
            kind=DocumentVersion.Kind.CONTRACT,
            created_at__lte=Subquery(signed_at),
        )
        | Q(
            content_type=spec_type,
            object_id__in=list(spec_to_contract),
            kind=DocumentVersion.Kind.SPECIFICATION,
        )
    ).order_by("version")
    for document in documents:
        if document.content_type_id == contract_type.pk:
            signed_pdf[document.object_id] = document  # the latest version wins
        else:
            spec_pdf[spec_to_contract[document.object_id]].append(document)

    files: dict[tuple[int, int, str], list[Attachment]] = defaultdict(list)
    for attachment in Attachment.objects.filter(
        Q(
            content_type=order_type,
            object_id__in=list(orders),
            category__in=[
                Attachment.Category.SUPPLIER_INVOICE,
                Attachment.Category.SHIPPING_DOCUMENT,
            ],
        )
        | Q(
            content_type=contract_type,
            object_id__in=contract_ids,
            category=Attachment.Category.SIGNED_CONTRACT,
        )
    ):
        files[(attachment.content_type_id, attachment.object_id, attachment.category)].append(
            attachment
        )

    packs = {}
    for installment in installments:
        order = orders[installment.supplier_order_id]
        contract_links: list[tuple[str, str]] = []
        if order.contract_id in signed_pdf:
            pdf = signed_pdf[order.contract_id]
            contract_links.append((str(pdf), pdf.get_absolute_url()))
        contract_links += [
            (a.original_name, a.get_absolute_url())
            for a in files[
                (contract_type.pk, order.contract_id, Attachment.Category.SIGNED_CONTRACT)
            ]
        ]
        spec_links = [(str(d), d.get_absolute_url()) for d in spec_pdf[order.contract_id]]
        if not spec_links and order.contract_id in signed_pdf and specs_of[order.contract_id]:
            pdf = signed_pdf[order.contract_id]
            spec_links.append(
                (str(_("appendix to %(document)s") % {"document": pdf}), pdf.get_absolute_url())
            )
        packs[installment.pk] = [
            PackItem("contract", str(PACK_LABELS["contract"]), tuple(contract_links)),
            PackItem("specification", str(PACK_LABELS["specification"]), tuple(spec_links)),
            PackItem(
                "invoice",
                str(PACK_LABELS["invoice"]),
                tuple(
                    (a.original_name, a.get_absolute_url())
                    for a in files[(order_type.pk, order.pk, Attachment.Category.SUPPLIER_INVOICE)]
                ),
            ),
            PackItem(
                "shipping",
                str(PACK_LABELS["shipping"]),
                tuple(
                    (a.original_name, a.get_absolute_url())
                    for a in files[(order_type.pk, order.pk, Attachment.Category.SHIPPING_DOCUMENT)]
                ),
            ),
        ]
    return packs


# --- The payment queue ----------------------------------------------------------------------


def installments_visible_to(user) -> QuerySet[Installment]:
    return Installment.objects.filter(supplier_order__deal__in=deals_visible_to(user).values("pk"))


@dataclass
class QueueSection:
    key: str
    label: str
    rows: list[Installment] = field(default_factory=list)
    totals: list[tuple[str, Decimal]] = field(default_factory=list)  # outstanding per currency
    count: int = 0

    @property
    def hidden(self) -> int:
        return self.count - len(self.rows)


def _end_of_week(today: datetime.date) -> datetime.date:
    return today + datetime.timedelta(days=6 - today.weekday())


def queue_installments(
    *,
    user,
    text: str = "",
    supplier_id: int | None = None,
    currency: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    status: str = "",
    today: datetime.date | None = None,
) -> QuerySet[Installment]:
    """The unpaid installments the filters select (or the paid and cancelled, if asked)."""
    today = today or timezone.localdate()
    installments = installments_visible_to(user)
    if status in (Installment.Status.PAID, Installment.Status.CANCELLED):
        installments = installments.filter(state=status)
    else:
        installments = installments.filter(state=Installment.State.OPEN)
        # The same order of precedence as Installment.status(): overdue first, then
        # partly paid, then due soon, else planned.
        not_overdue = Q(due_date__gte=today) | Q(due_date__isnull=True)
        if status == Installment.Status.OVERDUE:
            installments = installments.filter(due_date__lt=today)
        elif status == Installment.Status.PARTLY_PAID:
            installments = installments.filter(not_overdue, paid_amount__gt=0)
        elif status == Installment.Status.DUE_SOON:
            installments = installments.filter(not_overdue, paid_amount=0, reminder_date__lte=today)
        elif status == Installment.Status.PLANNED:
            installments = installments.filter(not_overdue, paid_amount=0).filter(
                Q(reminder_date__gt=today) | Q(reminder_date__isnull=True)
            )
    text = text.strip()
    if text:
        installments = installments.filter(
            Q(supplier_order__number__icontains=text)
            | Q(supplier_order__deal__realization_number__icontains=text)
        )
    if supplier_id:
        installments = installments.filter(supplier_order__supplier_id=supplier_id)
    if currency:
        installments = installments.filter(currency=currency)
    if date_from:
        installments = installments.filter(due_date__gte=date_from)
    if date_to:
        installments = installments.filter(due_date__lte=date_to)
    return installments.select_related(
        "supplier_order__deal", "supplier_order__supplier", "supplier_order__contract"
    ).order_by(F("due_date").asc(nulls_last=True), "pk")


def queue_sections(
    installments: QuerySet[Installment],
    *,
    status: str = "",
    today: datetime.date | None = None,
    limit: int = 200,
) -> list[QueueSection]:
    """Overdue / due this week / upcoming, each with its outstanding total per currency
    (or, when paid or cancelled ones are asked for, one section of those)."""
    today = today or timezone.localdate()
    week_end = _end_of_week(today)
    if status in (Installment.Status.PAID, Installment.Status.CANCELLED):
        bounds = {status: (Installment.Status(status).label.capitalize(), Q())}
    else:
        bounds = {
            "overdue": (_("Overdue"), Q(due_date__lt=today)),
            "week": (_("Due this week"), Q(due_date__gte=today, due_date__lte=week_end)),
            "upcoming": (_("Upcoming"), Q(due_date__gt=week_end) | Q(due_date__isnull=True)),
        }
    sections = []
    for key, (label, condition) in bounds.items():
        section = QueueSection(key=key, label=str(label))
        chosen = installments.filter(condition)
        for row in (
            chosen.order_by()
            .values("currency")
            .annotate(outstanding=Sum(F("amount") - F("paid_amount")), n=Count("pk"))
            .order_by("currency")
        ):
            section.totals.append((row["currency"], row["outstanding"]))
            section.count += row["n"]
        section.rows = list(chosen[:limit])
        sections.append(section)
    return sections


def order_installments(order: SupplierOrder) -> list[Installment]:
    return list(order.installments.order_by("position", "pk"))


def deal_installments(deal) -> list[Installment]:
    return list(
        Installment.objects.filter(supplier_order__deal=deal)
        .exclude(state=Installment.State.CANCELLED)
        .select_related("supplier_order__supplier")
        .order_by(F("due_date").asc(nulls_last=True), "pk")
    )


def outgoing_by_week(
    installments: QuerySet[Installment], *, today: datetime.date | None = None, weeks: int = 8
):
    """Outstanding amounts due in each of the next ``weeks`` weeks (from this Monday), per currency."""
    today = today or timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    end = monday + datetime.timedelta(weeks=weeks)
    totals: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    rows = (
        installments.filter(due_date__gte=monday, due_date__lt=end)
        .order_by()
        .values_list("due_date", "currency", "amount", "paid_amount")
    )
    for due, currency, amount, paid in rows:
        totals[((due - monday).days // 7, currency)] += amount - paid
    return monday, weeks, dict(totals)
