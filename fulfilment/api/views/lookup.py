"""Finding what a number names."""

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from fulfilment.api.errors import error_responses
from fulfilment.api.serializers import common as s
from fulfilment.api.views.base import ApiMixin
from orders import selectors
from orders.models import Contract, Deal, Specification, SupplierOrder

_KINDS = {
    Deal: ("deal", "api:deal-detail"),
    SupplierOrder: ("supplier_order", "api:supplier-order-detail"),
    Contract: ("contract", "api:contract-detail"),
    Specification: ("specification", "api:specification-detail"),
}


class LookupView(ApiMixin, GenericAPIView):
    filter_serializer_class = s.LookupQuerySerializer

    @extend_schema(
        summary="Find what a number names",
        description="A deal by its realization number, or a supplier order, contract or "
        "specification by its own number (R-2026-00042/SO-2). Only what the user may see.",
        parameters=[s.LookupQuerySerializer],
        responses={200: s.LookupSerializer, **error_responses(400, 404)},
    )
    def get(self, request: Request) -> Response:
        record = selectors.find_by_number(user=request.user, number=self.query()["number"])
        if record is None:
            raise NotFound
        if isinstance(record, Deal):
            deal, number = record, record.realization_number
        elif isinstance(record, Specification):
            deal, number = record.contract.deal, record.number
        else:
            deal, number = record.deal, record.number
        kind, route = _KINDS[type(record)]
        return Response(
            s.LookupSerializer(
                {
                    "kind": kind,
                    "id": record.pk,
                    "number": number,
                    "deal": deal,
                    "url": reverse(route, args=[record.pk], request=request),
                    "web_url": request.build_absolute_uri(record.get_absolute_url()),
                }
            ).data
        )
