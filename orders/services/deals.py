"""Every write to deals: creating, editing the hand-over card, moving through stages."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from fulfilment.roles import Can, can
from fulfilment.templatetags.people import full_name
from numbering.services import REALIZATION, numbers_issue
from orders.models import Deal, StageChange
from orders.permissions import deal_edit_refusals, record_refusals
from orders.services.history import record_stage_changes
from orders.signals import stage_entered
from orders.workflow import (
    TransitionConflict,
    TransitionRefused,
    transition_by_name,
    unmet_reasons,
)

HANDOVER_FIELDS = (
    "title",
    "customer",
    "amount",
    "currency",
    "incoterms",
    "delivery_place",
    "delivery_address",
    "required_delivery_date",
    "customer_payment_terms",
    "final_agreements",
)


def deal_create(*, actor, data: dict[str, Any]) -> Deal:
    if not can(actor, Can.CREATE_DEALS):
        raise PermissionDenied(_("You may not create deals."))
    manager = data.pop("manager", None)
    if manager is not None and manager != actor and not can(actor, Can.EDIT_ANY_DEAL):
        raise PermissionDenied(_("You may create deals for yourself only."))
    deal = Deal(manager=manager or actor)
    for name in HANDOVER_FIELDS:
        if name in data:
            setattr(deal, name, data[name])
    with transaction.atomic():
        deal.full_clean(exclude=["stage"])
        deal.stage_changed_at = timezone.now()
        deal.save()
        changes = record_stage_changes(
            [(deal, "", deal.stage)], deal_of=lambda d: d, actor=actor, comment=_("Created")
        )
        # Being created is entering the first stage: rules on it fire like on any other.
        stage_entered.send(sender=Deal, changes=changes, actor=actor)
    return deal


def deal_update(*, deal: Deal, actor, data: dict[str, Any]) -> Deal:
    """Change the deal's title and hand-over card (and, for the director, its manager)."""
    with transaction.atomic():
        locked = _lock_deals([deal.pk])[0]
        refusals = deal_edit_refusals(actor, locked)
        if refusals:
            raise PermissionDenied(refusals[0])
        for name in HANDOVER_FIELDS:
            if name in data:
                setattr(locked, name, data[name])
        if data.get("manager") and can(actor, Can.EDIT_ANY_DEAL):
            locked.manager = data["manager"]
        locked.full_clean(exclude=["stage"])
        if locked.stage == Deal.Stage.REALIZATION and locked.handover_missing():
            # The gate would be pointless if the card could be emptied afterwards.
            raise ValidationError(
                [
                    _("A deal in Realization keeps a complete hand-over card."),
                    *locked.handover_missing(),
                ]
            )
        locked.save()
    return locked


def _lock_deals(pks: Iterable[int]) -> list[Deal]:
    """Lock deal rows in primary-key order, the one lock order for deals everywhere."""
    return list(Deal.objects.select_for_update(of=("self",)).filter(pk__in=pks).order_by("pk"))


def deal_lock_for_records(*, deal: Deal, actor, capability) -> Deal:
    """Lock the deal a new record goes under and check, under that lock, that ``actor``
    may still add it: a deal that left Realization a moment ago takes no new records.

    The deal is locked before the number counters, the one order for both everywhere.
    """
    locked = _lock_deals([deal.pk])
    if not locked:
        raise PermissionDenied(_("The deal no longer exists."))
    refusals = record_refusals(actor, locked[0], capability)
    if refusals:
        raise PermissionDenied(refusals[0])
    return locked[0]


@dataclass
class TransitionResult:
    moved: list[Deal] = field(default_factory=list)
    refused: dict[int, list[str]] = field(default_factory=dict)  # deal pk → reasons


def _transition_refusals(deal: Deal, name: str, actor, comment: str) -> list[str]:
    refusals = deal_edit_refusals(actor, deal)
    if refusals:
        return refusals
    transition = transition_by_name(deal, "stage", name)
    if transition is None:
        return [_("There is no such step for a deal.")]
    if not can_proceed(getattr(deal, name), check_conditions=False):
        return [
            _("A deal in %(stage)s cannot take this step.") % {"stage": deal.get_stage_display()}
        ]
    reasons = unmet_reasons(deal, transition)
    if (transition.custom or {}).get("comment_required") and not comment.strip():
        reasons.append(_("Say why in the comment."))
    return reasons


def _apply_transitions(deals: list[Deal], *, name: str, actor, comment: str) -> TransitionResult:
    """Move locked deals; refused ones stay as they were. One query per kind of write."""
    result = TransitionResult()
    now = timezone.now()
    sources = {}
    for deal in deals:
        reasons = _transition_refusals(deal, name, actor, comment)
        if reasons:
            result.refused[deal.pk] = reasons
            continue
        sources[deal.pk] = deal.stage
        getattr(deal, name)()
        deal.stage_changed_at = deal.updated_at = now
        if deal.stage == Deal.Stage.REALIZATION:
            deal.realization_started_at = now
        result.moved.append(deal)
    if not result.moved:
        return result

    # A deal keeps the number it got on its first entry into Realization.
    unnumbered = [
        d for d in result.moved if d.stage == Deal.Stage.REALIZATION and not d.realization_number
    ]
    numbers = numbers_issue(
        series_code=REALIZATION, year=timezone.localdate(now).year, count=len(unnumbered)
    )
    for deal, number in zip(unnumbered, numbers, strict=True):
        deal.realization_number = number

    Deal.objects.bulk_update(
        result.moved,
        [
            "stage",
            "stage_changed_at",
            "updated_at",
            "realization_started_at",
            "realization_number",
        ],
    )
    changes = record_stage_changes(
        [(deal, sources[deal.pk], deal.stage) for deal in result.moved],
        deal_of=lambda d: d,
        actor=actor,
        comment=comment.strip(),
    )
    stage_entered.send(sender=Deal, changes=changes, actor=actor)
    return result


def deal_transition(
    *, deal: Deal, name: str, actor, comment: str = "", expected_stage: str | None = None
) -> Deal:
    """Take one step (``name`` is the transition method), or raise why not.

    ``expected_stage`` is the stage the user saw; if the deal has moved since, the
    user gets a conflict instead of a step they did not mean.
    """
    with transaction.atomic():
        locked = _lock_deals([deal.pk])
        if not locked:
            raise Deal.DoesNotExist
        current = locked[0]
        if expected_stage is not None and current.stage != expected_stage:
            raise TransitionConflict(_conflict_message(current))
        result = _apply_transitions(locked, name=name, actor=actor, comment=comment)
        if result.refused:
            raise TransitionRefused(result.refused[current.pk])
    return current


def deals_transition(
    *, deals: Iterable[Deal], name: str, actor, comment: str = ""
) -> TransitionResult:
    """Take the same step for many deals at once; each refused deal is reported, not raised."""
    with transaction.atomic():
        locked = _lock_deals([deal.pk for deal in deals])
        return _apply_transitions(locked, name=name, actor=actor, comment=comment)


def _conflict_message(deal: Deal) -> str:
    last = (
        StageChange.objects.filter(deal=deal, object_id=deal.pk, target=deal.stage)
        .select_related("actor")
        .first()
    )
    who = full_name(last.actor) if last else ""
    if who:
        return _(
            "%(who)s has just moved this deal to %(stage)s. The page now shows its current state."
        ) % {"who": who, "stage": deal.get_stage_display()}
    return _("This deal has just moved to %(stage)s. The page now shows its current state.") % {
        "stage": deal.get_stage_display()
    }
