"""Payment terms, the installments they give each supplier order, and the payments made."""

import datetime
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from orders.models import Contract, Counterparty, Currency, SupplierOrder


class BaseEvent(models.TextChoices):
    CONTRACT_SIGNED = "contract_signed", _("contract signed")
    ORDER_PLACED = "order_placed", _("order placed")
    SHIPMENT = "shipment", _("shipment")
    DELIVERY = "delivery", _("delivery")
    SUPPLIER_INVOICE = "supplier_invoice", _("supplier invoice")


class DayType(models.TextChoices):
    CALENDAR = "calendar", _("calendar days")
    WORKING = "working", _("working days")


class DayOffRule(models.TextChoices):
    NEXT = "next", _("move to the next working day")
    PREVIOUS = "previous", _("move to the previous working day")
    KEEP = "keep", _("keep the date")


class PaymentTerm(models.Model):
    """A template of payment installments, e.g. "30 % in 5 working days of signing, 70 % in
    30 days of delivery"."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("payment term")
        verbose_name_plural = _("payment terms")

    def __str__(self) -> str:
        return self.name


def shares_problem(shares: list[Decimal]) -> str | None:
    """Why a set of installment shares cannot be a payment term, or None."""
    total = sum(shares, Decimal(0))
    if not shares:
        return gettext("A payment term needs at least one installment.")
    if total != 100:
        return gettext("The shares add up to %(total)s %%, not 100 %%.") % {
            "total": f"{total.normalize():f}"
        }
    return None


class TermInstallment(models.Model):
    term = models.ForeignKey(PaymentTerm, on_delete=models.CASCADE, related_name="installments")
    position = models.PositiveSmallIntegerField(_("no."), default=1)
    share = models.DecimalField(
        _("share, %"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )
    base_event = models.CharField(_("counts from"), max_length=20, choices=BaseEvent)
    month_end = models.BooleanField(
        _("from the end of that month"),
        default=False,
        help_text=_("Count from the last day of the month in which the event happens."),
    )
    offset_days = models.PositiveSmallIntegerField(_("within, days"), default=0)
    day_type = models.CharField(_("days"), max_length=10, choices=DayType, default=DayType.CALENDAR)
    day_off_rule = models.CharField(
        _("if due on a day off"), max_length=10, choices=DayOffRule, default=DayOffRule.NEXT
    )
    reminder_lead = models.PositiveSmallIntegerField(_("remind, working days before"), default=3)

    class Meta:
        ordering = ["term", "position", "pk"]
        verbose_name = _("installment of a term")
        verbose_name_plural = _("installments of a term")

    def __str__(self) -> str:
        return f"{self.share.normalize():f} % — {self.describe()}"

    def describe(self) -> str:
        event = self.get_base_event_display()
        if self.month_end:
            event = gettext("the end of the month of %(event)s") % {"event": event}
        return gettext("within %(days)d %(type)s of %(event)s") % {
            "days": self.offset_days,
            "type": self.get_day_type_display(),
            "event": event,
        }


class TermAssignment(models.Model):
    """Which payment term applies: to one supplier order, to a contract's orders, or by
    default to a supplier's orders (in that order of precedence)."""

    term = models.ForeignKey(PaymentTerm, verbose_name=_("payment term"), on_delete=models.PROTECT)
    supplier_order = models.OneToOneField(
        SupplierOrder, on_delete=models.CASCADE, null=True, blank=True, related_name="payment_term"
    )
    contract = models.OneToOneField(
        Contract, on_delete=models.CASCADE, null=True, blank=True, related_name="payment_term"
    )
    supplier = models.OneToOneField(
        Counterparty,
        verbose_name=_("supplier"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="default_payment_term",
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("payment term assignment")
        verbose_name_plural = _("payment term assignments")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(supplier_order__isnull=False, contract__isnull=True, supplier__isnull=True)
                    | Q(supplier_order__isnull=True, contract__isnull=False, supplier__isnull=True)
                    | Q(supplier_order__isnull=True, contract__isnull=True, supplier__isnull=False)
                ),
                name="payments_assignment_one_target",
            ),
        ]

    def __str__(self) -> str:
        target = self.supplier_order or self.contract or self.supplier
        return f"{target}: {self.term}"


class InstallmentQuerySet(models.QuerySet):
    def unpaid(self) -> "InstallmentQuerySet":
        return self.filter(state=Installment.State.OPEN)


class Installment(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("open")
        PAID = "paid", _("paid")
        CANCELLED = "cancelled", _("cancelled")

    class Status(models.TextChoices):
        """What an accountant reads: the state together with today's date."""

        PLANNED = "planned", _("planned")
        DUE_SOON = "due_soon", _("due soon")
        OVERDUE = "overdue", _("overdue")
        PARTLY_PAID = "partly_paid", _("partly paid")
        PAID = "paid", _("paid")
        CANCELLED = "cancelled", _("cancelled")

    supplier_order = models.ForeignKey(
        SupplierOrder,
        verbose_name=_("supplier order"),
        on_delete=models.PROTECT,
        related_name="installments",
    )
    term_installment = models.ForeignKey(
        TermInstallment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("no."))
    share = models.DecimalField(_("share, %"), max_digits=5, decimal_places=2)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    paid_amount = models.DecimalField(
        _("paid"), max_digits=16, decimal_places=2, default=Decimal("0.00")
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency)
    base_event = models.CharField(_("counts from"), max_length=20, choices=BaseEvent)
    base_date = models.DateField(_("base date"), null=True, blank=True)
    provisional = models.BooleanField(
        _("provisional"),
        default=True,
        help_text=_("The event has not happened: the due date counts from a planned date."),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True, db_index=True)
    reminder_date = models.DateField(_("reminder date"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.OPEN)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = InstallmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("installment")
        verbose_name_plural = _("installments")
        indexes = [
            models.Index(fields=["state", "reminder_date"], name="payments_installment_remind"),
            models.Index(fields=["state", "due_date"], name="payments_installment_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(paid_amount__lte=models.F("amount")), name="payments_not_overpaid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier_order.number} #{self.position}"

    def get_absolute_url(self) -> str:
        return reverse("payments:installment-detail", args=[self.pk])

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.paid_amount

    def status(self, today: datetime.date | None = None) -> str:
        today = today or timezone.localdate()
        if self.state == self.State.CANCELLED:
            return self.Status.CANCELLED
        if self.state == self.State.PAID:
            return self.Status.PAID
        if self.due_date and self.due_date < today:
            return self.Status.OVERDUE
        if self.paid_amount > 0:
            return self.Status.PARTLY_PAID
        if self.reminder_date and self.reminder_date <= today:
            return self.Status.DUE_SOON
        return self.Status.PLANNED

    def get_status_display(self, today: datetime.date | None = None) -> str:
        return self.Status(self.status(today)).label


class InstallmentChange(models.Model):
    """One recomputed value of an installment: what it was, what it became, and why."""

    installment = models.ForeignKey(Installment, on_delete=models.CASCADE, related_name="changes")
    field = models.CharField(_("field"), max_length=30)
    old_value = models.CharField(_("was"), max_length=60, blank=True)
    new_value = models.CharField(_("became"), max_length=60, blank=True)
    reason = models.CharField(_("why"), max_length=200)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("installment change")
        verbose_name_plural = _("installment changes")

    def __str__(self) -> str:
        return f"{self.installment}: {self.field} {self.old_value} → {self.new_value}"

    @property
    def field_label(self) -> str:
        """The changed field as its label reads on the page, e.g. "due date"."""
        try:
            return str(Installment._meta.get_field(self.field).verbose_name)
        except FieldDoesNotExist:
            return self.field

    @property
    def old_display(self) -> str:
        return self._display(self.old_value)

    @property
    def new_display(self) -> str:
        return self._display(self.new_value)

    def _display(self, stored: str) -> str:
        """A stored value (ISO dates, plain decimals, choice keys) in the reader's locale."""
        if stored == "":
            return "—"
        try:
            field = Installment._meta.get_field(self.field)
        except FieldDoesNotExist:
            return stored
        try:
            if field.choices:
                return str(dict(field.flatchoices).get(stored, stored))
            if isinstance(field, models.DateField):
                return date_format(datetime.date.fromisoformat(stored), "DATE_FORMAT")
            if isinstance(field, models.DecimalField):
                return number_format(Decimal(stored), field.decimal_places, force_grouping=True)
            if isinstance(field, models.BooleanField):
                return gettext("yes") if stored == "True" else gettext("no")
        except (ValueError, ArithmeticError):
            pass
        return stored


def reference_key(reference: str) -> str:
    """A payment order number as it is compared: "П/П 1542", "п/п1542" and "п/п 1542" are
    one payment order."""
    return "".join(reference.split()).casefold()


class Payment(models.Model):
    installment = models.ForeignKey(Installment, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(
        _("reference"), max_length=100, help_text=_("Payment order number.")
    )
    # The reference without case or spaces, kept so the database can hold it unique
    # (SQLite's LOWER() leaves Cyrillic as it is, so an expression index would not do).
    reference_key = models.CharField(
        _("normalised reference"), max_length=100, blank=True, default="", editable=False
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-paid_on", "-pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            # One payment order is entered once per installment, whoever enters it.
            models.UniqueConstraint(
                fields=["installment", "reference_key"],
                condition=~Q(reference_key=""),
                name="payments_one_payment_per_reference",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.installment}: {self.amount} ({self.paid_on:%Y-%m-%d})"

    def save(self, *args, **kwargs) -> None:
        self.reference_key = reference_key(self.reference)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "reference" in update_fields:
            kwargs["update_fields"] = {*update_fields, "reference_key"}
        super().save(*args, **kwargs)


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A user's secret calendar address for due dates; a new token revokes the old one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="payment_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)

    def clean(self) -> None:
        if not self.token:
            raise ValidationError({"token": gettext("A feed needs a token.")})
