"""The operations director's control tower: every deal in realization, what is late."""

import csv

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from fulfilment.handover import tower
from fulfilment.handover.forms import TowerFilterForm
from fulfilment.roles import Can, capability_required
from fulfilment.templatetags.people import full_name
from orders.models import Contract
from payments.exports import csv_value

PAGE_SIZE = 100


def _rows(request: HttpRequest):
    form = TowerFilterForm(request.GET or None)
    t = tower.thresholds()
    deals = tower.tower_deals(t=t)
    filters = form.filters()
    return form, t, deals, tower.filtered(deals, t=t, **filters), filters["sort"]


def _sort_links(request: HttpRequest, current: str) -> dict[str, dict[str, str]]:
    """Per column: the link that sorts by it (the other way round if it is the current
    sort) and the direction it is sorted in now, if any."""
    query = request.GET.copy()
    query.pop("page", None)
    links = {}
    for key in tower.SORTS:
        if key.startswith("-"):
            continue
        query["sort"] = f"-{key}" if current == key else key
        direction = {key: "ascending", f"-{key}": "descending"}.get(current, "")
        links[key] = {"url": f"?{query.urlencode()}", "direction": direction}
    return links


def _decorate(rows, t) -> None:
    stages = dict(Contract.Stage.choices)
    for deal in rows:
        deal.days = tower.days_in_realization(deal, t.today)
        deal.status_label = tower.STATUS_LABELS[deal.status]
        deal.contract_stage_label = stages.get(deal.contract_stage, "")


@require_GET
@capability_required(Can.VIEW_CONTROL_TOWER)
def control_tower(request: HttpRequest) -> HttpResponse:
    form, t, deals, rows, sort = _rows(request)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    _decorate(page.object_list, t)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "summary": tower.summary(deals, t=t),
        "t": t,
        "query": query.urlencode(),
        "sorts": _sort_links(request, sort),
    }
    if request.htmx and request.htmx.target == "tower-rows":
        return render(request, "handover/partials/tower_rows.html", context)
    return render(request, "handover/tower.html", context)


@require_GET
@capability_required(Can.VIEW_CONTROL_TOWER)
def control_tower_export(request: HttpRequest) -> HttpResponse:
    _form, t, _deals, rows, _sort = _rows(request)
    _decorate(rows, t)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        True, f"control-tower-{t.today:%Y-%m-%d}.csv"
    )
    response.write("\ufeff")  # Excel reads Cyrillic CSV as UTF-8 only with the mark
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            _("Number"),
            _("Deal"),
            _("Customer"),
            _("Manager"),
            _("Days in realization"),
            _("Contract"),
            _("Supplier orders delivered"),
            _("Supplier orders"),
            _("Next delivery"),
            _("Open tasks"),
            _("Overdue tasks"),
            _("Next payment"),
            _("Currency"),
            _("Next payment due"),
            _("Overdue payments"),
            _("Status"),
        ]
    )
    for deal in rows:
        writer.writerow(
            csv_value(value)
            for value in [
                deal.realization_number,
                deal.title,
                deal.customer.name if deal.customer else "",
                full_name(deal.manager),
                deal.days,
                deal.contract_stage_label,
                deal.orders_delivered,
                deal.orders_total,
                deal.next_delivery or "",
                deal.open_tasks,
                deal.overdue_tasks,
                deal.next_due_amount if deal.next_due_amount is not None else "",
                deal.next_due_currency or "",
                deal.next_due_date or "",
                deal.overdue_payments,
                deal.status_label,
            ]
        )
    return response
