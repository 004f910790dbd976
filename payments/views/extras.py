"""Exports, the calendar feed and the payment request PDF."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from fulfilment.roles import Can, capability_required
from orders.pdf import render_pdf
from payments import documents, exports, feeds, selectors
from payments.forms import QueueFilterForm

EXPORT_FORMATS = {
    "csv": ("text/csv; charset=utf-8", exports.rows_to_csv),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        exports.rows_to_xlsx,
    ),
}


@require_GET
@capability_required(Can.VIEW_PAYMENTS)
def queue_export(request: HttpRequest) -> HttpResponse:
    """Every row the queue shows for the same filters, as CSV or XLSX."""
    kind = request.GET.get("format", "csv")
    if kind not in EXPORT_FORMATS:
        return HttpResponseBadRequest(_("Unknown export format."))
    content_type, build = EXPORT_FORMATS[kind]
    filters = QueueFilterForm(request.GET).filters()
    today = timezone.localdate()
    installments = selectors.queue_installments(user=request.user, today=today, **filters)
    content = build(exports.export_rows(installments, today=today))
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        True, f"payments-{today:%Y-%m-%d}.{kind}"
    )
    return response


@require_http_methods(["GET", "POST"])
@capability_required(Can.VIEW_PAYMENTS)
def calendar_feed_page(request: HttpRequest) -> HttpResponse:
    """The user's secret calendar address: make it, make a new one, or switch it off."""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            feeds.feed_create_or_renew(user=request.user)
            messages.success(request, _("Your calendar address is ready."))
        elif action == "renew":
            feeds.feed_create_or_renew(user=request.user)
            messages.success(
                request, _("You have a new calendar address; the old one no longer works.")
            )
        elif action == "revoke":
            feeds.feed_revoke(user=request.user)
            messages.success(request, _("Your calendar address is switched off."))
        else:
            return HttpResponseBadRequest(_("Unknown action."))
        return redirect("payments:calendar-feed-page")
    feed = feeds.feed_of(request.user)
    return render(
        request,
        "payments/calendar_feed.html",
        {"feed": feed, "feed_url": feeds.feed_url(feed) if feed else ""},
    )


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed itself, for calendar programs: the token is the only key."""
    user = feeds.feed_owner(token)
    if user is None:
        raise Http404
    response = HttpResponse(
        feeds.feed_calendar(user=user), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(False, "payments.ics")
    # The address is a secret: no shared cache keeps a copy.
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_GET
@capability_required(Can.VIEW_PAYMENTS)
def payment_request_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The payment request of one installment, rendered now and not stored."""
    installment = get_object_or_404(
        selectors.installments_visible_to(request.user).select_related(
            "supplier_order__deal", "supplier_order__supplier", "supplier_order__contract"
        ),
        pk=pk,
    )
    # Rendering is slow: it runs here, outside any transaction.
    with translation.override(settings.LANGUAGE_CODE):
        context = documents.payment_request_context(installment, requested_by=request.user)
        pdf, _pages = render_pdf(documents.TEMPLATE, context)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        False, documents.payment_request_filename(installment)
    )
    return response
