from django.contrib import admin

from numbering.models import ChildCounter, IssuedNumber, NumberCounter, NumberSeries


@admin.register(NumberSeries)
class NumberSeriesAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "format", "updated_at")
    readonly_fields = ("code", "created_at", "updated_at")

    def has_add_permission(self, request) -> bool:
        return False  # series are created by migrations; only their format is configurable

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Counters and the ledger are written by the numbering service only."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(NumberCounter)
class NumberCounterAdmin(ReadOnlyAdmin):
    list_display = ("series", "year", "last_value", "updated_at")
    list_filter = ("series", "year")


@admin.register(IssuedNumber)
class IssuedNumberAdmin(ReadOnlyAdmin):
    list_display = ("value", "series", "year", "sequence", "issued_at")
    list_filter = ("series", "year")
    search_fields = ("value",)


@admin.register(ChildCounter)
class ChildCounterAdmin(ReadOnlyAdmin):
    list_display = ("parent", "kind", "last_value")
    search_fields = ("parent",)
