from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from fulfilment.admin_readonly import ReadOnlyAdmin, ReadOnlyInline
from orders import services
from orders.models import (
    Attachment,
    Contact,
    Contract,
    Counterparty,
    Deal,
    DocumentVersion,
    Specification,
    SpecificationLine,
    StageChange,
    SupplementaryAgreement,
    SupplierOrder,
)
from orders.workflow import transition_by_name


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(Counterparty)
class CounterpartyAdmin(admin.ModelAdmin):
    list_display = ("name", "inn", "kpp", "kind", "updated_at")
    list_filter = ("kind",)
    search_fields = ("name", "inn")
    inlines = [ContactInline]

    def save_model(self, request, obj, form, change) -> None:
        data = {
            name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data
        }
        services.counterparty_save(actor=request.user, data=data, counterparty=obj)


class StageChangeInline(admin.TabularInline):
    model = StageChange
    fields = ("created_at", "source", "target", "actor", "comment")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


def _transition_action(name: str):
    """An admin action taking one deal step for every selected deal, through the service."""

    def action(modeladmin, request, queryset) -> None:
        result = services.deals_transition(deals=list(queryset), name=name, actor=request.user)
        if result.moved:
            modeladmin.message_user(
                request,
                ngettext("%d deal moved.", "%d deals moved.", len(result.moved))
                % len(result.moved),
                messages.SUCCESS,
            )
        for pk, reasons in result.refused.items():
            modeladmin.message_user(
                request,
                _("Deal #%(pk)s not moved: %(why)s") % {"pk": pk, "why": " ".join(reasons)},
                messages.WARNING,
            )

    transition = transition_by_name(Deal(), "stage", name)
    action.__name__ = f"transition_{name}"
    action.short_description = transition.custom.get("label", name)
    return action


@admin.register(Deal)
class DealAdmin(admin.ModelAdmin):
    list_display = (
        "realization_number",
        "title",
        "customer",
        "manager",
        "stage",
        "amount",
        "currency",
    )
    list_filter = ("stage", "currency", "manager")
    search_fields = ("realization_number", "title", "customer__name", "customer__inn")
    list_select_related = ("customer", "manager")
    readonly_fields = (
        "stage",
        "realization_number",
        "realization_started_at",
        "stage_changed_at",
        "created_at",
        "updated_at",
    )
    autocomplete_fields = ("customer",)
    inlines = [StageChangeInline]
    actions = [
        _transition_action(name)
        for name in ("send_proposal", "start_negotiation", "start_realization", "complete")
    ]

    def save_model(self, request, obj, form, change) -> None:
        data = dict(form.cleaned_data)
        if change:
            services.deal_update(deal=obj, actor=request.user, data=data)
        else:
            created = services.deal_create(actor=request.user, data=data)
            obj.pk = created.pk


@admin.register(StageChange)
class StageChangeAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "deal", "content_type", "object_id", "source", "target", "actor")
    list_filter = ("content_type", "target")
    search_fields = ("deal__realization_number", "deal__title")
    list_select_related = ("deal", "actor", "content_type")


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = (
        "original_name",
        "deal",
        "category",
        "media_type",
        "size",
        "uploaded_by",
        "created_at",
    )
    list_filter = ("category", "media_type")
    search_fields = ("original_name", "deal__realization_number", "sha256")
    list_select_related = ("deal", "uploaded_by")
    readonly_fields = (
        "uuid",
        "deal",
        "content_type",
        "object_id",
        "file",
        "original_name",
        "media_type",
        "size",
        "sha256",
        "uploaded_by",
        "created_at",
    )

    def has_add_permission(self, request) -> bool:
        return False


class RecordAdmin(ReadOnlyAdmin):
    """To look records up by number; they change only on their pages, through the services
    that number them, move their stages and record the history."""


class SpecificationLineInline(ReadOnlyInline):
    model = SpecificationLine


@admin.register(Contract)
class ContractAdmin(RecordAdmin):
    list_display = ("number", "deal", "counterparty", "kind", "contract_date", "stage")
    list_filter = ("stage", "kind")
    search_fields = ("number", "deal__realization_number", "deal__title", "counterparty__name")
    list_select_related = ("deal", "counterparty")


@admin.register(SupplementaryAgreement)
class SupplementaryAgreementAdmin(RecordAdmin):
    list_display = ("__str__", "contract", "date", "subject", "created_by")
    search_fields = ("contract__number", "contract__deal__realization_number", "subject")
    list_select_related = ("contract", "created_by")
    date_hierarchy = "date"


@admin.register(Specification)
class SpecificationAdmin(RecordAdmin):
    list_display = ("number", "contract", "date", "updated_at")
    search_fields = ("number", "contract__number", "contract__deal__realization_number")
    list_select_related = ("contract",)
    inlines = [SpecificationLineInline]
    date_hierarchy = "date"


@admin.register(SupplierOrder)
class SupplierOrderAdmin(RecordAdmin):
    list_display = (
        "number",
        "deal",
        "supplier",
        "stage",
        "planned_delivery_date",
        "actual_delivery_date",
        "amount",
        "currency",
    )
    list_filter = ("stage", "currency")
    search_fields = (
        "number",
        "deal__realization_number",
        "deal__title",
        "supplier__name",
        "invoice_number",
    )
    list_select_related = ("deal", "supplier")
    date_hierarchy = "planned_delivery_date"


@admin.register(DocumentVersion)
class DocumentVersionAdmin(RecordAdmin):
    list_display = ("number", "kind", "version", "record_state", "deal", "pages", "created_at")
    list_filter = ("kind",)
    search_fields = ("number", "deal__realization_number", "sha256")
    list_select_related = ("deal",)
