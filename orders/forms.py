from django import forms
from django.utils.translation import gettext_lazy as _

from fulfilment.roles import Can
from fulfilment.templatetags.people import full_name
from orders.models import (
    Attachment,
    Contact,
    Contract,
    Counterparty,
    Deal,
    DocumentVersion,
    SpecificationLine,
    SupplierOrder,
)
from orders.selectors import managers, people_with
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
        fields = (
            "name",
            "inn",
            "kpp",
            "kind",
            "address",
            "bank_name",
            "bik",
            "account",
            "correspondent_account",
        )
        widgets = {"address": forms.Textarea(attrs={"rows": 2})}


class ContactForm(forms.ModelForm):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Contact
        fields = ("name", "position", "email", "phone")
        widgets = {
            "name": forms.TextInput(attrs={"size": 24}),
            "position": forms.TextInput(attrs={"size": 18}),
            "email": forms.EmailInput(attrs={"size": 22}),
            "phone": forms.TextInput(attrs={"size": 14}),
        }


ContactFormSet = forms.formset_factory(ContactForm, extra=0, can_delete=True)


def contact_rows(formset) -> list[dict]:
    """The contacts a valid formset keeps, in order: blank and removed rows left out."""
    return [
        form.cleaned_data
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class CounterpartyFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *Counterparty.Kind.choices],
    )


# --- Supplier orders, contracts, specifications -------------------------------------------


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        return full_name(user)


class SupplierOrderForm(forms.ModelForm):
    buyer = PersonChoiceField(label=_("Responsible buyer"), queryset=None, required=False)

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
            "buyer",
            "specification_lines",
            "notes",
        )
        widgets = {
            "order_date": DateInput(),
            "planned_delivery_date": DateInput(),
            "shipment_date": DateInput(),
            "actual_delivery_date": DateInput(),
            "invoice_date": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "specification_lines": forms.CheckboxSelectMultiple,
        }
        help_texts = {"order_date": _("Set when the order is placed, if left empty now.")}

    def __init__(self, *args, deal, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = Counterparty.objects.filter(
            kind__in=[Counterparty.Kind.SUPPLIER, Counterparty.Kind.BOTH]
        ).order_by("name")
        self.fields["contract"].queryset = deal.contracts.filter(
            kind=Contract.Kind.SUPPLIER
        ).exclude(stage=Contract.Stage.CANCELLED)
        self.fields["buyer"].queryset = people_with(Can.MANAGE_SUPPLIER_ORDERS)
        self.fields["specification_lines"].queryset = SpecificationLine.objects.filter(
            specification__contract__deal=deal
        ).select_related("specification")
        self.fields["specification_lines"].label_from_instance = lambda line: (
            f"{line.specification.number} · {line.position}. {line.name}"
        )
        # Event dates are entered with their step; once entered, they can be corrected here.
        for name in ("shipment_date", "actual_delivery_date"):
            if not getattr(self.instance, name, None):
                del self.fields[name]


class SupplierOrderTransitionForm(TransitionForm):
    expected_stage = forms.ChoiceField(
        choices=SupplierOrder.Stage.choices, widget=forms.HiddenInput
    )
    order_date = forms.DateField(required=False, widget=DateInput())
    shipment_date = forms.DateField(required=False, widget=DateInput())
    actual_delivery_date = forms.DateField(required=False, widget=DateInput())

    def dates(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in ("order_date", "shipment_date", "actual_delivery_date")
            if self.cleaned_data.get(name)
        }


class SupplierOrderFilterForm(forms.Form):
    q = forms.CharField(label=_("Deal or order number"), required=False, max_length=100)
    supplier = forms.ModelChoiceField(
        label=_("Supplier"), queryset=None, required=False, empty_label=_("All suppliers")
    )
    stage = forms.ChoiceField(
        label=_("Stage"),
        required=False,
        choices=[("", _("All stages")), *SupplierOrder.Stage.choices],
    )
    late = forms.BooleanField(label=_("Late only"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = Counterparty.objects.filter(
            kind__in=[Counterparty.Kind.SUPPLIER, Counterparty.Kind.BOTH]
        ).order_by("name")


class ContractForm(forms.ModelForm):
    class Meta:
        model = Contract
        fields = ("kind", "counterparty", "contract_date", "subject", "payment_terms_text")
        widgets = {
            "contract_date": DateInput(),
            "subject": forms.Textarea(attrs={"rows": 3}),
            "payment_terms_text": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"contract_date": _("Leave empty until it is signed.")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["counterparty"].queryset = Counterparty.objects.order_by("name")


class ContractTransitionForm(TransitionForm):
    expected_stage = forms.ChoiceField(choices=Contract.Stage.choices, widget=forms.HiddenInput)
    contract_date = forms.DateField(required=False, widget=DateInput())


class AgreementForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    subject = forms.CharField(label=_("What it changes"), widget=forms.Textarea(attrs={"rows": 2}))
    file = forms.FileField(label=_("Signed agreement"))


class SpecificationForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())


class SpecificationLineForm(forms.ModelForm):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = SpecificationLine
        fields = (
            "name",
            "quantity",
            "unit",
            "unit_price",
            "vat_rate",
            "hs_code",
            "country_of_origin",
            "delivery_time",
        )
        widgets = {
            "name": forms.TextInput(attrs={"size": 28}),
            "quantity": forms.NumberInput(
                attrs={"step": "0.001", "min": "0.001", "class": "narrow"}
            ),
            "unit": forms.TextInput(attrs={"size": 5}),
            "unit_price": forms.NumberInput(attrs={"step": "0.01", "min": "0", "class": "narrow"}),
            "hs_code": forms.TextInput(
                attrs={"size": 11, "inputmode": "numeric", "pattern": "[0-9]{10}"}
            ),
            "country_of_origin": forms.TextInput(attrs={"size": 10}),
            "delivery_time": forms.TextInput(attrs={"size": 10}),
        }


SpecificationLineFormSet = forms.formset_factory(SpecificationLineForm, extra=0, can_delete=True)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(choices=DocumentVersion.Kind.choices, widget=forms.HiddenInput)
