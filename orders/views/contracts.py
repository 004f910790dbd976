"""Contract and specification pages, supplementary agreements, and generated documents."""

from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fulfilment.roles import Can
from orders import selectors, services
from orders.forms import (
    AgreementForm,
    AttachmentForm,
    ContractForm,
    ContractTransitionForm,
    DocumentForm,
    SpecificationForm,
    SpecificationLineFormSet,
)
from orders.models import Attachment, Contract, DocumentVersion, Specification
from orders.permissions import record_refusals
from orders.services.documents import MODELS
from orders.views.common import add_service_errors, attach_posted_file, report_errors
from orders.workflow import TransitionConflict, TransitionRefused, transition_options


def _visible_contract(request: HttpRequest, pk: int) -> Contract:
    deals = selectors.deals_visible_to(request.user).values("pk")
    return get_object_or_404(
        Contract.objects.filter(deal__in=deals).select_related("deal", "counterparty", "signed_by"),
        pk=pk,
    )


def _contract_context(request: HttpRequest, contract: Contract) -> dict:
    refusals = record_refusals(request.user, contract.deal, Can.MANAGE_CONTRACTS)
    spec_refusals = record_refusals(request.user, contract.deal, Can.MANAGE_SPECIFICATIONS)
    return {
        "contract": contract,
        "deal": contract.deal,
        "can_edit": not refusals and contract.is_editable,
        "can_add_agreement": not refusals and contract.stage == Contract.Stage.SIGNED,
        "can_add_specification": not spec_refusals and contract.is_editable,
        "options": [] if refusals else transition_options(contract, "stage"),
        "today": timezone.localdate(),
        "specifications": contract.specifications.order_by("pk"),
        "agreements": contract.agreements.select_related("created_by"),
        "agreement_form": AgreementForm(),
        "specification_form": SpecificationForm(initial={"date": timezone.localdate()}),
        "history": selectors.record_history(contract),
        "attachments": selectors.record_attachments(contract),
        "attachment_form": AttachmentForm(
            initial={"category": Attachment.Category.SIGNED_CONTRACT}
        ),
        "documents": selectors.record_documents(contract),
        "document_kind": DocumentVersion.Kind.CONTRACT,
        "can_generate": not refusals and contract.is_editable,
    }


@require_GET
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _visible_contract(request, pk)
    template = (
        "orders/partials/contract_card.html" if request.htmx else "orders/contract_detail.html"
    )
    return render(request, template, _contract_context(request, contract))


@require_http_methods(["GET", "POST"])
def contract_create(request: HttpRequest, deal_pk: int) -> HttpResponse:
    deal = get_object_or_404(selectors.deals_visible_to(request.user), pk=deal_pk)
    refusals = record_refusals(request.user, deal, Can.MANAGE_CONTRACTS)
    if refusals:
        raise PermissionDenied(refusals[0])
    form = ContractForm(request.POST or None, initial={"payment_terms_text": ""})
    if request.method == "POST" and form.is_valid():
        try:
            contract = services.contract_create(
                deal=deal, actor=request.user, data=form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as denied:
            form.add_error(None, str(denied))
        else:
            messages.success(
                request, _("Contract %(number)s is created.") % {"number": contract.number}
            )
            return redirect(contract)
    return render(
        request, "orders/contract_form.html", {"form": form, "deal": deal, "contract": None}
    )


@require_http_methods(["GET", "POST"])
def contract_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _visible_contract(request, pk)
    form = ContractForm(request.POST or None, instance=contract)
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_update(contract=contract, actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as denied:
            messages.error(request, str(denied))
            return redirect(contract)
        else:
            messages.success(request, _("Saved."))
            return redirect(contract)
    return render(
        request,
        "orders/contract_form.html",
        {"form": form, "deal": contract.deal, "contract": contract},
    )


@require_POST
def contract_transition(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _visible_contract(request, pk)
    form = ContractTransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The request was incomplete; please try again."))
    else:
        dates = (
            {"contract_date": form.cleaned_data["contract_date"]}
            if form.cleaned_data["contract_date"]
            else {}
        )
        try:
            contract = services.contract_transition(
                contract=contract,
                name=form.cleaned_data["name"],
                actor=request.user,
                dates=dates,
                comment=form.cleaned_data["comment"],
                expected_stage=form.cleaned_data["expected_stage"],
            )
        except (TransitionRefused, TransitionConflict) as refusal:
            report_errors(request, refusal)
        else:
            messages.success(
                request,
                _("%(number)s is now “%(stage)s”.")
                % {"number": contract.number, "stage": contract.get_stage_display()},
            )
    if request.htmx:
        return render(
            request,
            "orders/partials/contract_card.html",
            _contract_context(request, _visible_contract(request, pk)),
        )
    return redirect(contract)


@require_POST
def contract_attach(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _visible_contract(request, pk)
    return attach_posted_file(
        request,
        partial(services.contract_attachment_add, contract=contract),
        contract.get_absolute_url() + "#files",
    )


@require_POST
def agreement_add(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _visible_contract(request, pk)
    form = AgreementForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            agreement = services.agreement_add(
                contract=contract,
                actor=request.user,
                date=form.cleaned_data["date"],
                subject=form.cleaned_data["subject"],
                upload=form.cleaned_data["file"],
            )
        except (ValidationError, PermissionDenied) as error:
            report_errors(request, error)
        else:
            messages.success(
                request,
                _("Supplementary agreement %(agreement)s is added.") % {"agreement": agreement},
            )
    else:
        report_errors(
            request, ValidationError([e for errors in form.errors.values() for e in errors])
        )
    return redirect(contract.get_absolute_url() + "#agreements")


@require_POST
def specification_create(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _visible_contract(request, pk)
    form = SpecificationForm(request.POST)
    if form.is_valid():
        try:
            spec = services.specification_create(
                contract=contract, actor=request.user, date=form.cleaned_data["date"]
            )
        except (ValidationError, PermissionDenied) as error:
            report_errors(request, error)
        else:
            return redirect(spec)
    else:
        report_errors(
            request, ValidationError([e for errors in form.errors.values() for e in errors])
        )
    return redirect(contract)


def _visible_specification(request: HttpRequest, pk: int) -> Specification:
    deals = selectors.deals_visible_to(request.user).values("pk")
    return get_object_or_404(
        Specification.objects.filter(contract__deal__in=deals).select_related(
            "contract__deal", "contract__counterparty"
        ),
        pk=pk,
    )


def _line_initial(lines) -> list[dict]:
    fields = (
        "id",
        "name",
        "quantity",
        "unit",
        "unit_price",
        "vat_rate",
        "hs_code",
        "country_of_origin",
        "delivery_time",
    )
    return [{name: getattr(line, name) for name in fields} for line in lines]


@require_http_methods(["GET", "POST"])
def specification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    spec = _visible_specification(request, pk)
    contract = spec.contract
    refusals = record_refusals(request.user, contract.deal, Can.MANAGE_SPECIFICATIONS)
    editable = not refusals and contract.is_editable
    lines, totals = selectors.specification_with_lines(spec)
    formset = SpecificationLineFormSet(prefix="lines", initial=_line_initial(lines))
    if request.method == "POST":
        if not editable:
            raise PermissionDenied(
                (refusals or [_("The contract is signed: its specification is read-only.")])[0]
            )
        formset = SpecificationLineFormSet(
            request.POST, prefix="lines", initial=_line_initial(lines)
        )
        if formset.is_valid():
            kept = [
                form.cleaned_data
                for form in formset.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")
            ]
            try:
                services.specification_save_lines(
                    specification=spec, actor=request.user, lines=kept
                )
            except ValidationError as error:
                formset_errors = error.messages
            else:
                messages.success(request, _("The specification is saved."))
                if not request.htmx:
                    return redirect(spec)
                lines, totals = selectors.specification_with_lines(spec)
                formset = SpecificationLineFormSet(prefix="lines", initial=_line_initial(lines))
                formset_errors = []
        else:
            formset_errors = [_("Correct the lines marked below.")]
        for message in formset_errors:
            messages.error(request, message)
    context = {
        "spec": spec,
        "contract": contract,
        "deal": contract.deal,
        "lines": lines,
        "totals": totals,
        "formset": formset,
        "editable": editable,
        "documents": selectors.record_documents(spec),
        "document_kind": DocumentVersion.Kind.SPECIFICATION,
        "can_generate": not refusals and contract.is_editable,
    }
    if request.htmx and request.htmx.target == "spec-lines":
        return render(request, "orders/partials/spec_lines.html", context)
    return render(request, "orders/specification_detail.html", context)


@require_GET
def specification_new_line(request: HttpRequest, pk: int) -> HttpResponse:
    """One empty line for the formset, and the form count raised to match (htmx)."""
    _visible_specification(request, pk)
    try:
        index = max(int(request.GET.get("lines-TOTAL_FORMS", "0")), 0)
    except ValueError:
        index = 0
    formset = SpecificationLineFormSet(prefix="lines")
    form = formset.form(prefix=f"lines-{index}", empty_permitted=True, use_required_attribute=False)
    formset.add_fields(form, None)
    return render(
        request,
        "orders/partials/spec_line_row.html",
        {"form": form, "total": index + 1, "new": True},
    )


# --- Documents ------------------------------------------------------------------------------


@require_POST
def document_generate(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    if kind not in MODELS:
        raise PermissionDenied
    form = DocumentForm({"kind": kind})
    deals = selectors.deals_visible_to(request.user).values("pk")
    model = MODELS[kind]
    deal_lookup = "contract__deal__in" if model is Specification else "deal__in"
    record = get_object_or_404(model.objects.filter(**{deal_lookup: deals}), pk=pk)
    if form.is_valid():
        try:
            version = services.document_generate(record=record, kind=kind, actor=request.user)
        except PermissionDenied as denied:
            messages.error(request, str(denied))
        else:
            messages.success(request, _("%(document)s is ready.") % {"document": version})
    return redirect(record.get_absolute_url() + "#documents")


@require_GET
def document_download(request: HttpRequest, uuid) -> FileResponse:
    version = get_object_or_404(selectors.documents_visible_to(request.user), uuid=uuid)
    return FileResponse(
        version.file.open("rb"),
        as_attachment=False,
        filename=version.filename,
        content_type="application/pdf",
    )
