"""Deals: the sales side of the hand-over, their stages and the log of every stage change."""

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from orders.models.common import Currency, Incoterms
from orders.models.counterparties import Counterparty
from orders.workflow import Requirement


class DealQuerySet(models.QuerySet):
    def search(self, text: str) -> "DealQuerySet":
        text = text.strip()
        if not text:
            return self
        return self.filter(
            models.Q(title__icontains=text)
            | models.Q(realization_number__icontains=text)
            | models.Q(customer__name__icontains=text)
            | models.Q(customer__inn=text)
        )


def _handover_missing(deal: "Deal") -> list[str]:
    return deal.handover_missing()


class Deal(FSMModelMixin, models.Model):
    class Stage(models.TextChoices):
        NEW = "new", _("New")
        PROPOSAL = "proposal", _("Proposal")
        NEGOTIATION = "negotiation", _("Negotiation")
        REALIZATION = "realization", _("Realization")
        COMPLETED = "completed", _("Completed")
        LOST = "lost", _("Lost")

    OPEN_STAGES = (Stage.NEW, Stage.PROPOSAL, Stage.NEGOTIATION, Stage.REALIZATION)
    CLOSED_STAGES = (Stage.COMPLETED, Stage.LOST)

    title = models.CharField(_("title"), max_length=200)
    customer = models.ForeignKey(
        Counterparty,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="deals",
        null=True,
        blank=True,
        limit_choices_to={"kind__in": [Counterparty.Kind.CUSTOMER, Counterparty.Kind.BOTH]},
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("manager"),
        on_delete=models.PROTECT,
        related_name="managed_deals",
    )
    amount = models.DecimalField(
        _("amount"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency, default=Currency.RUB)
    # The hand-over card
    incoterms = models.CharField(
        _("delivery terms (Incoterms 2020)"), max_length=3, choices=Incoterms, blank=True
    )
    delivery_place = models.CharField(_("named place"), max_length=200, blank=True)
    delivery_address = models.TextField(_("delivery address"), blank=True)
    required_delivery_date = models.DateField(_("required delivery date"), null=True, blank=True)
    customer_payment_terms = models.TextField(_("customer payment terms"), blank=True)
    final_agreements = models.TextField(_("final agreements and special conditions"), blank=True)

    stage = FSMField(_("stage"), choices=Stage, default=Stage.NEW, protected=True, db_index=True)
    realization_number = models.CharField(
        _("realization number"), max_length=60, unique=True, null=True, blank=True, editable=False
    )
    stage_changed_at = models.DateTimeField(_("stage changed at"), null=True, blank=True)
    realization_started_at = models.DateTimeField(
        _("in realization since"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = DealQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        indexes = [models.Index(fields=["manager", "stage"], name="orders_deal_manager_stage")]

    def __str__(self) -> str:
        return f"{self.realization_number} {self.title}" if self.realization_number else self.title

    def get_absolute_url(self) -> str:
        return reverse("orders:deal-detail", args=[self.pk])

    # --- The hand-over card -------------------------------------------------------------

    def handover_items(self) -> list[tuple[str, bool]]:
        """Each item of the hand-over card, by name, and whether it is filled in."""
        return [
            (gettext("customer"), self.customer_id is not None),
            (gettext("amount and currency"), bool(self.amount and self.amount > 0)),
            (
                gettext("delivery terms (Incoterms and named place)"),
                bool(self.incoterms and self.delivery_place.strip()),
            ),
            (gettext("delivery address"), bool(self.delivery_address.strip())),
            (gettext("required delivery date"), self.required_delivery_date is not None),
            (gettext("customer payment terms"), bool(self.customer_payment_terms.strip())),
            (
                gettext("final agreements and special conditions"),
                bool(self.final_agreements.strip()),
            ),
        ]

    def handover_missing(self) -> list[str]:
        """Why the deal may not enter Realization yet: one sentence per missing item."""
        return [
            gettext("The hand-over card lacks the %s.") % name
            for name, done in self.handover_items()
            if not done
        ]

    @property
    def handover_done(self) -> int:
        return sum(done for _, done in self.handover_items())

    @property
    def handover_total(self) -> int:
        return len(self.handover_items())

    @property
    def is_open(self) -> bool:
        return self.stage in self.OPEN_STAGES

    # --- Stages: these only guard and change the state in memory; services save. -------

    @transition(
        field=stage,
        source=Stage.NEW,
        target=Stage.PROPOSAL,
        custom={"label": _("Send proposal"), "style": "primary"},
    )
    def send_proposal(self) -> None:
        pass

    @transition(
        field=stage,
        source=Stage.PROPOSAL,
        target=Stage.NEGOTIATION,
        custom={"label": _("Start negotiation"), "style": "primary"},
    )
    def start_negotiation(self) -> None:
        pass

    @transition(
        field=stage,
        source=Stage.NEGOTIATION,
        target=Stage.REALIZATION,
        conditions=[Requirement(_handover_missing)],
        custom={"label": _("Move to Realization"), "style": "primary"},
    )
    def start_realization(self) -> None:
        pass

    @transition(
        field=stage,
        source=Stage.REALIZATION,
        target=Stage.NEGOTIATION,
        custom={"label": _("Return to negotiation"), "comment_required": True},
    )
    def return_to_negotiation(self) -> None:
        pass

    @transition(
        field=stage,
        source=Stage.REALIZATION,
        target=Stage.COMPLETED,
        custom={"label": _("Complete"), "style": "primary"},
    )
    def complete(self) -> None:
        pass

    @transition(
        field=stage,
        source=OPEN_STAGES,
        target=Stage.LOST,
        custom={"label": _("Mark as lost"), "comment_required": True, "style": "danger"},
    )
    def mark_lost(self) -> None:
        pass


class StageChange(models.Model):
    """One transition of a deal or of a record linked to it: who, when, from, to, why."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="stage_changes")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    source = models.CharField(_("from"), max_length=30)
    target = models.CharField(_("to"), max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="orders_stagechange_record"),
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.target}"

    def _stage_label(self, value: str) -> str:
        model = ContentType.objects.get_for_id(self.content_type_id).model_class()
        choices = dict(model._meta.get_field("stage").choices) if model else {}
        return str(choices.get(value, value))

    @property
    def source_label(self) -> str:
        return self._stage_label(self.source)

    @property
    def target_label(self) -> str:
        return self._stage_label(self.target)
