"""What every endpoint shares, the current user, and the schema."""

from django.contrib.auth.decorators import login_not_required
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import serializers as drf_serializers
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from fulfilment.api.errors import error_responses
from fulfilment.api.permissions import HasCapability
from fulfilment.api.serializers import common as s
from fulfilment.handover.models import Department
from fulfilment.roles import Can, capabilities_of, roles_of
from fulfilment.templatetags.people import full_name
from orders.workflow import TransitionOption, transition_options


class ApiMixin:
    """What every endpoint shares: no login redirect, the role map, validated filters."""

    permission_classes = [IsAuthenticated, HasCapability]
    required_capability: Can | None = None
    action_capabilities: dict[str, Can] = {}
    filter_serializer_class: type[drf_serializers.Serializer] | None = None

    @classmethod
    def as_view(cls, *args, **kwargs):
        # Recent DRF releases exempt their views themselves; explicit, whatever the release.
        return login_not_required(super().as_view(*args, **kwargs))

    def query(self) -> dict:
        """The query parameters, checked by the view's filter serializer (else a 400)."""
        serializer = self.filter_serializer_class(data=self.request.query_params)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def paginated(self, queryset, serializer_class=None) -> Response:
        page = self.paginate_queryset(queryset)
        serializer = (serializer_class or self.get_serializer_class())(
            page, many=True, context=self.get_serializer_context()
        )
        return self.get_paginated_response(serializer.data)

    def get_serializer_context(self) -> dict:
        return {
            **super().get_serializer_context(),
            "today": timezone.localdate(),
            "now": timezone.now(),
        }


class ApiViewSet(ApiMixin, GenericViewSet):
    def visible(self):
        """The objects the user may see, with what their representation reads."""
        raise NotImplementedError

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return self.visible()

    def fresh(self, instance):
        """The object again after a service changed it, as the user sees it."""
        return self.visible().get(pk=instance.pk)


def options_for(instance, field: str, refusals: list[str]) -> list[TransitionOption]:
    """The steps shown to a user: none when they may not change the record, as on the pages."""
    return [] if refusals else transition_options(instance, field)


class MeView(ApiMixin, GenericAPIView):
    @extend_schema(
        summary="Who the credentials belong to",
        responses={200: s.MeSerializer, **error_responses()},
    )
    def get(self, request: Request) -> Response:
        user = request.user
        departments = Department.objects.of(user).order_by("name")
        return Response(
            s.MeSerializer(
                {
                    "id": user.pk,
                    "username": user.get_username(),
                    "full_name": full_name(user),
                    "roles": sorted(role.value for role in roles_of(user)),
                    "capabilities": sorted(capabilities_of(user)),
                    "departments": departments,
                }
            ).data
        )


class SchemaView(ApiMixin, SpectacularAPIView):
    """The OpenAPI document (YAML; ``?format=json`` for JSON), for any user or token."""

    permission_classes = [IsAuthenticated]

    def handle_exception(self, exc):
        # An error is JSON like every other answer of the API, not an OpenAPI document.
        response = super().handle_exception(exc)
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return response
