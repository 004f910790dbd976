"""The payment queue and recording payments."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from fulfilment.api.errors import error_responses
from fulfilment.api.serializers import payments as s
from fulfilment.api.views.base import ApiViewSet
from fulfilment.roles import Can
from payments import selectors as payment_selectors
from payments import services as payment_services
from payments.models import Installment


@extend_schema_view(
    list=extend_schema(
        summary="The payment queue",
        description="Unpaid installments by due date (or, by status, the paid or cancelled "
        "ones), as on the accountants' page.",
        parameters=[s.InstallmentFilterSerializer],
        responses={200: s.InstallmentSerializer(many=True), **error_responses(400, 404)},
    ),
    retrieve=extend_schema(
        summary="An installment with its payments",
        responses={200: s.InstallmentDetailSerializer, **error_responses(404)},
    ),
    payments=extend_schema(
        summary="Record a payment (full or partial)",
        description="Never more than the outstanding amount: an overpayment is a 400 on amount.",
        request=s.PaymentInputSerializer,
        responses={201: s.InstallmentDetailSerializer, **error_responses(400, 404)},
    ),
)
class InstallmentViewSet(ApiViewSet):
    queryset = Installment.objects.none()
    serializer_class = s.InstallmentSerializer
    filter_serializer_class = s.InstallmentFilterSerializer
    required_capability = Can.VIEW_PAYMENTS

    def visible(self):
        return (
            payment_selectors.installments_visible_to(self.request.user)
            .select_related("supplier_order__deal", "supplier_order__supplier")
            .prefetch_related("payments__recorded_by")
        )

    def list(self, request: Request) -> Response:
        filters = self.query()
        installments = payment_selectors.queue_installments(
            user=request.user,
            text=filters.get("q", ""),
            supplier_id=filters.get("supplier"),
            currency=filters.get("currency", ""),
            date_from=filters.get("due_from"),
            date_to=filters.get("due_to"),
            status=filters.get("status", ""),
        )
        return self.paginated(installments)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(
            s.InstallmentDetailSerializer(
                self.get_object(), context=self.get_serializer_context()
            ).data
        )

    @action(detail=True, methods=["post"])
    def payments(self, request: Request, pk: str) -> Response:
        installment = self.get_object()
        serializer = s.PaymentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        payment_services.payment_record(
            installment=installment, actor=request.user, **serializer.validated_data
        )
        return Response(
            s.InstallmentDetailSerializer(
                self.fresh(installment), context=self.get_serializer_context()
            ).data,
            status=status.HTTP_201_CREATED,
        )
