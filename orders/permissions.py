"""Object-level rules for deals, built on the role map in ``fulfilment.roles``."""

from django.utils.translation import gettext as _

from fulfilment.roles import Can, can


def deal_is_editable_by(user, deal) -> bool:
    return can(user, Can.EDIT_ANY_DEAL) or (
        can(user, Can.EDIT_OWN_DEALS) and deal.manager_id == user.pk
    )


def deal_edit_refusals(user, deal) -> list[str]:
    """Why ``user`` may not change ``deal`` (its card, its stage, its files); empty if they may."""
    if not deal_is_editable_by(user, deal):
        return [_("Only the deal's manager or the operations director can change this deal.")]
    if not deal.is_open:
        return [_("A completed or lost deal is read-only.")]
    return []


def record_refusals(user, deal, capability: Can) -> list[str]:
    """Why ``user`` may not change a record of ``deal`` (a supplier order, a contract)."""
    if not can(user, capability):
        return [_("Your role does not include this work.")]
    if deal.stage != deal.Stage.REALIZATION:
        return [_("The deal is not in Realization: its records are read-only.")]
    return []
