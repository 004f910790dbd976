"""Every write of the orders app, one module per topic.

Each service runs in one transaction, checks the actor against the role map, records
what happened in the same transaction, and announces stage entries with the
``stage_entered`` signal so the hand-over process can react inside that transaction.
"""

from orders.services.attachments import attachment_add, attachment_store
from orders.services.contracts import (
    agreement_add,
    contract_attachment_add,
    contract_create,
    contract_transition,
    contract_update,
    specification_create,
    specification_save_lines,
)
from orders.services.counterparties import counterparty_save
from orders.services.deals import (
    HANDOVER_FIELDS,
    TransitionResult,
    deal_create,
    deal_transition,
    deal_update,
    deals_transition,
)
from orders.services.documents import document_generate
from orders.services.history import record_stage_changes
from orders.services.supplier_orders import (
    supplier_order_attachment_add,
    supplier_order_create,
    supplier_order_transition,
    supplier_order_update,
)

__all__ = [
    "HANDOVER_FIELDS",
    "TransitionResult",
    "agreement_add",
    "attachment_add",
    "attachment_store",
    "contract_attachment_add",
    "contract_create",
    "contract_transition",
    "contract_update",
    "counterparty_save",
    "deal_create",
    "deal_transition",
    "deal_update",
    "deals_transition",
    "document_generate",
    "record_stage_changes",
    "specification_create",
    "specification_save_lines",
    "supplier_order_attachment_add",
    "supplier_order_create",
    "supplier_order_transition",
    "supplier_order_update",
]
