from django import forms
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from payments.models import (
    CalendarFeed,
    Installment,
    InstallmentChange,
    Payment,
    PaymentTerm,
    TermAssignment,
    TermInstallment,
    shares_problem,
)
from payments.schedule import worked_example


class TermInstallmentFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        shares = [
            form.cleaned_data["share"]
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("share")
        ]
        problem = shares_problem(shares)
        if problem:
            raise forms.ValidationError(problem)


class TermInstallmentInline(admin.TabularInline):
    model = TermInstallment
    formset = TermInstallmentFormSet
    extra = 0
    min_num = 1
    fields = (
        "position",
        "share",
        "base_event",
        "month_end",
        "offset_days",
        "day_type",
        "day_off_rule",
        "reminder_lead",
    )


@admin.register(PaymentTerm)
class PaymentTermAdmin(admin.ModelAdmin):
    list_display = ("name", "active", "example")
    list_filter = ("active",)
    search_fields = ("name",)
    inlines = [TermInstallmentInline]
    readonly_fields = ("example",)
    fields = ("name", "active", "example")

    @admin.display(description=_("Worked example"))
    def example(self, term: PaymentTerm) -> str:
        if term.pk is None:
            return _("Save the term to see an example; it is shown on each save.")
        lines = list(term.installments.order_by("position", "pk"))
        return format_html("<strong>{}</strong>", worked_example(lines)) if lines else "—"


@admin.register(TermAssignment)
class TermAssignmentAdmin(admin.ModelAdmin):
    """Mostly for suppliers' default terms; orders and contracts get theirs on their cards."""

    list_display = ("__str__", "term")
    list_select_related = ("term", "supplier", "contract", "supplier_order")
    autocomplete_fields = ("supplier",)
    raw_id_fields = ("contract", "supplier_order")


class InstallmentChangeInline(admin.TabularInline):
    model = InstallmentChange
    fields = ("created_at", "field", "old_value", "new_value", "reason", "actor")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class PaymentInline(admin.TabularInline):
    model = Payment
    fields = ("paid_on", "amount", "reference", "recorded_by", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Installment)
class InstallmentAdmin(admin.ModelAdmin):
    """Read-only: installments follow their order; payments are recorded on the queue page."""

    list_display = (
        "__str__",
        "amount",
        "paid_amount",
        "currency",
        "due_date",
        "provisional",
        "state",
    )
    list_filter = ("state", "currency", "provisional")
    search_fields = ("supplier_order__number", "supplier_order__deal__realization_number")
    list_select_related = ("supplier_order",)
    inlines = [PaymentInline, InstallmentChangeInline]
    date_hierarchy = "due_date"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Installment._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at")
    readonly_fields = ("user", "token", "created_at")

    def has_add_permission(self, request) -> bool:
        return False
