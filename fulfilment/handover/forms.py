import datetime

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fulfilment.handover import tower
from fulfilment.handover.models import Department, Task
from fulfilment.handover.selectors import people_seeing
from fulfilment.handover.triggers import TRIGGERS
from orders.forms import DateInput, PersonChoiceField
from orders.models import Counterparty
from orders.selectors import managers


class TaskActionForm(forms.Form):
    name = forms.ChoiceField(
        choices=[(n, n) for n in ("take", "start", "complete", "cancel", "reopen")],
        widget=forms.HiddenInput,
    )
    expected_status = forms.ChoiceField(
        choices=Task.Status.choices, required=False, widget=forms.HiddenInput
    )
    comment = forms.CharField(required=False, max_length=2000)


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AssignForm(forms.Form):
    assignee = PersonChoiceField(
        label=_("Assignee"), queryset=None, required=False, empty_label=_("Nobody (the queue)")
    )

    def __init__(self, *args, department: Department, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = (
            get_user_model()
            .objects.filter(Q(departments=department) | Q(pk=department.head_id), is_active=True)
            .distinct()
            .order_by("first_name", "last_name", "username")
        )


class ParticipantForm(forms.Form):
    user = PersonChoiceField(label=_("Bring in"), queryset=None)

    def __init__(self, *args, deal, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people_seeing(deal)


class TaskFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=None, required=False, empty_label=None
    )

    def __init__(self, *args, departments=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(
            {"placeholder": _("Deal number or text"), "type": "search"}
        )
        if departments is None:
            del self.fields["department"]
        else:
            self.fields["department"].queryset = departments


class NewTaskForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.all())
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    due_date = forms.DateField(label=_("Due"), widget=DateInput())

    def clean_due_date(self) -> datetime.date:
        due = self.cleaned_data["due_date"]
        if due < timezone.localdate():
            raise forms.ValidationError(_("The due date cannot be in the past."))
        return due

    def deadline(self) -> datetime.datetime:
        return timezone.make_aware(
            datetime.datetime.combine(self.cleaned_data["due_date"], settings.WORKDAY_ENDS_AT)
        )


class PreviewForm(forms.Form):
    stage = forms.ChoiceField(label=_("If the deal entered"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = TRIGGERS["orders.deal"].stages


class TowerFilterForm(forms.Form):
    manager = forms.ModelChoiceField(
        label=_("Manager"),
        queryset=None,
        required=False,
        empty_label=_("All managers"),
    )
    customer = forms.ModelChoiceField(
        label=_("Customer"),
        queryset=None,
        required=False,
        empty_label=_("All customers"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *tower.STATUS_LABELS.items()],
    )
    sort = forms.ChoiceField(
        label=_("Sort by"), required=False, choices=list(tower.SORT_LABELS.items())
    )
    flag = forms.CharField(required=False, widget=forms.HiddenInput)
    department = forms.IntegerField(required=False, widget=forms.HiddenInput)
    currency = forms.CharField(required=False, max_length=3, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = managers()
        self.fields["customer"].queryset = (
            Counterparty.objects.filter(deals__stage="realization").distinct().order_by("name")
        )

    def filters(self) -> dict:
        """The valid filters; a field with a stale or malformed value is left out alone."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})  # an unbound form has none: no filter
        return {
            "manager_id": data["manager"].pk if data.get("manager") else None,
            "customer_id": data["customer"].pk if data.get("customer") else None,
            "status": data.get("status", ""),
            "flag": data.get("flag", ""),
            "department_id": data.get("department"),
            "currency": data.get("currency", ""),
            "sort": data.get("sort") or "status",
        }
