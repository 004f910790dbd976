"""The kinds of object whose stage entries can fire automation rules, and what a rule may say.

Each trigger names its model, the stages it can enter, the placeholders its templates
may use and how to fill them. Supplier orders and contracts plug in here with their own
entries; the rule engine needs no change.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.template.defaultfilters import date as format_date
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from fulfilment.templatetags.people import full_name
from orders.models import Contract, Deal, SupplierOrder


def _deal_context(deal: Deal) -> dict[str, str]:
    return {
        "number": deal.realization_number or f"#{deal.pk}",
        "deal": deal.title,
        "customer": deal.customer.name if deal.customer else "",
        "amount": number_format(deal.amount, 2, force_grouping=True) if deal.amount else "",
        "currency": deal.currency,
        "manager": full_name(deal.manager),
        "required_date": _date(deal.required_delivery_date),
    }


def _date(value) -> str:
    return format_date(value, "SHORT_DATE_FORMAT") if value else ""


def _supplier_order_context(order: SupplierOrder) -> dict[str, str]:
    return {
        "number": order.number,
        "deal_number": order.deal.realization_number or "",
        "deal": order.deal.title,
        "supplier": order.supplier.name,
        "amount": number_format(order.amount, 2, force_grouping=True),
        "currency": order.currency,
        "planned_date": _date(order.planned_delivery_date),
        "shipment_date": _date(order.shipment_date),
        "buyer": full_name(order.buyer),
    }


def _contract_context(contract: Contract) -> dict[str, str]:
    return {
        "number": contract.number,
        "deal_number": contract.deal.realization_number or "",
        "deal": contract.deal.title,
        "counterparty": contract.counterparty.name,
        "kind": str(contract.get_kind_display()),
        "contract_date": _date(contract.contract_date),
    }


SUPPLIER_ORDER_PLACEHOLDERS = {
    "number": _("supplier order number, e.g. R-2026-00042/SO-1"),
    "deal_number": _("realization number"),
    "deal": _("deal title"),
    "supplier": _("supplier name"),
    "amount": _("order amount"),
    "currency": _("order currency"),
    "planned_date": _("planned delivery date"),
    "shipment_date": _("shipment date"),
    "buyer": _("responsible buyer"),
}

CONTRACT_PLACEHOLDERS = {
    "number": _("contract number, e.g. R-2026-00042/C-1"),
    "deal_number": _("realization number"),
    "deal": _("deal title"),
    "counterparty": _("counterparty name"),
    "kind": _("with the supplier or with the customer"),
    "contract_date": _("contract date"),
}

DEAL_PLACEHOLDERS = {
    "number": _("realization number, e.g. R-2026-00042"),
    "deal": _("deal title"),
    "customer": _("customer name"),
    "amount": _("deal amount"),
    "currency": _("deal currency"),
    "manager": _("the deal's manager"),
    "required_date": _("required delivery date"),
}


@dataclass(frozen=True)
class Trigger:
    kind: str
    label: str
    model: type[models.Model]
    context: Callable[[models.Model], dict[str, str]]
    placeholders: dict[str, str]
    deal_of: Callable[[models.Model], Deal]
    # Stages after which nothing more happens to the object: entering one ends whatever
    # an earlier stage entry was fired for.
    closing_stages: tuple[str, ...]
    # Relations a batch needs to fill the placeholders without a query per object.
    related: tuple[str, ...] = field(default=())

    @property
    def stages(self) -> list[tuple[str, str]]:
        return list(self.model._meta.get_field("stage").choices)

    def stages_ending(self, stage: str) -> frozenset[str]:
        """The stages that, entered after an entry into ``stage``, end that entry.

        The object is expected to move forward (a supplier order goes on from ordered to
        confirmed and shipped while its tasks are worked on), so moving on ends nothing.
        Closing ends it; so does going back before ``stage`` (a deal returned to
        negotiation) or entering ``stage`` again, which is a newer entry with rules of its
        own. "Before" follows the order of the model's stage choices.
        """
        order = [value for value, _label in self.stages]
        return frozenset(order[: order.index(stage) + 1]) | frozenset(self.closing_stages)


TRIGGERS: dict[str, Trigger] = {
    "orders.deal": Trigger(
        kind="orders.deal",
        label=_("Deal"),
        model=Deal,
        context=_deal_context,
        placeholders=DEAL_PLACEHOLDERS,
        deal_of=lambda deal: deal,
        closing_stages=Deal.CLOSED_STAGES,
        related=("customer", "manager"),
    ),
    "orders.supplierorder": Trigger(
        kind="orders.supplierorder",
        label=_("Supplier order"),
        model=SupplierOrder,
        context=_supplier_order_context,
        placeholders=SUPPLIER_ORDER_PLACEHOLDERS,
        deal_of=lambda order: order.deal,
        closing_stages=(SupplierOrder.Stage.CLOSED, SupplierOrder.Stage.CANCELLED),
        related=("deal", "supplier", "buyer"),
    ),
    "orders.contract": Trigger(
        kind="orders.contract",
        label=_("Contract"),
        model=Contract,
        context=_contract_context,
        placeholders=CONTRACT_PLACEHOLDERS,
        deal_of=lambda contract: contract.deal,
        # A signed contract stays in force: only cancelling it closes it.
        closing_stages=(Contract.Stage.CANCELLED,),
        related=("deal", "counterparty"),
    ),
}


def trigger_for_model(model: type[models.Model]) -> Trigger | None:
    return TRIGGERS.get(model._meta.label_lower)


def kind_choices() -> list[tuple[str, str]]:
    return [(kind, trigger.label) for kind, trigger in TRIGGERS.items()]


def stage_choices() -> list[tuple[str, str]]:
    """Every stage of every trigger, labelled with its kind, for the rule form."""
    return [
        (stage, f"{trigger.label}: {label}")
        for trigger in TRIGGERS.values()
        for stage, label in trigger.stages
    ]
