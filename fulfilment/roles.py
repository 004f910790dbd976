"""Who may see and do what: the one map every view and service consults.

Roles are Django groups (created by a data migration, named by ``Role``'s values).
A user's capabilities are the union of their roles' capabilities; a superuser has all.
Object-level rules ("only the deal's own manager") live next to the objects, in each
app's ``permissions`` module, and are built on the capabilities named here.

This module imports no app, so every app may use it.
"""

import functools
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SALES_MANAGER = "Sales manager", _("Sales manager")
    FINANCE = "Finance", _("Finance")
    FOREIGN_TRADE = "Foreign trade", _("Foreign trade")
    LEGAL = "Legal", _("Legal")
    PROCUREMENT = "Procurement", _("Procurement")
    LOGISTICS = "Logistics", _("Logistics")
    ACCOUNTING = "Accounting", _("Accounting")
    OPERATIONS_DIRECTOR = "Operations director", _("Operations director")


class Can(StrEnum):
    # Deals
    VIEW_OWN_DEALS = "deal.view_own"
    VIEW_REALIZATION_DEALS = "deal.view_realization"  # every deal that has a number
    VIEW_ALL_DEALS = "deal.view_all"
    CREATE_DEALS = "deal.create"
    EDIT_OWN_DEALS = "deal.edit_own"
    EDIT_ANY_DEAL = "deal.edit_any"
    # Counterparties
    VIEW_COUNTERPARTIES = "counterparty.view"
    EDIT_COUNTERPARTIES = "counterparty.edit"
    # Records of a deal in realization
    MANAGE_SUPPLIER_ORDERS = "supplier_order.manage"
    MANAGE_CONTRACTS = "contract.manage"
    MANAGE_SPECIFICATIONS = "specification.manage"
    # Payments
    VIEW_PAYMENTS = "payment.view"
    RECORD_PAYMENTS = "payment.record"
    CHOOSE_PAYMENT_TERMS = "payment_term.choose"
    # Tasks (acting on a task also needs membership of its department; see handover)
    VIEW_ALL_TASKS = "task.view_all"
    VIEW_CONTROL_TOWER = "tower.view"
    PREVIEW_RULES = "rule.preview"  # administrators only


BACK_OFFICE = frozenset({Can.VIEW_REALIZATION_DEALS, Can.VIEW_COUNTERPARTIES})

PERMISSIONS: dict[Role, frozenset[Can]] = {
    Role.SALES_MANAGER: frozenset(
        {
            Can.VIEW_OWN_DEALS,
            Can.CREATE_DEALS,
            Can.EDIT_OWN_DEALS,
            Can.VIEW_COUNTERPARTIES,
            Can.EDIT_COUNTERPARTIES,
        }
    ),
    Role.FINANCE: BACK_OFFICE | {Can.VIEW_PAYMENTS},
    Role.FOREIGN_TRADE: BACK_OFFICE,
    Role.LEGAL: BACK_OFFICE
    | {
        Can.EDIT_COUNTERPARTIES,
        Can.MANAGE_CONTRACTS,
        Can.MANAGE_SPECIFICATIONS,
        Can.CHOOSE_PAYMENT_TERMS,
    },
    Role.PROCUREMENT: BACK_OFFICE
    | {
        Can.EDIT_COUNTERPARTIES,
        Can.MANAGE_SUPPLIER_ORDERS,
        Can.MANAGE_SPECIFICATIONS,
        Can.CHOOSE_PAYMENT_TERMS,
    },
    # Logistics moves supplier orders along (shipped, delivered) with their dates.
    Role.LOGISTICS: BACK_OFFICE | {Can.MANAGE_SUPPLIER_ORDERS},
    Role.ACCOUNTING: BACK_OFFICE
    | {Can.VIEW_PAYMENTS, Can.RECORD_PAYMENTS, Can.CHOOSE_PAYMENT_TERMS},
    Role.OPERATIONS_DIRECTOR: frozenset(
        {
            Can.VIEW_ALL_DEALS,
            Can.EDIT_ANY_DEAL,
            Can.VIEW_COUNTERPARTIES,
            Can.EDIT_COUNTERPARTIES,
            Can.VIEW_ALL_TASKS,
            Can.VIEW_CONTROL_TOWER,
            Can.MANAGE_SUPPLIER_ORDERS,
            Can.MANAGE_CONTRACTS,
            Can.MANAGE_SPECIFICATIONS,
            Can.VIEW_PAYMENTS,
            Can.CHOOSE_PAYMENT_TERMS,
        }
    ),
}

ALL_CAPABILITIES = frozenset(Can)


def roles_of(user) -> frozenset[Role]:
    """The user's roles, read once per user object (one query)."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(role for role in Role if role.value in names)
        user._roles = cached
    return cached


def capabilities_of(user) -> frozenset[Can]:
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return ALL_CAPABILITIES
    result: frozenset[Can] = frozenset()
    for role in roles_of(user):
        result |= PERMISSIONS[role]
    return result


def can(user, capability: Can) -> bool:
    return capability in capabilities_of(user)


def capability_required(capability: Can):
    """A view decorator: the view answers 403 to a user without ``capability``."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not can(request.user, capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
