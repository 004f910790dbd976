"""What the orders pages share."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


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
