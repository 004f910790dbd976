from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from fulfilment.admin_readonly import ReadOnlyAdmin
from fulfilment.handover import rules
from fulfilment.handover.models import (
    Department,
    LateDeliveryAlert,
    PaymentEscalation,
    PaymentReminder,
    Rule,
    RuleFiring,
    Task,
    TaskComment,
    TaskEvent,
)
from fulfilment.handover.triggers import TRIGGERS


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "head")
    search_fields = ("name", "code")
    filter_horizontal = ("members",)
    autocomplete_fields = ("head",)


def _trigger_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    return [
        (
            str(trigger.label),
            [(f"{kind}:{stage}", f"{trigger.label} → {label}") for stage, label in trigger.stages],
        )
        for kind, trigger in TRIGGERS.items()
    ]


class RuleForm(forms.ModelForm):
    trigger = forms.ChoiceField(
        label=_("When"),
        choices=_trigger_choices,
        help_text=Rule._meta.get_field("trigger_stage").help_text,
    )

    class Meta:
        model = Rule
        fields = (
            "name",
            "active",
            "predecessor",
            "department",
            "participant_departments",
            "title_template",
            "description_template",
            "deadline_offset",
            "deadline_unit",
            "assignee_strategy",
            "assignee",
        )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["trigger"] = f"{self.instance.trigger_kind}:{self.instance.trigger_stage}"
        self.fields["title_template"].help_text = "; ".join(
            _("%(kind)s: %(names)s")
            % {
                "kind": trigger.label,
                "names": ", ".join(f"{{{name}}}" for name in trigger.placeholders),
            }
            for trigger in TRIGGERS.values()
        )

    def _post_clean(self) -> None:
        kind, _sep, stage = self.cleaned_data.get("trigger", ":").partition(":")
        self.instance.trigger_kind, self.instance.trigger_stage = kind, stage
        super()._post_clean()


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    form = RuleForm
    list_display = (
        "name",
        "trigger_label",
        "department",
        "deadline_offset",
        "deadline_unit",
        "assignee_strategy",
        "predecessor",
        "active",
    )
    list_filter = ("active", "trigger_kind", "department")
    search_fields = ("name", "title_template")
    filter_horizontal = ("participant_departments",)
    autocomplete_fields = ("assignee",)
    actions = ["backfill"]
    fieldsets = (
        (None, {"fields": ("name", "active", "trigger", "predecessor")}),
        (
            _("Task"),
            {
                "fields": (
                    "department",
                    "participant_departments",
                    "title_template",
                    "description_template",
                )
            },
        ),
        (
            _("Deadline and assignee"),
            {"fields": ("deadline_offset", "deadline_unit", "assignee_strategy", "assignee")},
        ),
    )

    @admin.display(description=_("When"))
    def trigger_label(self, rule: Rule) -> str:
        return rule.trigger_label

    @admin.action(description=_("Backfill: create the tasks for objects already in the stage…"))
    def backfill(self, request, queryset):
        """A rule added to a stage that already holds objects does nothing to them until
        this action runs; it first shows what it would create (a dry run)."""
        if queryset.count() != 1:
            self.message_user(request, _("Backfill one rule at a time."), messages.WARNING)
            return None
        rule = queryset.select_related("department").get()
        if rule.predecessor_id or not rule.active:
            self.message_user(
                request,
                _("Only an active rule without a predecessor can be backfilled."),
                messages.WARNING,
            )
            return None
        entries = rules.backfill_candidates(rule)
        if request.POST.get("apply") == "yes":
            with transaction.atomic():
                tasks = rules.backfill(rule=rule, entries=entries, actor=request.user)
            self.message_user(
                request,
                ngettext("%d task created.", "%d tasks created.", len(tasks)) % len(tasks),
                messages.SUCCESS,
            )
            return None
        planned = rules.preview_backfill(rule=rule, entries=entries)
        return TemplateResponse(
            request,
            "admin/handover/rule/backfill.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Backfill “%(rule)s”") % {"rule": rule.name},
                "rule": rule,
                "planned": planned,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


class TaskEventInline(admin.TabularInline):
    model = TaskEvent
    fields = ("created_at", "kind", "old_value", "new_value", "actor", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class TaskCommentInline(admin.TabularInline):
    model = TaskComment
    fields = ("created_at", "author", "text")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    """Read-only here: tasks change through the dashboards, which record every change."""

    list_display = ("title", "deal", "department", "assignee", "deadline", "status")
    list_filter = ("status", "department")
    search_fields = ("title", "deal__realization_number", "deal__title")
    list_select_related = ("deal", "department", "assignee")
    inlines = [TaskEventInline, TaskCommentInline]
    date_hierarchy = "deadline"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Task._meta.fields] + [
            "participant_departments",
            "participant_users",
        ]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(RuleFiring)
class RuleFiringAdmin(admin.ModelAdmin):
    list_display = ("created_at", "rule", "deal", "outcome", "task", "message")
    list_filter = ("outcome", "rule")
    search_fields = ("deal__realization_number", "deal__title", "rule__name")
    list_select_related = ("rule", "deal", "task")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class JobRecordAdmin(ReadOnlyAdmin):
    """Written by the periodic jobs, whose unique rows keep each reminder to one: to look
    up, never to edit."""


@admin.register(PaymentReminder)
class PaymentReminderAdmin(JobRecordAdmin):
    list_display = ("installment", "due_date", "task", "created_at")
    list_filter = ("due_date",)
    search_fields = (
        "installment__supplier_order__number",
        "installment__supplier_order__deal__realization_number",
    )
    list_select_related = ("installment__supplier_order", "task")


@admin.register(PaymentEscalation)
class PaymentEscalationAdmin(JobRecordAdmin):
    list_display = ("installment", "task", "created_at")
    search_fields = (
        "installment__supplier_order__number",
        "installment__supplier_order__deal__realization_number",
    )
    list_select_related = ("installment__supplier_order", "task")
    date_hierarchy = "created_at"


@admin.register(LateDeliveryAlert)
class LateDeliveryAlertAdmin(JobRecordAdmin):
    list_display = ("supplier_order", "planned_date", "task", "created_at")
    list_filter = ("planned_date",)
    search_fields = ("supplier_order__number", "supplier_order__deal__realization_number")
    list_select_related = ("supplier_order", "task")
