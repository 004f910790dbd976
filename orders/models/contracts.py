"""Contracts, their supplementary agreements, and specifications with their line items."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from orders.models.counterparties import Counterparty
from orders.models.deals import Deal
from orders.vat import Totals, VatRate, money, totals, vat_on


class Contract(FSMModelMixin, models.Model):
    class Kind(models.TextChoices):
        SUPPLIER = "supplier", _("with the supplier")
        CUSTOMER = "customer", _("with the customer")

    class Stage(models.TextChoices):
        DRAFT = "draft", _("Draft")
        LEGAL_REVIEW = "legal_review", _("Legal review")
        SENT_FOR_SIGNATURE = "sent_for_signature", _("Sent for signature")
        SIGNED = "signed", _("Signed")
        CANCELLED = "cancelled", _("Cancelled")

    EDITABLE_STAGES = (Stage.DRAFT, Stage.LEGAL_REVIEW, Stage.SENT_FOR_SIGNATURE)

    deal = models.ForeignKey(
        Deal, verbose_name=_("deal"), on_delete=models.PROTECT, related_name="contracts"
    )
    number = models.CharField(_("number"), max_length=80, unique=True, editable=False)
    counterparty = models.ForeignKey(
        Counterparty,
        verbose_name=_("counterparty"),
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.SUPPLIER)
    contract_date = models.DateField(_("date"), null=True, blank=True)
    subject = models.TextField(_("subject"))
    payment_terms_text = models.TextField(_("payment terms"), blank=True)
    stage = FSMField(_("stage"), choices=Stage, default=Stage.DRAFT, protected=True)
    stage_changed_at = models.DateTimeField(_("stage changed at"), null=True, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signing recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["deal", "pk"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("orders:contract-detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        """A signed or cancelled contract changes only by supplementary agreement."""
        return self.stage in self.EDITABLE_STAGES

    @transition(
        field=stage,
        source=Stage.DRAFT,
        target=Stage.LEGAL_REVIEW,
        custom={"label": _("Send to legal review"), "style": "primary"},
    )
    def submit_for_review(self) -> None:
        pass

    @transition(
        field=stage,
        source=Stage.LEGAL_REVIEW,
        target=Stage.SENT_FOR_SIGNATURE,
        custom={"label": _("Send for signature"), "style": "primary"},
    )
    def send_for_signature(self) -> None:
        pass

    @transition(
        field=stage,
        source=Stage.SENT_FOR_SIGNATURE,
        target=Stage.SIGNED,
        custom={"label": _("Record the signature"), "style": "primary", "dates": ["contract_date"]},
    )
    def sign(self) -> None:
        pass

    @transition(
        field=stage,
        source=[Stage.LEGAL_REVIEW, Stage.SENT_FOR_SIGNATURE],
        target=Stage.DRAFT,
        custom={"label": _("Back to draft"), "comment_required": True},
    )
    def return_to_draft(self) -> None:
        pass

    @transition(
        field=stage,
        source=EDITABLE_STAGES,
        target=Stage.CANCELLED,
        custom={"label": _("Cancel"), "comment_required": True, "style": "danger"},
    )
    def cancel(self) -> None:
        pass


class SupplementaryAgreement(models.Model):
    """The one way a signed contract changes: an agreement added to it, with its file."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="agreements")
    sequence = models.PositiveSmallIntegerField(_("number"))
    date = models.DateField(_("date"))
    subject = models.TextField(_("what it changes"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        ordering = ["contract", "sequence"]
        verbose_name = _("supplementary agreement")
        verbose_name_plural = _("supplementary agreements")
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "sequence"], name="orders_agreement_sequence"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.number}/SA-{self.sequence}"


# ASCII digits only: ``\d`` would also take full-width or Arabic-Indic digits, which a
# customs declaration does not.
_HS_CODE = re.compile(r"[0-9]{10}")
_ASCII_DIGITS = frozenset("0123456789")


def validate_hs_code(value: str) -> None:
    if not _HS_CODE.fullmatch(value):
        if any(char.isdigit() and char not in _ASCII_DIGITS for char in value):
            raise ValidationError(
                _(
                    "A customs code (ТН ВЭД ЕАЭС) is typed with the digits 0–9; "
                    "“%(value)s” has other digits (check the keyboard layout)."
                ),
                params={"value": value},
                code="hs_code",
            )
        digits = sum(char in _ASCII_DIGITS for char in value)
        raise ValidationError(
            _(
                "A customs code (ТН ВЭД ЕАЭС) has exactly 10 digits and nothing else; "
                "“%(value)s” has %(digits)d digits."
            ),
            params={"value": value, "digits": digits},
            code="hs_code",
        )


class Specification(models.Model):
    contract = models.ForeignKey(
        Contract,
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        related_name="specifications",
    )
    number = models.CharField(_("number"), max_length=80, unique=True, editable=False)
    date = models.DateField(_("date"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["contract", "pk"]
        verbose_name = _("specification")
        verbose_name_plural = _("specifications")

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("orders:specification-detail", args=[self.pk])

    def totals(self, lines=None) -> Totals:
        lines = self.lines.all() if lines is None else lines
        return totals((line.net, line.vat_rate) for line in lines)


class SpecificationLine(models.Model):
    specification = models.ForeignKey(Specification, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(_("no."))
    name = models.CharField(_("name"), max_length=300)
    quantity = models.DecimalField(
        _("quantity"), max_digits=14, decimal_places=3, validators=[MinValueValidator(0.001)]
    )
    unit = models.CharField(_("unit"), max_length=20, default="шт.")
    unit_price = models.DecimalField(
        _("unit price"), max_digits=16, decimal_places=2, validators=[MinValueValidator(0)]
    )
    vat_rate = models.PositiveSmallIntegerField(_("VAT"), choices=VatRate, default=VatRate.STANDARD)
    hs_code = models.CharField(_("HS code (ТН ВЭД)"), max_length=10, validators=[validate_hs_code])
    country_of_origin = models.CharField(_("country of origin"), max_length=100)
    delivery_time = models.CharField(_("delivery time"), max_length=100, blank=True)

    class Meta:
        ordering = ["specification", "position", "pk"]
        verbose_name = _("specification line")
        verbose_name_plural = _("specification lines")

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"

    @property
    def net(self):
        return money(self.quantity * self.unit_price)

    @property
    def vat(self):
        return vat_on(self.net, self.vat_rate)

    @property
    def gross(self):
        return self.net + self.vat
