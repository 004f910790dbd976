"""Every write of the orders app, one module per topic.

Each service runs in one transaction, checks the actor against the role map, records
what happened in the same transaction, and announces stage entries with the
``stage_entered`` signal so the hand-over process can react inside that transaction.
"""

from orders.services.attachments import attachment_add, attachment_store
from orders.services.counterparties import counterparty_save
from orders.services.deals import (
    HANDOVER_FIELDS,
    TransitionResult,
    deal_create,
    deal_transition,
    deal_update,
    deals_transition,
)
from orders.services.history import record_stage_changes

__all__ = [
    "HANDOVER_FIELDS",
    "TransitionResult",
    "attachment_add",
    "attachment_store",
    "counterparty_save",
    "deal_create",
    "deal_transition",
    "deal_update",
    "deals_transition",
    "record_stage_changes",
]
