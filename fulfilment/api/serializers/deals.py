"""Counterparties and deals: their representation, their input, their filters."""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from fulfilment.api.serializers.common import (
    CounterpartyBriefSerializer,
    Id,
    InputSerializer,
    PersonSerializer,
    TransitionOptionSerializer,
    TransitionSerializer,
    step_names,
)
from fulfilment.roles import Can, can
from orders.models import (
    Counterparty,
    Deal,
)
from orders.selectors import managers
from orders.services import HANDOVER_FIELDS

# --- Counterparties -----------------------------------------------------------------------


class CounterpartySerializer(InputSerializer):
    class Meta:
        model = Counterparty
        fields = (
            "id",
            "name",
            "inn",
            "kpp",
            "kind",
            "address",
            "bank_name",
            "bik",
            "account",
            "correspondent_account",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("id", "created_at", "updated_at")


class CounterpartyFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, max_length=100, help_text="Name or start of INN.")
    kind = serializers.ChoiceField(choices=Counterparty.Kind.choices, required=False)


# --- Deals --------------------------------------------------------------------------------


class HandoverSerializer(serializers.Serializer):
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    missing = serializers.ListField(
        child=serializers.CharField(), help_text="What the card lacks before Realization."
    )


class DealSerializer(serializers.ModelSerializer):
    customer = CounterpartyBriefSerializer(allow_null=True)
    manager = PersonSerializer()
    handover = serializers.SerializerMethodField()

    class Meta:
        model = Deal
        fields = (
            "id",
            "realization_number",
            "title",
            "stage",
            "stage_changed_at",
            "realization_started_at",
            "manager",
            "customer",
            "amount",
            "currency",
            "incoterms",
            "delivery_place",
            "delivery_address",
            "required_delivery_date",
            "customer_payment_terms",
            "final_agreements",
            "handover",
            "created_at",
            "updated_at",
        )

    @extend_schema_field(HandoverSerializer)
    def get_handover(self, deal: Deal) -> dict:
        return {
            "done": deal.handover_done,
            "total": deal.handover_total,
            "missing": deal.handover_missing(),
        }


class DealDetailSerializer(DealSerializer):
    transitions = serializers.SerializerMethodField()

    class Meta(DealSerializer.Meta):
        fields = (*DealSerializer.Meta.fields, "transitions")

    @extend_schema_field(TransitionOptionSerializer(many=True))
    def get_transitions(self, deal: Deal) -> list[dict]:
        return TransitionOptionSerializer(self.context.get("transitions", []), many=True).data


class DealInputSerializer(InputSerializer):
    manager = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.none(),
        required=False,
        help_text="A sales manager; only the operations director chooses (default: you).",
    )

    class Meta:
        model = Deal
        fields = ("manager", *HANDOVER_FIELDS)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = managers()
        self.fields["customer"].queryset = Counterparty.objects.filter(
            kind__in=[Counterparty.Kind.CUSTOMER, Counterparty.Kind.BOTH]
        )

    def validate_manager(self, manager):
        if not can(self.user, Can.EDIT_ANY_DEAL):
            raise serializers.ValidationError(
                _("Only the operations director chooses a deal's manager.")
            )
        return manager


class DealTransitionSerializer(TransitionSerializer):
    name = serializers.ChoiceField(choices=step_names(Deal, "stage"))
    expected_stage = serializers.ChoiceField(
        choices=Deal.Stage.choices,
        required=False,
        help_text="The stage you saw; if the deal has moved since, the answer is 409.",
    )


class DealFilterSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Deal.Stage.choices, required=False)
    manager = Id(help_text="The manager's user id.")
    q = serializers.CharField(
        required=False, max_length=100, help_text="Title, realization number or customer."
    )


class StageChangeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    record = serializers.SerializerMethodField(help_text="The deal or record that moved.")
    source = serializers.CharField(help_text="Empty when the record was created.")
    target = serializers.CharField()
    actor = PersonSerializer(allow_null=True)
    comment = serializers.CharField()
    created_at = serializers.DateTimeField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_record(self, change) -> str:
        # Content types are cached after the first lookup: no query per row.
        return ContentType.objects.get_for_id(change.content_type_id).model
