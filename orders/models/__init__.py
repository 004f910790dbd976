"""The orders app's models, one module per topic."""

from orders.models.attachments import Attachment, attachment_path
from orders.models.common import Currency, Incoterms
from orders.models.counterparties import Contact, Counterparty
from orders.models.deals import Deal, DealQuerySet, StageChange

__all__ = [
    "Attachment",
    "Contact",
    "Counterparty",
    "Currency",
    "Deal",
    "DealQuerySet",
    "Incoterms",
    "StageChange",
    "attachment_path",
]
