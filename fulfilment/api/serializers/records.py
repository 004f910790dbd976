"""A deal's records: supplier orders, contracts and specifications with their lines."""

import datetime
from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from fulfilment.api.serializers.common import (
    BusinessDateField,
    ContractBriefSerializer,
    CounterpartyBriefSerializer,
    DealBriefSerializer,
    Id,
    InputSerializer,
    MoneyField,
    PersonSerializer,
    TransitionOptionSerializer,
    TransitionSerializer,
    step_names,
)
from fulfilment.roles import Can
from orders.models import (
    Contract,
    Counterparty,
    Specification,
    SpecificationLine,
    SupplierOrder,
)
from orders.selectors import deals_visible_to, people_with

# --- Supplier orders ----------------------------------------------------------------------


class SupplierOrderSerializer(serializers.ModelSerializer):
    deal = DealBriefSerializer()
    supplier = CounterpartyBriefSerializer()
    contract = ContractBriefSerializer(allow_null=True)
    buyer = PersonSerializer(allow_null=True)
    specification_lines = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    vat_amount = MoneyField()
    late = serializers.SerializerMethodField()

    class Meta:
        model = SupplierOrder
        fields = (
            "id",
            "number",
            "deal",
            "supplier",
            "contract",
            "stage",
            "stage_changed_at",
            "order_date",
            "planned_delivery_date",
            "shipment_date",
            "actual_delivery_date",
            "late",
            "amount",
            "currency",
            "vat_rate",
            "vat_amount",
            "invoice_number",
            "invoice_date",
            "notes",
            "buyer",
            "specification_lines",
            "created_at",
            "updated_at",
        )

    def get_late(self, order: SupplierOrder) -> bool:
        return order.is_late(self.context.get("today"))


class SupplierOrderDetailSerializer(SupplierOrderSerializer):
    transitions = serializers.SerializerMethodField()

    class Meta(SupplierOrderSerializer.Meta):
        fields = (*SupplierOrderSerializer.Meta.fields, "transitions")

    @extend_schema_field(TransitionOptionSerializer(many=True))
    def get_transitions(self, order: SupplierOrder) -> list[dict]:
        return TransitionOptionSerializer(self.context.get("transitions", []), many=True).data


class SupplierOrderUpdateSerializer(InputSerializer):
    """An order's terms; the event dates are corrected here once their step set them."""

    class Meta:
        model = SupplierOrder
        fields = (
            "supplier",
            "contract",
            "order_date",
            "planned_delivery_date",
            "shipment_date",
            "actual_delivery_date",
            "amount",
            "currency",
            "vat_rate",
            "invoice_number",
            "invoice_date",
            "notes",
            "buyer",
            "specification_lines",
        )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        deals = deals_visible_to(self.user).values("pk")
        self.fields["supplier"].queryset = Counterparty.objects.filter(
            kind__in=[Counterparty.Kind.SUPPLIER, Counterparty.Kind.BOTH]
        )
        self.fields["contract"].queryset = Contract.objects.filter(deal__in=deals)
        self.fields["buyer"].queryset = people_with(Can.MANAGE_SUPPLIER_ORDERS)
        self.fields[
            "specification_lines"
        ].child_relation.queryset = SpecificationLine.objects.filter(
            specification__contract__deal__in=deals
        )


class SupplierOrderCreateSerializer(SupplierOrderUpdateSerializer):
    class Meta(SupplierOrderUpdateSerializer.Meta):
        fields = tuple(
            name
            for name in ("deal", *SupplierOrderUpdateSerializer.Meta.fields)
            if name not in ("shipment_date", "actual_delivery_date")
        )
        extra_kwargs = {"deal": {"help_text": "A deal in Realization."}}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deal"].queryset = deals_visible_to(self.user)


class SupplierOrderTransitionSerializer(TransitionSerializer):
    name = serializers.ChoiceField(choices=step_names(SupplierOrder, "stage"))
    expected_stage = serializers.ChoiceField(
        choices=SupplierOrder.Stage.choices,
        required=False,
        help_text="The stage you saw; if the order has moved since, the answer is 409.",
    )
    order_date = BusinessDateField(required=False, help_text="Placing the order asks for it.")
    shipment_date = BusinessDateField(required=False, help_text="Shipping asks for it.")
    actual_delivery_date = BusinessDateField(required=False, help_text="Delivering asks for it.")

    DATES = ("order_date", "shipment_date", "actual_delivery_date")

    def dates(self) -> dict[str, datetime.date]:
        return {
            name: self.validated_data[name] for name in self.DATES if name in self.validated_data
        }


class SupplierOrderFilterSerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False, max_length=100, help_text="Order number or deal number (or a part)."
    )
    deal = Id(help_text="The deal's id.")
    supplier = Id(help_text="The supplier's id.")
    stage = serializers.ChoiceField(choices=SupplierOrder.Stage.choices, required=False)
    late = serializers.BooleanField(
        required=False, default=False, help_text="Only orders past their planned delivery."
    )


# --- Contracts and specifications ---------------------------------------------------------


class SpecificationBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Specification
        fields = ("id", "number", "date")


class ContractSerializer(serializers.ModelSerializer):
    deal = DealBriefSerializer()
    counterparty = CounterpartyBriefSerializer()
    specifications = SpecificationBriefSerializer(many=True)

    class Meta:
        model = Contract
        fields = (
            "id",
            "number",
            "deal",
            "counterparty",
            "kind",
            "contract_date",
            "subject",
            "payment_terms_text",
            "stage",
            "stage_changed_at",
            "signed_at",
            "specifications",
            "created_at",
            "updated_at",
        )


class ContractDetailSerializer(ContractSerializer):
    transitions = serializers.SerializerMethodField()

    class Meta(ContractSerializer.Meta):
        fields = (*ContractSerializer.Meta.fields, "transitions")

    @extend_schema_field(TransitionOptionSerializer(many=True))
    def get_transitions(self, contract: Contract) -> list[dict]:
        return TransitionOptionSerializer(self.context.get("transitions", []), many=True).data


class ContractUpdateSerializer(InputSerializer):
    class Meta:
        model = Contract
        fields = ("counterparty", "kind", "contract_date", "subject", "payment_terms_text")
        extra_kwargs = {"contract_date": {"help_text": "Leave empty until it is signed."}}


class ContractCreateSerializer(ContractUpdateSerializer):
    class Meta(ContractUpdateSerializer.Meta):
        fields = ("deal", *ContractUpdateSerializer.Meta.fields)
        extra_kwargs = {
            **ContractUpdateSerializer.Meta.extra_kwargs,
            "deal": {"help_text": "A deal in Realization."},
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deal"].queryset = deals_visible_to(self.user)


class ContractTransitionSerializer(TransitionSerializer):
    name = serializers.ChoiceField(choices=step_names(Contract, "stage"))
    expected_stage = serializers.ChoiceField(
        choices=Contract.Stage.choices,
        required=False,
        help_text="The stage you saw; if the contract has moved since, the answer is 409.",
    )
    contract_date = BusinessDateField(
        required=False, help_text="Recording the signature asks for the date of signing."
    )


class ContractFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, max_length=100, help_text="Contract number.")
    deal = Id(help_text="The deal's id.")
    counterparty = Id(help_text="The counterparty's id.")
    stage = serializers.ChoiceField(choices=Contract.Stage.choices, required=False)


class SpecificationLineSerializer(InputSerializer):
    id = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text="An existing line's id (edited); leave it out for a new line.",
    )
    # The model's validator holds a float, which DRF warns about.
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3, min_value=Decimal("0.001"))
    net = MoneyField(help_text="Quantity × unit price, without VAT.")
    vat = MoneyField()
    gross = MoneyField(help_text="With VAT.")

    class Meta:
        model = SpecificationLine
        fields = (
            "id",
            "position",
            "name",
            "quantity",
            "unit",
            "unit_price",
            "vat_rate",
            "hs_code",
            "country_of_origin",
            "delivery_time",
            "net",
            "vat",
            "gross",
        )
        read_only_fields = ("position",)


class VatTotalSerializer(serializers.Serializer):
    rate = serializers.IntegerField()
    vat = MoneyField()


class TotalsSerializer(serializers.Serializer):
    net = MoneyField()
    vat = MoneyField()
    gross = MoneyField()
    vat_by_rate = serializers.SerializerMethodField()

    @extend_schema_field(VatTotalSerializer(many=True))
    def get_vat_by_rate(self, totals) -> list[dict]:
        rows = [{"rate": rate, "vat": vat} for rate, vat in totals.vat_by_rate.items()]
        return VatTotalSerializer(rows, many=True).data


class SpecificationSerializer(serializers.ModelSerializer):
    contract = ContractBriefSerializer()
    deal = serializers.SerializerMethodField()
    lines = SpecificationLineSerializer(many=True)
    totals = serializers.SerializerMethodField()

    class Meta:
        model = Specification
        fields = ("id", "number", "date", "contract", "deal", "lines", "totals", "updated_at")

    @extend_schema_field(DealBriefSerializer)
    def get_deal(self, specification: Specification) -> dict:
        return DealBriefSerializer(specification.contract.deal).data

    @extend_schema_field(TotalsSerializer)
    def get_totals(self, specification: Specification) -> dict:
        # The lines are prefetched: the totals add them up without another query.
        return TotalsSerializer(specification.totals(specification.lines.all())).data


class SpecificationCreateSerializer(InputSerializer):
    class Meta:
        model = Specification
        fields = ("contract", "date")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = Contract.objects.filter(
            deal__in=deals_visible_to(self.user).values("pk")
        )


class SpecificationLinesSerializer(serializers.Serializer):
    lines = SpecificationLineSerializer(
        many=True,
        help_text="The specification's lines, in order: lines left out are removed.",
    )


class SpecificationFilterSerializer(serializers.Serializer):
    deal = Id(help_text="The deal's id.")
    contract = Id(help_text="The contract's id.")
