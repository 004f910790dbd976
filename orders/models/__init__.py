"""The orders app's models, one module per topic."""

from orders.models.attachments import Attachment, attachment_path
from orders.models.common import Currency, Incoterms
from orders.models.contracts import (
    Contract,
    Specification,
    SpecificationLine,
    SupplementaryAgreement,
    validate_hs_code,
)
from orders.models.counterparties import Contact, Counterparty
from orders.models.deals import Deal, DealQuerySet, StageChange
from orders.models.documents import DocumentVersion, document_path
from orders.models.supplier_orders import SupplierOrder, SupplierOrderQuerySet

__all__ = [
    "Attachment",
    "Contact",
    "Contract",
    "Counterparty",
    "Currency",
    "Deal",
    "DealQuerySet",
    "DocumentVersion",
    "Incoterms",
    "Specification",
    "SpecificationLine",
    "StageChange",
    "SupplementaryAgreement",
    "SupplierOrder",
    "SupplierOrderQuerySet",
    "attachment_path",
    "document_path",
    "validate_hs_code",
]
