"""The deal card's own panels: contracts, supplier orders, documents."""

from django.http import HttpRequest

from fulfilment.roles import Can
from orders import selectors
from orders.models import Deal
from orders.panels import DealPanel, register_deal_panel
from orders.permissions import record_refusals


def _in_realization_or_after(deal: Deal) -> bool:
    return bool(deal.realization_number)


def contracts_panel(request: HttpRequest, deal: Deal) -> dict | None:
    if not _in_realization_or_after(deal):
        return None
    return {
        "deal": deal,
        "contracts": selectors.deal_contracts(deal),
        "can_create": not record_refusals(request.user, deal, Can.MANAGE_CONTRACTS),
    }


def supplier_orders_panel(request: HttpRequest, deal: Deal) -> dict | None:
    if not _in_realization_or_after(deal):
        return None
    return {
        "deal": deal,
        "summary": selectors.deal_supplier_orders(deal),
        "can_create": not record_refusals(request.user, deal, Can.MANAGE_SUPPLIER_ORDERS),
    }


def documents_panel(request: HttpRequest, deal: Deal) -> dict | None:
    documents = selectors.deal_documents(deal)
    if not documents:
        return None
    return {"deal": deal, "documents": documents}


def register() -> None:
    register_deal_panel(
        DealPanel("contracts", "orders/partials/deal_contracts.html", contracts_panel, order=20)
    )
    register_deal_panel(
        DealPanel(
            "supplier_orders",
            "orders/partials/deal_supplier_orders.html",
            supplier_orders_panel,
            order=30,
        )
    )
    register_deal_panel(
        DealPanel("documents", "orders/partials/deal_documents.html", documents_panel, order=40)
    )
