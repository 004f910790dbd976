"""Generating documents: render outside any lock, then store the version in a short transaction."""

import hashlib
import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import translation
from django.utils.translation import gettext as _

from fulfilment.roles import Can
from fulfilment.templatetags.people import full_name
from orders.models import Contract, DocumentVersion, Specification, SupplierOrder
from orders.pdf import render_pdf
from orders.permissions import record_refusals

Kind = DocumentVersion.Kind

TEMPLATES = {
    Kind.CONTRACT: "documents/contract.html",
    Kind.SPECIFICATION: "documents/specification.html",
    Kind.SUPPLIER_ORDER: "documents/supplier_order.html",
}
MODELS = {
    Kind.CONTRACT: Contract,
    Kind.SPECIFICATION: Specification,
    Kind.SUPPLIER_ORDER: SupplierOrder,
}
CAPABILITIES = {
    Kind.CONTRACT: Can.MANAGE_CONTRACTS,
    Kind.SPECIFICATION: Can.MANAGE_SPECIFICATIONS,
    Kind.SUPPLIER_ORDER: Can.MANAGE_SUPPLIER_ORDERS,
}


def _specification(spec: Specification) -> dict:
    lines = list(spec.lines.all())
    return {"number": spec.number, "date": spec.date, "lines": lines, "totals": spec.totals(lines)}


def document_context(kind: str, record) -> dict:
    """Everything a document template shows, read in a fixed number of queries."""
    if kind == Kind.SUPPLIER_ORDER:
        order = SupplierOrder.objects.select_related("deal", "supplier", "contract", "buyer").get(
            pk=record.pk
        )
        deal = order.deal
        context = {
            "order": order,
            "lines": list(order.specification_lines.order_by("specification", "position")),
            "buyer_name": full_name(order.buyer),
            "number": order.number,
            "title": order.number,
        }
    elif kind == Kind.SPECIFICATION:
        spec = Specification.objects.select_related("contract__deal", "contract__counterparty").get(
            pk=record.pk
        )
        deal = spec.contract.deal
        context = {
            "spec": _specification(spec),
            "contract": spec.contract,
            "currency": deal.currency,
            "number": spec.number,
            "title": spec.number,
        }
    else:
        contract = Contract.objects.select_related("deal", "counterparty").get(pk=record.pk)
        deal = contract.deal
        specs = contract.specifications.prefetch_related("lines").order_by("pk")
        context = {
            "contract": contract,
            "specs": [_specification(spec) for spec in specs],
            "currency": deal.currency,
            "number": contract.number,
            "title": contract.number,
        }
    return {
        **context,
        "deal": deal,
        "realization_number": deal.realization_number,
        "company_name": settings.COMPANY_NAME,
        "city": settings.COMPANY_CITY,
        "LANGUAGE_CODE": settings.LANGUAGE_CODE,
    }


def _contract_of(record, kind: str) -> Contract | None:
    if kind == Kind.CONTRACT:
        return record
    if kind == Kind.SPECIFICATION:
        return record.contract
    return None


def _refuse_if_final(contract: Contract | None) -> None:
    """A signed contract's documents stay as they were signed; a cancelled one's too."""
    if contract is None or contract.is_editable:
        return
    raise PermissionDenied(
        _(
            "Contract %(number)s is %(stage)s: its documents stay as they were, "
            "and changes are made by a supplementary agreement."
        )
        % {"number": contract.number, "stage": contract.get_stage_display().lower()}
    )


def document_generate(*, record, kind: str, actor) -> DocumentVersion:
    """Render the record's document and keep it as its next version."""
    deal = record.contract.deal if kind == Kind.SPECIFICATION else record.deal
    refusals = record_refusals(actor, deal, CAPABILITIES[kind])
    if refusals:
        raise PermissionDenied(refusals[0])
    _refuse_if_final(_contract_of(record, kind))
    # Rendering takes a while: it happens before, and outside, the transaction that
    # takes the record's lock to number the version.
    context = document_context(kind, record)
    with translation.override(settings.LANGUAGE_CODE):
        pdf, pages = render_pdf(TEMPLATES[kind], context)
    version = DocumentVersion(
        uuid=uuid.uuid4(),
        deal=context["deal"],
        content_type=ContentType.objects.get_for_model(MODELS[kind]),
        object_id=record.pk,
        kind=kind,
        number=context["number"],
        record_state=getattr(record, "stage", "")
        or getattr(getattr(record, "contract", None), "stage", ""),
        size=len(pdf),
        pages=pages,
        sha256=hashlib.sha256(pdf).hexdigest(),
        created_by=actor,
    )
    version.file.save(version.uuid.hex, ContentFile(pdf), save=False)
    try:
        with transaction.atomic():
            contract = _contract_of(record, kind)
            if contract is not None:
                # The contract's row lock orders this version against its signing: a
                # contract signed while the PDF was rendering gets no new version.
                _refuse_if_final(
                    Contract.objects.select_for_update()
                    .only("pk", "number", "stage")
                    .get(pk=contract.pk)
                )
            # The record's row lock numbers versions one at a time.
            list(MODELS[kind].objects.select_for_update().filter(pk=record.pk).values_list("pk"))
            last = DocumentVersion.objects.filter(
                content_type=version.content_type, object_id=record.pk, kind=kind
            ).aggregate(last=Max("version"))["last"]
            version.version = (last or 0) + 1
            version.save()
    except Exception:
        version.file.delete(save=False)
        raise
    return version
