"""Counterparties and deals."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from fulfilment.api.errors import error_responses
from fulfilment.api.serializers import deals as s
from fulfilment.api.views.base import ApiViewSet, options_for
from fulfilment.roles import Can
from orders import selectors, services
from orders.models import Counterparty, Deal, StageChange
from orders.permissions import deal_edit_refusals

# --- Counterparties -----------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Counterparties",
        parameters=[s.CounterpartyFilterSerializer],
        responses={200: s.CounterpartySerializer(many=True), **error_responses(400, 404)},
    ),
    retrieve=extend_schema(
        summary="A counterparty",
        responses={200: s.CounterpartySerializer, **error_responses(404)},
    ),
    create=extend_schema(
        summary="Add a counterparty",
        responses={201: s.CounterpartySerializer, **error_responses(400)},
    ),
    partial_update=extend_schema(
        summary="Change a counterparty",
        responses={200: s.CounterpartySerializer, **error_responses(400, 404)},
    ),
)
class CounterpartyViewSet(ApiViewSet):
    queryset = Counterparty.objects.none()
    serializer_class = s.CounterpartySerializer
    filter_serializer_class = s.CounterpartyFilterSerializer
    required_capability = Can.VIEW_COUNTERPARTIES
    action_capabilities = {
        "create": Can.EDIT_COUNTERPARTIES,
        "partial_update": Can.EDIT_COUNTERPARTIES,
    }

    def visible(self):
        return Counterparty.objects.order_by("name", "pk")

    def list(self, request: Request) -> Response:
        filters = self.query()
        return self.paginated(
            selectors.counterparties(text=filters.get("q", ""), kind=filters.get("kind", ""))
        )

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    def create(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        counterparty = services.counterparty_save(
            actor=request.user, data=dict(serializer.validated_data)
        )
        return Response(self.get_serializer(counterparty).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        counterparty = self.get_object()
        serializer = self.get_serializer(counterparty, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        counterparty = services.counterparty_save(
            actor=request.user, data=dict(serializer.validated_data), counterparty=counterparty
        )
        return Response(self.get_serializer(counterparty).data)


# --- Deals --------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Deals the user may see",
        description="A sales manager sees their own deals; the back office the deals "
        "that have a realization number; the operations director every deal.",
        parameters=[s.DealFilterSerializer],
        responses={200: s.DealSerializer(many=True), **error_responses(400, 404)},
    ),
    retrieve=extend_schema(
        summary="A deal, with the steps the user may take",
        responses={200: s.DealDetailSerializer, **error_responses(404)},
    ),
    create=extend_schema(
        summary="Create a deal",
        description="Only a role that creates deals may; the card may be saved half-filled.",
        request=s.DealInputSerializer,
        responses={201: s.DealDetailSerializer, **error_responses(400)},
    ),
    partial_update=extend_schema(
        summary="Change the hand-over card",
        description="Only the deal's manager (or the operations director), while the deal "
        "is open. A deal in Realization keeps a complete card.",
        request=s.DealInputSerializer,
        responses={200: s.DealDetailSerializer, **error_responses(400, 404)},
    ),
    transition=extend_schema(
        summary="Take a step (e.g. start_realization)",
        description="The same step as the deal card's button: entering Realization checks "
        "the hand-over card, issues the realization number and lets the automation rules "
        "create the back-office tasks. A refusal is a 409 with its reasons.",
        request=s.DealTransitionSerializer,
        responses={200: s.DealDetailSerializer, **error_responses(400, 404, 409)},
    ),
    history=extend_schema(
        summary="Every stage change of the deal and its records",
        responses={200: s.StageChangeSerializer(many=True), **error_responses(404)},
    ),
)
class DealViewSet(ApiViewSet):
    queryset = Deal.objects.none()
    serializer_class = s.DealSerializer
    filter_serializer_class = s.DealFilterSerializer
    action_capabilities = {"create": Can.CREATE_DEALS}

    def visible(self):
        return selectors.deals_visible_to(self.request.user).select_related("customer", "manager")

    def respond(self, deal: Deal, *, code: int = status.HTTP_200_OK) -> Response:
        context = {
            **self.get_serializer_context(),
            "transitions": options_for(deal, "stage", deal_edit_refusals(self.request.user, deal)),
        }
        return Response(s.DealDetailSerializer(deal, context=context).data, status=code)

    def list(self, request: Request) -> Response:
        filters = self.query()
        deals = self.get_queryset().search(filters.get("q", ""))
        if filters.get("stage"):
            deals = deals.filter(stage=filters["stage"])
        if filters.get("manager"):
            deals = deals.filter(manager_id=filters["manager"])
        return self.paginated(deals)

    def retrieve(self, request: Request, pk: str) -> Response:
        return self.respond(self.get_object())

    def create(self, request: Request) -> Response:
        serializer = s.DealInputSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        deal = services.deal_create(actor=request.user, data=dict(serializer.validated_data))
        return self.respond(self.fresh(deal), code=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        deal = self.get_object()
        serializer = s.DealInputSerializer(
            deal, data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        deal = services.deal_update(
            deal=deal, actor=request.user, data=dict(serializer.validated_data)
        )
        return self.respond(self.fresh(deal))

    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str) -> Response:
        deal = self.get_object()
        serializer = s.DealTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        deal = services.deal_transition(
            deal=deal,
            name=serializer.validated_data["name"],
            actor=request.user,
            comment=serializer.validated_data["comment"],
            expected_stage=serializer.validated_data.get("expected_stage"),
        )
        return self.respond(self.fresh(deal))

    @action(detail=True, methods=["get"])
    def history(self, request: Request, pk: str) -> Response:
        deal = self.get_object()
        changes = StageChange.objects.filter(deal=deal).select_related("actor")
        return self.paginated(changes, s.StageChangeSerializer)
