from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from fulfilment.models import CalendarDay, OutboxMessage
from fulfilment.outbox import outbox_deliver


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "note")
    list_filter = ("kind",)
    search_fields = ("note",)
    date_hierarchy = "date"


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("subject", "created_at", "sent_at", "attempts", "last_error")
    list_filter = (("sent_at", admin.EmptyFieldListFilter),)
    search_fields = ("subject", "key")
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    actions = ["send_now"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Send the selected unsent messages now"))
    def send_now(self, request, queryset) -> None:
        sent = outbox_deliver(
            keys=queryset.filter(sent_at__isnull=True).values_list("key", flat=True)
        )
        self.message_user(
            request,
            ngettext("%d message sent.", "%d messages sent.", sent) % sent,
            messages.SUCCESS,
        )
