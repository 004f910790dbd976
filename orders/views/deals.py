"""Deal pages: the board, the card, the hand-over form, steps, files, the number search."""

from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fulfilment.roles import Can, can, capability_required
from orders import selectors, services
from orders.forms import (
    AttachmentForm,
    BoardFilterForm,
    DealCreateForm,
    DealForm,
    TransitionForm,
)
from orders.models import Deal
from orders.panels import deal_panels
from orders.permissions import deal_edit_refusals
from orders.timeline import deal_timeline
from orders.views.common import add_service_errors, attach_posted_file
from orders.workflow import TransitionConflict, TransitionRefused, transition_options


@require_GET
def deal_board(request: HttpRequest) -> HttpResponse:
    form = BoardFilterForm(request.GET or None)
    manager_id, text = None, ""
    if form.is_valid():
        manager = form.cleaned_data["manager"]
        manager_id = manager.pk if manager else None
        text = form.cleaned_data["q"]
    columns = selectors.deal_board(user=request.user, manager_id=manager_id, text=text)
    context = {
        "form": form,
        "columns": columns,
        "can_create": can(request.user, Can.CREATE_DEALS),
        "can_filter_by_manager": can(request.user, Can.VIEW_ALL_DEALS)
        or can(request.user, Can.VIEW_REALIZATION_DEALS),
    }
    if request.htmx and request.htmx.target == "board":
        return render(request, "orders/partials/board_columns.html", context)
    return render(request, "orders/deal_board.html", context)


def _deal_card_context(request: HttpRequest, deal: Deal) -> dict:
    refusals = deal_edit_refusals(request.user, deal)
    return {
        "deal": deal,
        "can_edit": not refusals,
        "options": [] if refusals else transition_options(deal, "stage"),
        "timeline": deal_timeline(deal, user=request.user),
        "attachments": selectors.deal_attachments(deal, user=request.user),
        "attachment_form": AttachmentForm(),
        "panels": deal_panels(request, deal),
    }


def _render_deal_card(request: HttpRequest, deal: Deal) -> HttpResponse:
    template = "orders/partials/deal_card.html" if request.htmx else "orders/deal_detail.html"
    return render(request, template, _deal_card_context(request, deal))


def _visible_deal(request: HttpRequest, pk: int) -> Deal:
    return get_object_or_404(
        selectors.deals_visible_to(request.user).select_related("customer", "manager"), pk=pk
    )


@require_GET
def deal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_deal_card(request, _visible_deal(request, pk))


@require_http_methods(["GET", "POST"])
@capability_required(Can.CREATE_DEALS)
def deal_create(request: HttpRequest) -> HttpResponse:
    choose_manager = can(request.user, Can.EDIT_ANY_DEAL)
    form = DealCreateForm(request.POST or None, choose_manager=choose_manager)
    if request.method == "POST" and form.is_valid():
        try:
            deal = services.deal_create(actor=request.user, data=dict(form.cleaned_data))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The deal is created."))
            return redirect(deal)
    # The card's progress as the form stands: what was typed, or nothing yet.
    card = form.instance if form.is_bound else Deal()
    return render(request, "orders/deal_form.html", {"form": form, "deal": None, "card": card})


@require_http_methods(["GET", "POST"])
def deal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    deal = _visible_deal(request, pk)
    refusals = deal_edit_refusals(request.user, deal)
    if refusals:
        messages.error(request, refusals[0])
        return redirect(deal)
    form = DealForm(request.POST or None, instance=deal)
    if request.method == "POST" and form.is_valid():
        try:
            services.deal_update(deal=deal, actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The hand-over card is saved."))
            return redirect(deal)
    return render(request, "orders/deal_form.html", {"form": form, "deal": deal, "card": deal})


@require_POST
def deal_transition(request: HttpRequest, pk: int) -> HttpResponse:
    deal = _visible_deal(request, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The request was incomplete; please try again."))
    else:
        try:
            deal = services.deal_transition(
                deal=deal,
                name=form.cleaned_data["name"],
                actor=request.user,
                comment=form.cleaned_data["comment"],
                expected_stage=form.cleaned_data["expected_stage"],
            )
        except TransitionConflict as conflict:
            messages.warning(request, str(conflict))
            deal = _visible_deal(request, pk)
        except TransitionRefused as refusal:
            for reason in refusal.reasons:
                messages.error(request, reason)
        else:
            if deal.stage == Deal.Stage.REALIZATION:
                messages.success(
                    request,
                    _("The deal is in Realization under number %(number)s.")
                    % {"number": deal.realization_number},
                )
            else:
                messages.success(
                    request,
                    _("The deal is now in %(stage)s.") % {"stage": deal.get_stage_display()},
                )
    if request.htmx:
        # The card is swapped in place and carries the outcome as messages (htmx swaps
        # only 2xx responses, so a refusal is a 200 with its reasons on the card).
        return _render_deal_card(request, deal)
    return redirect(deal)


@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    deal = _visible_deal(request, pk)
    return attach_posted_file(
        request,
        partial(services.attachment_add, deal=deal),
        reverse("orders:deal-detail", args=[deal.pk]) + "#attachments",
    )


@require_GET
def attachment_download(request: HttpRequest, uuid) -> FileResponse:
    attachment = get_object_or_404(selectors.attachments_visible_to(request.user), uuid=uuid)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.media_type,
    )


@require_GET
def number_search(request: HttpRequest) -> HttpResponse:
    """The header's search: a number goes straight to its record, anything else to the board."""
    # A NUL character is no part of any number, and PostgreSQL refuses it in a query.
    text = request.GET.get("q", "").replace("\x00", "").strip()
    record = selectors.find_by_number(user=request.user, number=text)
    if record is not None:
        return redirect(record)
    return redirect(reverse("orders:deal-board") + "?" + urlencode({"q": text}))
