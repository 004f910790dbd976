"""What the orders pages share."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from orders.forms import AttachmentForm


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's validation errors next to the fields they concern."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def report_errors(request: HttpRequest, error) -> None:
    """A refused write's reasons as messages, for pages that redirect."""
    for message in (
        getattr(error, "messages", None) or getattr(error, "reasons", None) or [str(error)]
    ):
        messages.error(request, message)


def attach_posted_file(request: HttpRequest, add: Callable[..., object], back: str) -> HttpResponse:
    """Store the posted file through ``add(upload=…, category=…, actor=…)``, the record's
    service, and go ``back`` with the outcome, or each reason it was refused, as messages."""
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        report_errors(
            request, ValidationError([e for errors in form.errors.values() for e in errors])
        )
        return redirect(back)
    try:
        add(
            upload=form.cleaned_data["file"],
            category=form.cleaned_data["category"],
            actor=request.user,
        )
    except (ValidationError, PermissionDenied) as error:
        report_errors(request, error)
    else:
        messages.success(request, _("The file is attached."))
    return redirect(back)
