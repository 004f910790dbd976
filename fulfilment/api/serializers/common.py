"""Fields and small pieces every resource's serializers share; lookup and the current user."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from fulfilment.handover.models import Department
from fulfilment.templatetags.people import full_name
from orders.models import Contract, Counterparty, Deal

# --- Fields -------------------------------------------------------------------------------

# Dates a business record can carry. Anything outside is a typo, and the payment
# schedule's working-day arithmetic would run off the calendar with it.
EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2099, 12, 31)


class BusinessDateField(serializers.DateField):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("help_text", "A date from 2000-01-01 to 2099-12-31.")
        super().__init__(**kwargs)

    def to_internal_value(self, value) -> datetime.date:
        date = super().to_internal_value(value)
        if not EARLIEST_DATE <= date <= LATEST_DATE:
            raise serializers.ValidationError(
                _("Enter a date from %(first)s to %(last)s.")
                % {"first": EARLIEST_DATE.isoformat(), "last": LATEST_DATE.isoformat()}
            )
        return date


@extend_schema_field({"type": "string", "format": "decimal", "pattern": r"^-?\d+\.\d{2}$"})
class MoneyField(serializers.Field):
    """A computed amount, to the kopeck, as a string (never rounded by a context)."""

    def __init__(self, **kwargs) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value) -> str:
        return f"{value:.2f}"


class CodeField(serializers.SlugRelatedField):
    """An object named by its code. Text no database column can hold (a NUL character) is
    refused as bad input rather than looked up."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            raise serializers.ValidationError(ProhibitNullCharactersValidator.message)
        return super().to_internal_value(data)


class Id(serializers.IntegerField):
    """An object's id in a query parameter."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


class InputSerializer(serializers.ModelSerializer):
    """A model's input: its fields and validators, dates bounded, querysets per user."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateField: BusinessDateField,
    }

    @property
    def user(self):
        request = self.context.get("request")
        return getattr(request, "user", None) or AnonymousUser()


def step_names(model: type[models.Model], field: str) -> list[str]:
    """The names of a state machine's steps, for the ``name`` of a transition request."""
    return sorted({t.name for t in getattr(model(), f"get_all_{field}_transitions")()})


# --- Small pieces -------------------------------------------------------------------------


class PersonSerializer(serializers.ModelSerializer):
    full_name = serializers.SerializerMethodField()

    class Meta:
        model = get_user_model()
        fields = ("id", "username", "full_name")

    def get_full_name(self, user) -> str:
        return full_name(user)


class CounterpartyBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Counterparty
        fields = ("id", "name", "inn", "kpp")


class DealBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Deal
        fields = ("id", "realization_number", "title")


class ContractBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contract
        fields = ("id", "number", "stage")


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ("id", "code", "name")


class TransitionOptionSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="Send this as `name` to take the step.")
    label = serializers.CharField()
    target = serializers.CharField(help_text="The stage (or status) the step leads to.")
    allowed = serializers.BooleanField()
    reasons = serializers.ListField(
        child=serializers.CharField(), help_text="Why the step is refused now (empty: allowed)."
    )
    comment_required = serializers.BooleanField()
    dates = serializers.ListField(
        child=serializers.CharField(), help_text="The date fields the step asks for."
    )


class TransitionSerializer(serializers.Serializer):
    """Take one step of a state machine (the step names are listed in ``transitions``)."""

    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, default="", trim_whitespace=True
    )


# --- Lookup and the current user ----------------------------------------------------------


class LookupQuerySerializer(serializers.Serializer):
    number = serializers.CharField(
        max_length=100,
        help_text="A realization number (R-2026-00042) or a record's (…/SO-2, …/C-1, …/SP-1).",
    )


class LookupSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["deal", "supplier_order", "contract", "specification"])
    id = serializers.IntegerField()
    number = serializers.CharField()
    deal = DealBriefSerializer()
    url = serializers.URLField(help_text="The record in the API.")
    web_url = serializers.URLField(help_text="The record's page.")


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    capabilities = serializers.ListField(child=serializers.CharField())
    departments = DepartmentSerializer(many=True)
