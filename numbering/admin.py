from django.contrib import admin

from fulfilment.admin_readonly import ReadOnlyAdmin
from numbering.models import ChildCounter, IssuedNumber, NumberCounter, NumberSeries


@admin.register(NumberSeries)
class NumberSeriesAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "format", "updated_at")
    search_fields = ("code", "name")
    readonly_fields = ("code", "created_at", "updated_at")

    def has_add_permission(self, request) -> bool:
        return False  # series are created by migrations; only their format is configurable

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(NumberCounter)
class NumberCounterAdmin(ReadOnlyAdmin):
    list_display = ("series", "year", "last_value", "updated_at")
    list_filter = ("series", "year")
    search_fields = ("series__code", "series__name")


@admin.register(IssuedNumber)
class IssuedNumberAdmin(ReadOnlyAdmin):
    list_display = ("value", "series", "year", "sequence", "issued_at")
    list_filter = ("series", "year")
    search_fields = ("value",)


@admin.register(ChildCounter)
class ChildCounterAdmin(ReadOnlyAdmin):
    list_display = ("parent", "kind", "last_value")
    search_fields = ("parent",)
