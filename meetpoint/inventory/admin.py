"""Site administrators edit the catalog's names and ceilings (never its codes) and can look at the ledger;
stock itself changes only through inventory.actions (pages, API, CLI), so the ledger stays append-only."""

from django.contrib import admin

from meetpoint.inventory.models import StockLot, StockMovement, SupplyItem


@admin.register(SupplyItem)
class SupplyItemAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "category",
        "unit",
        "doses_per_unit",
        "max_per_encounter",
        "tracks_expiry",
        "active",
    ]
    list_filter = ["category", "tracks_expiry", "active"]
    readonly_fields = ["code"]

    def has_add_permission(self, request) -> bool:
        return False  # codes are fixed: new items come with a data migration

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(StockLot)
class StockLotAdmin(ReadOnlyAdmin):
    list_display = ["item", "location", "organization", "lot_number", "expires_on", "on_hand", "unrecorded"]
    list_filter = ["item__category", "unrecorded"]


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    list_display = [
        "occurred_at",
        "kind",
        "item",
        "location",
        "quantity",
        "needs_reconciliation",
        "reconciled_at",
    ]
    list_filter = ["kind", "needs_reconciliation"]
    date_hierarchy = "occurred_at"
