"""Installments, their payments and the payment queue's filters."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from fulfilment.api.serializers.common import (
    BusinessDateField,
    CounterpartyBriefSerializer,
    DealBriefSerializer,
    Id,
    PersonSerializer,
)
from orders.models import (
    Currency,
    SupplierOrder,
)
from payments.models import Installment, Payment


class SupplierOrderBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = SupplierOrder
        fields = ("id", "number", "stage")


class PaymentSerializer(serializers.ModelSerializer):
    recorded_by = PersonSerializer()

    class Meta:
        model = Payment
        fields = ("id", "amount", "paid_on", "reference", "recorded_by", "created_at")


class InstallmentSerializer(serializers.ModelSerializer):
    supplier_order = SupplierOrderBriefSerializer()
    deal = serializers.SerializerMethodField()
    supplier = serializers.SerializerMethodField()
    outstanding = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    status = serializers.SerializerMethodField()

    class Meta:
        model = Installment
        fields = (
            "id",
            "supplier_order",
            "deal",
            "supplier",
            "position",
            "share",
            "amount",
            "paid_amount",
            "outstanding",
            "currency",
            "base_event",
            "base_date",
            "provisional",
            "due_date",
            "reminder_date",
            "state",
            "status",
            "updated_at",
        )

    @extend_schema_field(DealBriefSerializer)
    def get_deal(self, installment: Installment) -> dict:
        return DealBriefSerializer(installment.supplier_order.deal).data

    @extend_schema_field(CounterpartyBriefSerializer)
    def get_supplier(self, installment: Installment) -> dict:
        return CounterpartyBriefSerializer(installment.supplier_order.supplier).data

    @extend_schema_field(
        serializers.ChoiceField(choices=Installment.Status.choices, help_text="As of today.")
    )
    def get_status(self, installment: Installment) -> str:
        return installment.status(self.context.get("today") or timezone.localdate())


class InstallmentDetailSerializer(InstallmentSerializer):
    payments = PaymentSerializer(many=True)

    class Meta(InstallmentSerializer.Meta):
        fields = (*InstallmentSerializer.Meta.fields, "payments")


class PaymentInputSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    paid_on = BusinessDateField()
    reference = serializers.CharField(max_length=100, help_text="Payment order number.")


class InstallmentFilterSerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False, max_length=100, help_text="Order number or deal number (or a part)."
    )
    supplier = Id(help_text="The supplier's id.")
    currency = serializers.ChoiceField(choices=Currency.choices, required=False)
    status = serializers.ChoiceField(
        choices=Installment.Status.choices,
        required=False,
        help_text="Leave out for every unpaid installment.",
    )
    due_from = BusinessDateField(required=False)
    due_to = BusinessDateField(required=False)
