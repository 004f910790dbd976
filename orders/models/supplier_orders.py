"""Orders to suppliers: one card per order, with its own stages and dates."""

import datetime

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from orders.models.common import Currency
from orders.models.contracts import Contract, SpecificationLine
from orders.models.counterparties import Counterparty
from orders.models.deals import Deal
from orders.vat import VatRate, vat_within


class SupplierOrderQuerySet(models.QuerySet):
    def late(self, today: datetime.date | None = None) -> "SupplierOrderQuerySet":
        """Planned delivery passed without an actual delivery."""
        today = today or timezone.localdate()
        return self.filter(
            planned_delivery_date__lt=today,
            actual_delivery_date__isnull=True,
            stage__in=SupplierOrder.ACTIVE_STAGES,
        )


class SupplierOrder(FSMModelMixin, models.Model):
    class Stage(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ORDERED = "ordered", _("Ordered")
        CONFIRMED = "confirmed", _("Confirmed")
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", _("Delivered")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    # Stages in which the goods are still on their way.
    ACTIVE_STAGES = (Stage.DRAFT, Stage.ORDERED, Stage.CONFIRMED, Stage.SHIPPED)
    ORDERED_STAGES = (Stage.ORDERED, Stage.CONFIRMED, Stage.SHIPPED, Stage.DELIVERED, Stage.CLOSED)
    DELIVERED_STAGES = (Stage.DELIVERED, Stage.CLOSED)

    deal = models.ForeignKey(
        Deal, verbose_name=_("deal"), on_delete=models.PROTECT, related_name="supplier_orders"
    )
    number = models.CharField(_("number"), max_length=80, unique=True, editable=False)
    supplier = models.ForeignKey(
        Counterparty,
        verbose_name=_("supplier"),
        on_delete=models.PROTECT,
        related_name="supplier_orders",
        limit_choices_to={"kind__in": [Counterparty.Kind.SUPPLIER, Counterparty.Kind.BOTH]},
    )
    contract = models.ForeignKey(
        Contract,
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supplier_orders",
    )
    order_date = models.DateField(_("order date"), null=True, blank=True)
    planned_delivery_date = models.DateField(_("planned delivery date"), null=True, blank=True)
    shipment_date = models.DateField(_("shipment date"), null=True, blank=True)
    actual_delivery_date = models.DateField(_("actual delivery date"), null=True, blank=True)
    amount = models.DecimalField(
        _("amount incl. VAT"), max_digits=16, decimal_places=2, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency, default=Currency.RUB)
    vat_rate = models.PositiveSmallIntegerField(_("VAT"), choices=VatRate, default=VatRate.STANDARD)
    invoice_number = models.CharField(_("supplier invoice no."), max_length=60, blank=True)
    invoice_date = models.DateField(_("supplier invoice date"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible buyer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supplier_orders",
    )
    specification_lines = models.ManyToManyField(
        SpecificationLine,
        verbose_name=_("specification lines covered"),
        related_name="supplier_orders",
        blank=True,
    )
    stage = FSMField(_("stage"), choices=Stage, default=Stage.DRAFT, protected=True, db_index=True)
    stage_changed_at = models.DateTimeField(_("stage changed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SupplierOrderQuerySet.as_manager()

    class Meta:
        ordering = ["deal", "pk"]
        verbose_name = _("supplier order")
        verbose_name_plural = _("supplier orders")
        indexes = [
            models.Index(fields=["planned_delivery_date"], name="orders_so_planned"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("orders:supplier-order-detail", args=[self.pk])

    @property
    def vat_amount(self):
        return vat_within(self.amount, self.vat_rate)

    def is_late(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return bool(
            self.stage in self.ACTIVE_STAGES
            and self.planned_delivery_date
            and self.planned_delivery_date < today
            and not self.actual_delivery_date
        )

    # --- Stages: these only guard and change the state in memory; services save. -------
    # ``dates`` names the date fields a step asks for; the service checks and sets them.

    @transition(
        field=stage,
        source=Stage.DRAFT,
        target=Stage.ORDERED,
        custom={"label": _("Place the order"), "style": "primary", "dates": ["order_date"]},
    )
    def place(self) -> None:
        pass

    @transition(
        field=stage,
        source=Stage.ORDERED,
        target=Stage.CONFIRMED,
        custom={"label": _("Supplier confirmed"), "style": "primary"},
    )
    def confirm(self) -> None:
        pass

    @transition(
        field=stage,
        source=[Stage.ORDERED, Stage.CONFIRMED],
        target=Stage.SHIPPED,
        custom={"label": _("Shipped"), "style": "primary", "dates": ["shipment_date"]},
    )
    def ship(self) -> None:
        pass

    @transition(
        field=stage,
        source=[Stage.ORDERED, Stage.CONFIRMED, Stage.SHIPPED],
        target=Stage.DELIVERED,
        custom={"label": _("Delivered"), "style": "primary", "dates": ["actual_delivery_date"]},
    )
    def deliver(self) -> None:
        pass

    @transition(
        field=stage,
        source=Stage.DELIVERED,
        target=Stage.CLOSED,
        custom={"label": _("Close")},
    )
    def close(self) -> None:
        pass

    @transition(
        field=stage,
        source=ACTIVE_STAGES,
        target=Stage.CANCELLED,
        custom={"label": _("Cancel the order"), "comment_required": True, "style": "danger"},
    )
    def cancel(self) -> None:
        pass
