"""Supplier order pages: the board, the list, the card, its steps, its files and documents."""

from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fulfilment.roles import Can
from orders import selectors, services
from orders.forms import (
    AttachmentForm,
    SupplierOrderFilterForm,
    SupplierOrderForm,
    SupplierOrderTransitionForm,
)
from orders.models import Attachment, DocumentVersion, SupplierOrder
from orders.panels import deal_panels
from orders.permissions import record_refusals
from orders.views.common import add_service_errors, attach_posted_file, report_errors
from orders.workflow import TransitionConflict, TransitionRefused, transition_options


def _filters(request: HttpRequest) -> tuple[SupplierOrderFilterForm, dict]:
    form = SupplierOrderFilterForm(request.GET or None)
    filters = {"user": request.user}
    if form.is_valid():
        supplier = form.cleaned_data["supplier"]
        filters.update(
            text=form.cleaned_data["q"],
            supplier_id=supplier.pk if supplier else None,
            stage=form.cleaned_data["stage"],
            late=form.cleaned_data["late"],
        )
    return form, filters


@require_GET
def supplier_order_board(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    filters.pop("stage", None)
    context = {
        "form": form,
        "columns": selectors.supplier_order_board(**filters),
        "today": timezone.localdate(),
    }
    if request.htmx and request.htmx.target == "board":
        return render(request, "orders/partials/supplier_order_columns.html", context)
    return render(request, "orders/supplier_order_board.html", context)


@require_GET
def supplier_order_list(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    context = {
        "form": form,
        "orders": selectors.supplier_order_rows(**filters)[:500],
        "today": timezone.localdate(),
    }
    if request.htmx and request.htmx.target == "order-rows":
        return render(request, "orders/partials/supplier_order_rows.html", context)
    return render(request, "orders/supplier_order_list.html", context)


def _visible_order(request: HttpRequest, pk: int) -> SupplierOrder:
    return get_object_or_404(
        selectors.supplier_orders_visible_to(request.user).select_related(
            "deal", "supplier", "contract", "buyer"
        ),
        pk=pk,
    )


def _order_context(request: HttpRequest, order: SupplierOrder) -> dict:
    refusals = record_refusals(request.user, order.deal, Can.MANAGE_SUPPLIER_ORDERS)
    return {
        "order": order,
        "deal": order.deal,
        "today": timezone.localdate(),
        "can_edit": not refusals
        and order.stage not in (SupplierOrder.Stage.CLOSED, SupplierOrder.Stage.CANCELLED),
        "options": [] if refusals else transition_options(order, "stage"),
        "lines": order.specification_lines.select_related("specification"),
        "history": selectors.record_history(order),
        "attachments": selectors.record_attachments(order),
        "attachment_form": AttachmentForm(
            initial={"category": Attachment.Category.SUPPLIER_INVOICE}
        ),
        "documents": selectors.record_documents(order),
        "document_kind": DocumentVersion.Kind.SUPPLIER_ORDER,
        "can_generate": not refusals,
        "panels": deal_panels(request, order),
    }


@require_GET
def supplier_order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = _visible_order(request, pk)
    template = (
        "orders/partials/supplier_order_card.html"
        if request.htmx
        else "orders/supplier_order_detail.html"
    )
    return render(request, template, _order_context(request, order))


@require_http_methods(["GET", "POST"])
def supplier_order_create(request: HttpRequest, deal_pk: int) -> HttpResponse:
    deal = get_object_or_404(selectors.deals_visible_to(request.user), pk=deal_pk)
    refusals = record_refusals(request.user, deal, Can.MANAGE_SUPPLIER_ORDERS)
    if refusals:
        raise PermissionDenied(refusals[0])
    form = SupplierOrderForm(
        request.POST or None,
        deal=deal,
        initial={
            "currency": deal.currency,
            "planned_delivery_date": deal.required_delivery_date,
            "buyer": request.user,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        lines = list(data.pop("specification_lines", []))
        try:
            order = services.supplier_order_create(
                deal=deal, actor=request.user, data=data, lines=lines
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as denied:
            form.add_error(None, str(denied))
        else:
            messages.success(
                request, _("Supplier order %(number)s is created.") % {"number": order.number}
            )
            return redirect(order)
    return render(
        request, "orders/supplier_order_form.html", {"form": form, "deal": deal, "order": None}
    )


@require_http_methods(["GET", "POST"])
def supplier_order_edit(request: HttpRequest, pk: int) -> HttpResponse:
    order = _visible_order(request, pk)
    form = SupplierOrderForm(request.POST or None, instance=order, deal=order.deal)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        lines = list(data.pop("specification_lines", []))
        try:
            services.supplier_order_update(order=order, actor=request.user, data=data, lines=lines)
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as denied:
            messages.error(request, str(denied))
            return redirect(order)
        else:
            messages.success(request, _("Saved."))
            return redirect(order)
    return render(
        request,
        "orders/supplier_order_form.html",
        {"form": form, "deal": order.deal, "order": order},
    )


@require_POST
def supplier_order_transition(request: HttpRequest, pk: int) -> HttpResponse:
    order = _visible_order(request, pk)
    form = SupplierOrderTransitionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    else:
        try:
            order = services.supplier_order_transition(
                order=order,
                name=form.cleaned_data["name"],
                actor=request.user,
                dates=form.dates(),
                comment=form.cleaned_data["comment"],
                expected_stage=form.cleaned_data["expected_stage"],
            )
        except (TransitionRefused, TransitionConflict) as refusal:
            report_errors(request, refusal)
            order = _visible_order(request, pk)
        else:
            messages.success(
                request,
                _("%(number)s is now “%(stage)s”.")
                % {"number": order.number, "stage": order.get_stage_display()},
            )
    if request.htmx:
        return render(
            request,
            "orders/partials/supplier_order_card.html",
            _order_context(request, _visible_order(request, pk)),
        )
    return redirect(order)


@require_POST
def supplier_order_attach(request: HttpRequest, pk: int) -> HttpResponse:
    order = _visible_order(request, pk)
    return attach_posted_file(
        request,
        partial(services.supplier_order_attachment_add, order=order),
        order.get_absolute_url() + "#files",
    )
