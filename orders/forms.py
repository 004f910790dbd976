from django import forms
from django.utils.translation import gettext_lazy as _

from orders.models import Attachment, Counterparty, Deal
from orders.selectors import managers
from orders.services import HANDOVER_FIELDS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DealForm(forms.ModelForm):
    class Meta:
        model = Deal
        fields = HANDOVER_FIELDS
        widgets = {
            "required_delivery_date": DateInput(),
            "delivery_address": forms.Textarea(attrs={"rows": 2}),
            "customer_payment_terms": forms.Textarea(attrs={"rows": 3}),
            "final_agreements": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "customer_payment_terms": _(
                "E.g. 30 % prepayment, the rest within 10 days of delivery."
            ),
            "final_agreements": _(
                "Everything agreed that is not in the documents: packing, marking, "
                "acceptance, penalties, contacts on site."
            ),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = Counterparty.objects.filter(
            kind__in=[Counterparty.Kind.CUSTOMER, Counterparty.Kind.BOTH]
        ).order_by("name")
        self.fields["amount"].widget.attrs.update({"step": "0.01", "min": "0.01"})
        # The card may be saved half-filled; the gate to Realization says what is missing.
        for name in HANDOVER_FIELDS:
            if name != "title":
                self.fields[name].required = False


class DealCreateForm(DealForm):
    manager = forms.ModelChoiceField(label=_("Manager"), queryset=None, required=False)

    class Meta(DealForm.Meta):
        fields = ("manager", *HANDOVER_FIELDS)

    def __init__(self, *args, choose_manager: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if choose_manager:
            self.fields["manager"].queryset = managers()
            self.fields["manager"].help_text = _("Leave empty to manage the deal yourself.")
        else:
            del self.fields["manager"]


class TransitionForm(forms.Form):
    name = forms.CharField(max_length=50, widget=forms.HiddenInput)
    expected_stage = forms.ChoiceField(choices=Deal.Stage.choices, widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class BoardFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    manager = forms.ModelChoiceField(
        label=_("Manager"), queryset=None, required=False, empty_label=_("All managers")
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = managers()
        self.fields["q"].widget.attrs.update(
            {"placeholder": _("Title, number or customer"), "type": "search"}
        )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))
    category = forms.ChoiceField(
        label=_("Category"), choices=Attachment.Category.choices, initial=Attachment.Category.OTHER
    )


class CounterpartyForm(forms.ModelForm):
    class Meta:
        model = Counterparty
        fields = ("name", "inn", "kpp", "kind", "address")
        widgets = {"address": forms.Textarea(attrs={"rows": 2})}


class CounterpartyFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *Counterparty.Kind.choices],
    )
