from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fulfilment.admin_readonly import ReadOnlyAdmin
from fulfilment.roles import Can, can
from payments import services
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


class TermInstallmentRowForm(forms.ModelForm):
    class Meta:
        model = TermInstallment
        fields = TermInstallmentInline.fields


def example_of_rows(data) -> str:
    """The worked example for the installment rows of a term's admin form as it is being
    edited (saved or not), or why there is none yet."""
    prefix = TermInstallment._meta.get_field("term").remote_field.get_accessor_name()
    try:
        total = min(int(data.get(f"{prefix}-TOTAL_FORMS", 0)), 50)
    except ValueError:
        total = 0
    lines = []
    for index in range(total):
        row = f"{prefix}-{index}"
        if data.get(f"{row}-DELETE"):
            continue
        form = TermInstallmentRowForm(data, prefix=row)
        if not form.has_changed() and not data.get(f"{row}-id"):
            continue  # an extra row left empty
        if not form.is_valid():
            return gettext("Row %(row)d: %(problem)s") % {
                "row": index + 1,
                "problem": " ".join(str(e) for errors in form.errors.values() for e in errors),
            }
        lines.append(form.save(commit=False))
    problem = shares_problem([line.share for line in lines])
    if problem:
        return problem
    lines.sort(key=lambda line: line.position)
    return worked_example(lines)


@admin.register(PaymentTerm)
class PaymentTermAdmin(admin.ModelAdmin):
    """The worked example follows the rows while they are edited: htmx posts the form to
    ``example/`` on every change, and on load, so a refused save shows the rows as sent."""

    list_display = ("name", "active", "example")
    list_filter = ("active",)
    search_fields = ("name",)
    inlines = [TermInstallmentInline]
    readonly_fields = ("example",)
    fields = ("name", "active", "example")

    def get_urls(self):
        example = path(
            "example/",
            self.admin_site.admin_view(self.example_view),
            name="payments_paymentterm_example",
        )
        return [example, *super().get_urls()]

    def example_view(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        return HttpResponse(format_html("<strong>{}</strong>", example_of_rows(request.POST)))

    @admin.display(description=_("Worked example"))
    def example(self, term: PaymentTerm) -> str:
        if term.pk is None:
            text = "…"
        else:
            lines = list(term.installments.order_by("position", "pk"))
            text = worked_example(lines) if lines else "—"
        return format_html(
            '<div id="term-example" aria-live="polite" hx-post="{}" hx-include="#paymentterm_form"'
            ' hx-trigger="load, change from:#paymentterm_form,'
            ' keyup changed delay:400ms from:#paymentterm_form"><strong>{}</strong></div>',
            reverse("admin:payments_paymentterm_example"),
            text,
        )


class TermAssignmentForm(forms.ModelForm):
    class Meta:
        model = TermAssignment
        fields = ("term", "supplier", "contract", "supplier_order")

    def clean(self):
        cleaned = super().clean()
        chosen = [f for f in ("supplier", "contract", "supplier_order") if cleaned.get(f)]
        if len(chosen) != 1:
            raise forms.ValidationError(
                _("Choose exactly one of a supplier order, a contract or a supplier.")
            )
        # The order it was assigned to (still unchanged on the instance) and the new one.
        for order in (self.instance.supplier_order, cleaned.get("supplier_order")):
            refusal = services.term_change_refusal(order)
            if refusal:
                raise forms.ValidationError(refusal)
        return cleaned

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        if self.non_field_errors():
            # The one-target rule has already been refused in clean(), in plain words.
            exclude |= {"supplier", "contract", "supplier_order"}
        return exclude


@admin.register(TermAssignment)
class TermAssignmentAdmin(admin.ModelAdmin):
    """Suppliers' default terms and contracts' terms are chosen here (a contract's card has
    no term choice); an order's own term is also chosen on the order's card. Every save and
    delete goes through the service, so the schedules of the affected orders follow."""

    form = TermAssignmentForm
    list_display = ("__str__", "term")
    list_select_related = ("term", "supplier", "contract", "supplier_order")
    search_fields = (
        "term__name",
        "supplier__name",
        "supplier__inn",
        "contract__number",
        "supplier_order__number",
    )
    autocomplete_fields = ("supplier",)
    raw_id_fields = ("contract", "supplier_order")

    def _may_choose(self, request) -> bool:
        return can(request.user, Can.CHOOSE_PAYMENT_TERMS)

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and self._may_choose(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and self._may_choose(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and services.term_change_refusal(obj.supplier_order):
            return False
        return super().has_delete_permission(request, obj) and self._may_choose(request)

    def save_model(self, request, obj, form, change) -> None:
        services.term_assignment_save(assignment=obj, actor=request.user)

    def delete_model(self, request, obj) -> None:
        services.term_assignment_delete(assignment=obj, actor=request.user)

    def delete_queryset(self, request, queryset) -> None:
        with transaction.atomic():
            for assignment in queryset.select_related("supplier_order", "contract", "supplier"):
                try:
                    services.term_assignment_delete(assignment=assignment, actor=request.user)
                except ValidationError as refused:
                    messages.error(request, f"{assignment}: {' '.join(refused.messages)}")


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


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("installment", "paid_on", "amount", "reference", "recorded_by", "created_at")
    list_filter = ("paid_on",)
    search_fields = (
        "reference",
        "installment__supplier_order__number",
        "installment__supplier_order__deal__realization_number",
    )
    list_select_related = ("installment__supplier_order", "recorded_by")
    date_hierarchy = "paid_on"


@admin.register(InstallmentChange)
class InstallmentChangeAdmin(ReadOnlyAdmin):
    list_display = (
        "installment",
        "field",
        "old_value",
        "new_value",
        "reason",
        "actor",
        "created_at",
    )
    list_filter = ("field",)
    search_fields = (
        "installment__supplier_order__number",
        "installment__supplier_order__deal__realization_number",
        "reason",
    )
    list_select_related = ("installment__supplier_order", "actor")


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at")
    search_fields = ("user__username", "user__last_name")
    readonly_fields = ("user", "token", "created_at")

    def has_add_permission(self, request) -> bool:
        return False
