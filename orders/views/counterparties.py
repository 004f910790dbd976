"""Counterparty pages."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from fulfilment.roles import Can, can, capability_required
from orders import selectors, services
from orders.forms import (
    ContactFormSet,
    CounterpartyFilterForm,
    CounterpartyForm,
    contact_rows,
)
from orders.models import Counterparty
from orders.views.common import add_service_errors

CONTACT_FIELDS = ("id", "name", "position", "email", "phone")


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


def _contact_initial(counterparty: Counterparty | None) -> list[dict]:
    if counterparty is None:
        return []
    return [
        {name: getattr(contact, name) for name in CONTACT_FIELDS}
        for contact in counterparty.contacts.all()
    ]


@require_http_methods(["GET", "POST"])
@capability_required(Can.EDIT_COUNTERPARTIES)
def counterparty_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    counterparty = get_object_or_404(Counterparty, pk=pk) if pk else None
    form = CounterpartyForm(request.POST or None, instance=counterparty)
    initial = _contact_initial(counterparty)
    # A form posted without the contacts table (an older page, a script) leaves the
    # contacts as they are.
    with_contacts = request.method == "POST" and "contacts-TOTAL_FORMS" in request.POST
    contacts = ContactFormSet(
        request.POST if with_contacts else None, prefix="contacts", initial=initial
    )
    if request.method == "POST" and form.is_valid() and (not with_contacts or contacts.is_valid()):
        try:
            counterparty = services.counterparty_save(
                actor=request.user,
                data=form.cleaned_data,
                counterparty=counterparty,
                contacts=contact_rows(contacts) if with_contacts else None,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s is saved.") % {"name": counterparty.name})
            return redirect("orders:counterparty-list")
    return render(
        request,
        "orders/counterparty_form.html",
        {"form": form, "contacts": contacts, "counterparty": counterparty},
    )


@require_GET
@capability_required(Can.EDIT_COUNTERPARTIES)
def counterparty_new_contact(request: HttpRequest) -> HttpResponse:
    """One empty contact row, and the form count raised to match (htmx)."""
    try:
        index = max(int(request.GET.get("contacts-TOTAL_FORMS", "0")), 0)
    except ValueError:
        index = 0
    formset = ContactFormSet(prefix="contacts")
    form = formset.form(
        prefix=f"contacts-{index}", empty_permitted=True, use_required_attribute=False
    )
    formset.add_fields(form, None)
    return render(
        request,
        "orders/partials/contact_row.html",
        {"form": form, "total": index + 1, "new": True},
    )
