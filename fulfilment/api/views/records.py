"""A deal's records: supplier orders, contracts, specifications."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from fulfilment.api.errors import error_responses
from fulfilment.api.serializers import records as s
from fulfilment.api.views.base import ApiViewSet, options_for
from fulfilment.roles import Can
from orders import selectors, services
from orders.models import Contract, Specification, SupplierOrder
from orders.permissions import record_refusals

# --- Supplier orders ----------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Supplier orders of the deals the user may see",
        parameters=[s.SupplierOrderFilterSerializer],
        responses={200: s.SupplierOrderSerializer(many=True), **error_responses(400, 404)},
    ),
    retrieve=extend_schema(
        summary="A supplier order, with the steps the user may take",
        responses={200: s.SupplierOrderDetailSerializer, **error_responses(404)},
    ),
    create=extend_schema(
        summary="Create a supplier order for a deal in Realization",
        description="It gets the next number under the deal's (R-…/SO-n). The event dates "
        "(shipment, delivery) are entered with their steps.",
        request=s.SupplierOrderCreateSerializer,
        responses={201: s.SupplierOrderDetailSerializer, **error_responses(400)},
    ),
    partial_update=extend_schema(
        summary="Change a supplier order's terms and dates",
        description="An event date can be corrected once its step has set it. The payment "
        "schedule follows the changed dates and amount.",
        request=s.SupplierOrderUpdateSerializer,
        responses={200: s.SupplierOrderDetailSerializer, **error_responses(400, 404)},
    ),
    transition=extend_schema(
        summary="Take a step (place, confirm, ship, deliver, close, cancel)",
        description="Placing, shipping and delivering ask for their dates (order_date, "
        "shipment_date, actual_delivery_date); a missing or impossible date is a 409 "
        "naming it.",
        request=s.SupplierOrderTransitionSerializer,
        responses={200: s.SupplierOrderDetailSerializer, **error_responses(400, 404, 409)},
    ),
)
class SupplierOrderViewSet(ApiViewSet):
    queryset = SupplierOrder.objects.none()
    serializer_class = s.SupplierOrderSerializer
    filter_serializer_class = s.SupplierOrderFilterSerializer

    def visible(self):
        return (
            selectors.supplier_orders_visible_to(self.request.user)
            .select_related("deal", "supplier", "contract", "buyer")
            .prefetch_related("specification_lines")
            .order_by("planned_delivery_date", "pk")
        )

    def respond(self, order: SupplierOrder, *, code: int = status.HTTP_200_OK) -> Response:
        refusals = record_refusals(self.request.user, order.deal, Can.MANAGE_SUPPLIER_ORDERS)
        context = {
            **self.get_serializer_context(),
            "transitions": options_for(order, "stage", refusals),
        }
        return Response(s.SupplierOrderDetailSerializer(order, context=context).data, status=code)

    def list(self, request: Request) -> Response:
        filters = self.query()
        orders = selectors.supplier_order_rows(
            user=request.user,
            text=filters.get("q", ""),
            supplier_id=filters.get("supplier"),
            stage=filters.get("stage", ""),
            late=filters["late"],
        ).prefetch_related("specification_lines")
        if filters.get("deal"):
            orders = orders.filter(deal_id=filters["deal"])
        return self.paginated(orders)

    def retrieve(self, request: Request, pk: str) -> Response:
        return self.respond(self.get_object())

    def create(self, request: Request) -> Response:
        serializer = s.SupplierOrderCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        deal = data.pop("deal")
        lines = list(data.pop("specification_lines", []))
        order = services.supplier_order_create(
            deal=deal, actor=request.user, data=data, lines=lines
        )
        return self.respond(self.fresh(order), code=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        order = self.get_object()
        serializer = s.SupplierOrderUpdateSerializer(
            order, data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        lines = data.pop("specification_lines", None)
        order = services.supplier_order_update(
            order=order,
            actor=request.user,
            data=data,
            lines=list(lines) if lines is not None else None,
        )
        return self.respond(self.fresh(order))

    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str) -> Response:
        order = self.get_object()
        serializer = s.SupplierOrderTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        order = services.supplier_order_transition(
            order=order,
            name=serializer.validated_data["name"],
            actor=request.user,
            dates=serializer.dates(),
            comment=serializer.validated_data["comment"],
            expected_stage=serializer.validated_data.get("expected_stage"),
        )
        return self.respond(self.fresh(order))


# --- Contracts ----------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Contracts of the deals the user may see",
        parameters=[s.ContractFilterSerializer],
        responses={200: s.ContractSerializer(many=True), **error_responses(400, 404)},
    ),
    retrieve=extend_schema(
        summary="A contract, with the steps the user may take",
        responses={200: s.ContractDetailSerializer, **error_responses(404)},
    ),
    create=extend_schema(
        summary="Create a contract for a deal in Realization",
        request=s.ContractCreateSerializer,
        responses={201: s.ContractDetailSerializer, **error_responses(400)},
    ),
    partial_update=extend_schema(
        summary="Change a contract (until it is signed)",
        request=s.ContractUpdateSerializer,
        responses={200: s.ContractDetailSerializer, **error_responses(400, 404)},
    ),
    transition=extend_schema(
        summary="Take a step (submit_for_review, send_for_signature, sign, …)",
        description="Recording the signature asks for contract_date; going back to draft "
        "and cancelling ask for a comment.",
        request=s.ContractTransitionSerializer,
        responses={200: s.ContractDetailSerializer, **error_responses(400, 404, 409)},
    ),
)
class ContractViewSet(ApiViewSet):
    queryset = Contract.objects.none()
    serializer_class = s.ContractSerializer
    filter_serializer_class = s.ContractFilterSerializer

    def visible(self):
        deals = selectors.deals_visible_to(self.request.user).values("pk")
        return (
            Contract.objects.filter(deal__in=deals)
            .select_related("deal", "counterparty")
            .prefetch_related(
                Prefetch("specifications", queryset=Specification.objects.order_by("pk"))
            )
            .order_by("pk")
        )

    def respond(self, contract: Contract, *, code: int = status.HTTP_200_OK) -> Response:
        refusals = record_refusals(self.request.user, contract.deal, Can.MANAGE_CONTRACTS)
        context = {
            **self.get_serializer_context(),
            "transitions": options_for(contract, "stage", refusals),
        }
        return Response(s.ContractDetailSerializer(contract, context=context).data, status=code)

    def list(self, request: Request) -> Response:
        filters = self.query()
        contracts = self.get_queryset()
        if filters.get("q", "").strip():
            contracts = contracts.filter(number__icontains=filters["q"].strip())
        for name in ("deal", "counterparty"):
            if filters.get(name):
                contracts = contracts.filter(**{f"{name}_id": filters[name]})
        if filters.get("stage"):
            contracts = contracts.filter(stage=filters["stage"])
        return self.paginated(contracts)

    def retrieve(self, request: Request, pk: str) -> Response:
        return self.respond(self.get_object())

    def create(self, request: Request) -> Response:
        serializer = s.ContractCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        contract = services.contract_create(deal=data.pop("deal"), actor=request.user, data=data)
        return self.respond(self.fresh(contract), code=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        contract = self.get_object()
        serializer = s.ContractUpdateSerializer(
            contract, data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        contract = services.contract_update(
            contract=contract, actor=request.user, data=dict(serializer.validated_data)
        )
        return self.respond(self.fresh(contract))

    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str) -> Response:
        contract = self.get_object()
        serializer = s.ContractTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        contract = services.contract_transition(
            contract=contract,
            name=data["name"],
            actor=request.user,
            dates={"contract_date": data["contract_date"]} if data.get("contract_date") else {},
            comment=data["comment"],
            expected_stage=data.get("expected_stage"),
        )
        return self.respond(self.fresh(contract))


# --- Specifications -----------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Specifications with their lines and totals",
        parameters=[s.SpecificationFilterSerializer],
        responses={200: s.SpecificationSerializer(many=True), **error_responses(400, 404)},
    ),
    retrieve=extend_schema(
        summary="A specification with its lines and totals",
        responses={200: s.SpecificationSerializer, **error_responses(404)},
    ),
    create=extend_schema(
        summary="Add a specification to a contract (until it is signed)",
        request=s.SpecificationCreateSerializer,
        responses={201: s.SpecificationSerializer, **error_responses(400)},
    ),
    lines=extend_schema(
        summary="Replace the specification's lines",
        description="The lines in their new order: a line with an id is that line edited, "
        "one without is new, and lines left out are removed (not if a supplier order "
        "covers them). Only while the contract is not signed.",
        request=s.SpecificationLinesSerializer,
        responses={200: s.SpecificationSerializer, **error_responses(400, 404)},
    ),
)
class SpecificationViewSet(ApiViewSet):
    queryset = Specification.objects.none()
    serializer_class = s.SpecificationSerializer
    filter_serializer_class = s.SpecificationFilterSerializer

    def visible(self):
        deals = selectors.deals_visible_to(self.request.user).values("pk")
        return (
            Specification.objects.filter(contract__deal__in=deals)
            .select_related("contract__deal")
            .prefetch_related("lines")
            .order_by("pk")
        )

    def list(self, request: Request) -> Response:
        filters = self.query()
        specifications = self.get_queryset()
        if filters.get("deal"):
            specifications = specifications.filter(contract__deal_id=filters["deal"])
        if filters.get("contract"):
            specifications = specifications.filter(contract_id=filters["contract"])
        return self.paginated(specifications)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    def create(self, request: Request) -> Response:
        serializer = s.SpecificationCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        specification = services.specification_create(
            actor=request.user, **serializer.validated_data
        )
        return Response(
            self.get_serializer(self.fresh(specification)).data, status=status.HTTP_201_CREATED
        )

    @action(detail=True, methods=["put"])
    def lines(self, request: Request, pk: str) -> Response:
        specification = self.get_object()
        serializer = s.SpecificationLinesSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        services.specification_save_lines(
            specification=specification,
            actor=request.user,
            lines=[dict(line) for line in serializer.validated_data["lines"]],
        )
        return Response(self.get_serializer(self.fresh(specification)).data)
