"""The accountants' payment queue, an installment's card, recording payments, choosing terms."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from fulfilment.roles import Can, can, capability_required
from orders.permissions import record_refusals
from orders.selectors import supplier_orders_visible_to
from payments import selectors, services
from payments.charts import outgoing_chart_svg
from payments.forms import PaymentForm, QueueFilterForm, TermChoiceForm
from payments.links import installment_links
from payments.models import Installment


def _decorate(request: HttpRequest, installments: list[Installment]) -> None:
    """What a queue row shows besides the installment: its pack, its task, its status."""
    packs = selectors.payment_packs(installments)
    links = installment_links(installments)
    today = timezone.localdate()
    may_record = can(request.user, Can.RECORD_PAYMENTS)
    for installment in installments:
        installment.pack = packs[installment.pk]
        installment.links = links.get(installment.pk, [])
        installment.status_now = installment.status(today)
        installment.status_label = installment.get_status_display(today)
        installment.may_record = may_record and installment.state == Installment.State.OPEN


def _sections_context(request: HttpRequest, params: QueryDict) -> dict:
    form = QueueFilterForm(params or None)
    filters = form.filters()
    installments = selectors.queue_installments(user=request.user, **filters)
    sections = selectors.queue_sections(installments, status=filters.get("status", ""))
    _decorate(request, [row for section in sections for row in section.rows])
    return {
        "form": form,
        "sections": sections,
        "query": params.urlencode(),
        "today": timezone.localdate(),
    }


@require_GET
@capability_required(Can.VIEW_PAYMENTS)
def payment_queue(request: HttpRequest) -> HttpResponse:
    context = _sections_context(request, request.GET)
    if request.htmx and request.htmx.target == "queue-sections":
        return render(request, "payments/partials/queue_sections.html", context)
    monday, weeks, totals = selectors.outgoing_by_week(
        selectors.queue_installments(user=request.user)
    )
    context["chart"] = outgoing_chart_svg(monday, weeks, totals)
    return render(request, "payments/queue.html", context)


def _visible_installment(request: HttpRequest, pk: int) -> Installment:
    return get_object_or_404(
        selectors.installments_visible_to(request.user).select_related(
            "supplier_order__deal", "supplier_order__supplier", "supplier_order__contract"
        ),
        pk=pk,
    )


def _row(
    request: HttpRequest, installment: Installment, form: PaymentForm | None = None
) -> HttpResponse:
    _decorate(request, [installment])
    return render(
        request,
        "payments/partials/queue_row.html",
        {"row": installment, "payment_form": form, "today": timezone.localdate()},
    )


@require_http_methods(["GET", "POST"])
@capability_required(Can.VIEW_PAYMENTS)
def installment_pay(request: HttpRequest, pk: int) -> HttpResponse:
    """The in-place payment form of a queue row (GET shows it, POST records the payment)."""
    installment = _visible_installment(request, pk)
    if request.method == "GET":
        return _row(request, installment, PaymentForm(installment=installment))
    form = PaymentForm(request.POST, installment=installment)
    if form.is_valid():
        try:
            services.payment_record(
                installment=installment, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except PermissionDenied as denied:
            form.add_error(None, str(denied))
        else:
            messages.success(request, _("The payment is recorded."))
            if not request.htmx:
                return redirect("payments:queue")
            # The sections again, under the page's filters: a paid row leaves the queue,
            # a partly paid one shows what is left, and every section total follows.
            params = QueryDict(urlsplit(request.htmx.current_url or "").query)
            response = render(
                request,
                "payments/partials/queue_sections.html",
                _sections_context(request, params),
            )
            return reswap(retarget(response, "#queue-sections"), "outerHTML")
    if not request.htmx:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(installment.get_absolute_url())
    return _row(request, installment, form)


@require_GET
@capability_required(Can.VIEW_PAYMENTS)
def installment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    installment = _visible_installment(request, pk)
    _decorate(request, [installment])
    return render(
        request,
        "payments/installment_detail.html",
        {
            "installment": installment,
            "order": installment.supplier_order,
            "payments": installment.payments.select_related("recorded_by"),
            "changes": installment.changes.select_related("actor"),
            "payment_form": PaymentForm(installment=installment)
            if installment.may_record
            else None,
        },
    )


@require_POST
def order_term_choose(request: HttpRequest, order_pk: int) -> HttpResponse:
    order = get_object_or_404(
        supplier_orders_visible_to(request.user).select_related("deal"), pk=order_pk
    )
    form = TermChoiceForm(request.POST)
    refusals = record_refusals(request.user, order.deal, Can.CHOOSE_PAYMENT_TERMS)
    if refusals:
        messages.error(request, refusals[0])
    elif form.is_valid():
        try:
            services.term_assign(
                term=form.cleaned_data["term"], supplier_order=order, actor=request.user
            )
        except PermissionDenied as denied:
            messages.error(request, str(denied))
        except ValidationError as refused:
            messages.error(request, " ".join(refused.messages))
        else:
            messages.success(request, _("The payment schedule is updated."))
    return redirect(order.get_absolute_url() + "#payments")


# --- Panels on other apps' cards --------------------------------------------------------------


def supplier_order_payments_panel(request: HttpRequest, order) -> dict:
    installments = selectors.order_installments(order)
    _decorate(request, installments)
    term = services.term_for(order)
    return {
        "order": order,
        "installments": installments,
        "term": term,
        "form": TermChoiceForm(
            initial={"term": getattr(getattr(order, "payment_term", None), "term", None)}
        )
        if can(request.user, Can.CHOOSE_PAYMENT_TERMS)
        else None,
    }


def deal_payments_panel(request: HttpRequest, deal) -> dict | None:
    if not can(request.user, Can.VIEW_PAYMENTS):
        return None
    installments = selectors.deal_installments(deal)
    if not installments:
        return None
    today = timezone.localdate()
    unpaid = [i for i in installments if i.state == Installment.State.OPEN]
    return {
        "deal": deal,
        "installments": installments,
        "next_due": next((i for i in unpaid if i.due_date and i.due_date >= today), None),
        "overdue": [i for i in unpaid if i.due_date and i.due_date < today],
        "today": today,
    }
