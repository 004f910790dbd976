from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orders.forms import DateInput
from orders.models import Counterparty, Currency
from payments.models import Installment, PaymentTerm


class QueueFilterForm(forms.Form):
    q = forms.CharField(label=_("Deal or order number"), required=False, max_length=100)
    supplier = forms.ModelChoiceField(
        label=_("Supplier"), queryset=None, required=False, empty_label=_("All suppliers")
    )
    currency = forms.ChoiceField(
        label=_("Currency"), required=False, choices=[("", _("All")), *Currency.choices]
    )
    date_from = forms.DateField(label=_("Due from"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Due to"), required=False, widget=DateInput())
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Unpaid")), *Installment.Status.choices]
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = Counterparty.objects.filter(
            kind__in=[Counterparty.Kind.SUPPLIER, Counterparty.Kind.BOTH]
        ).order_by("name")

    def filters(self) -> dict:
        """The keyword arguments of ``selectors.queue_installments`` (empty if invalid)."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "text": data["q"],
            "supplier_id": data["supplier"].pk if data["supplier"] else None,
            "currency": data["currency"],
            "date_from": data["date_from"],
            "date_to": data["date_to"],
            "status": data["status"],
        }


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"), max_digits=16, decimal_places=2)
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())
    reference = forms.CharField(label=_("Payment order no."), max_length=100)

    def __init__(self, *args, installment: Installment | None = None, **kwargs) -> None:
        kwargs.setdefault("initial", {})
        if installment is not None:
            kwargs["initial"].setdefault("amount", installment.outstanding)
        kwargs["initial"].setdefault("paid_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["amount"].widget.attrs.update(
            {"step": "0.01", "min": "0.01", "class": "narrow"}
        )


class TermChoiceForm(forms.Form):
    term = forms.ModelChoiceField(
        label=_("Payment term"),
        queryset=PaymentTerm.objects.filter(active=True),
        required=False,
        empty_label=_("None: the contract's or the supplier's"),
    )
