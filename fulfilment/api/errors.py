"""Every error the API answers is JSON; this module maps the services' exceptions to it.

- a serializer's or a service's ValidationError: 400, ``{"field": ["message"], ...,
  "non_field_errors": ["message"]}``;
- a refused step (``TransitionRefused``): 409, ``{"detail": ..., "reasons": [...]}``;
- a step somebody else took first (``TransitionConflict``): 409, ``{"detail": ...}``;
- PermissionDenied: 403; a missing object or one the user may not see: 404;
  no or a bad token: 401. All of these are ``{"detail": ...}``.
"""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from orders.workflow import TransitionConflict, TransitionRefused


def _validation_detail(error: DjangoValidationError) -> dict[str, list[str]]:
    """A service's ValidationError, field by field, under the API's names."""
    if hasattr(error, "error_dict"):
        detail: dict[str, list[str]] = {}
        for field, messages in error.message_dict.items():
            key = api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field
            detail.setdefault(key, []).extend(messages)
        return detail
    return {api_settings.NON_FIELD_ERRORS_KEY: list(error.messages)}


def exception_handler(exc, context) -> Response | None:
    if isinstance(exc, TransitionRefused):
        set_rollback()
        return Response(
            {"detail": _("This step is not possible now."), "reasons": exc.reasons}, status=409
        )
    if isinstance(exc, TransitionConflict):
        set_rollback()
        return Response({"detail": str(exc)}, status=409)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_validation_detail(exc))
    elif isinstance(exc, Http404 | ObjectDoesNotExist):
        # One message whatever the model: "not yours" and "not there" must look alike.
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied) and not exc.args:
        exc = exceptions.PermissionDenied(_("Your role does not include this work."))
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, list):
        response.data = {api_settings.NON_FIELD_ERRORS_KEY: response.data}
    return response


@csrf_exempt
@login_not_required
def not_found(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    """Any address under /api/ that names no endpoint: a JSON 404, not an HTML page."""
    return JsonResponse({"detail": str(exceptions.NotFound.default_detail)}, status=404)


# --- How the errors are described in the schema -----------------------------------------


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in words.")


class RefusalSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in words.")
    reasons = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Why the step is refused, one sentence each (absent for a conflict).",
    )


class ValidationErrorSerializer(serializers.Serializer):
    """Field-by-field messages; ``non_field_errors`` for those that concern no one field."""


class ValidationErrorExtension(OpenApiSerializerExtension):
    target_class = ValidationErrorSerializer

    def map_serializer(self, auto_schema, direction) -> dict:
        return {
            "type": "object",
            "description": (
                "Field-by-field messages: each key is an input field (or query parameter) "
                "and its value the list of what is wrong with it; messages that concern no "
                "single field are under non_field_errors. A list of items reports each "
                "item's errors at its position."
            ),
            "properties": {
                "non_field_errors": {"type": "array", "items": {"type": "string"}},
            },
            "additionalProperties": {},
        }


_DESCRIPTIONS = {
    400: (ValidationErrorSerializer, "The input is not valid: what is wrong, field by field."),
    401: (ErrorSerializer, "No credentials, or a token that is unknown or revoked."),
    403: (ErrorSerializer, "The user's role does not include this work."),
    404: (ErrorSerializer, "There is no such object, or the user may not see it."),
    409: (
        RefusalSerializer,
        "The step is refused (the reasons say why), or somebody else changed the object "
        "first (reload it and try again).",
    ),
}


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """The documented error answers of an operation (401 and 403 are always possible)."""
    return {
        code: OpenApiResponse(response=_DESCRIPTIONS[code][0], description=_DESCRIPTIONS[code][1])
        for code in sorted({401, 403, *codes})
    }
