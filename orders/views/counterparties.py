"""Counterparty pages."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from fulfilment.roles import Can, can, capability_required
from orders import selectors, services
from orders.forms import CounterpartyFilterForm, CounterpartyForm
from orders.models import Counterparty
from orders.views.common import add_service_errors


@require_GET
@capability_required(Can.VIEW_COUNTERPARTIES)
def counterparty_list(request: HttpRequest) -> HttpResponse:
    form = CounterpartyFilterForm(request.GET or None)
    text, kind = "", ""
    if form.is_valid():
        text, kind = form.cleaned_data["q"], form.cleaned_data["kind"]
    context = {
        "form": form,
        "counterparties": selectors.counterparties(text=text, kind=kind)[:500],
        "can_edit": can(request.user, Can.EDIT_COUNTERPARTIES),
    }
    if request.htmx and request.htmx.target == "counterparty-rows":
        return render(request, "orders/partials/counterparty_rows.html", context)
    return render(request, "orders/counterparty_list.html", context)


@require_http_methods(["GET", "POST"])
@capability_required(Can.EDIT_COUNTERPARTIES)
def counterparty_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    counterparty = get_object_or_404(Counterparty, pk=pk) if pk else None
    form = CounterpartyForm(request.POST or None, instance=counterparty)
    if request.method == "POST" and form.is_valid():
        try:
            counterparty = services.counterparty_save(
                actor=request.user, data=form.cleaned_data, counterparty=counterparty
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s is saved.") % {"name": counterparty.name})
            return redirect("orders:counterparty-list")
    return render(
        request, "orders/counterparty_form.html", {"form": form, "counterparty": counterparty}
    )
