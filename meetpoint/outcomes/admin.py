from django.contrib import admin

from meetpoint.outcomes.models import OpenDataset, OpenRelease, SharedPackage, SharingAgreement


@admin.register(SharingAgreement)
class SharingAgreementAdmin(admin.ModelAdmin):
    list_display = (
        "sharer",
        "recipient",
        "time_grain",
        "place_grain",
        "threshold",
        "valid_from",
        "valid_until",
    )
    list_filter = ("time_grain", "place_grain")
    search_fields = ("sharer__name", "recipient__name")
    # Agreements change only through outcomes.actions (validation, acceptance); the admin is for inspection.
    readonly_fields = [f.name for f in SharingAgreement._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(SharedPackage)
class SharedPackageAdmin(admin.ModelAdmin):
    list_display = ("agreement", "period_label", "created", "checksum")
    readonly_fields = [f.name for f in SharedPackage._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OpenDataset)
class OpenDatasetAdmin(admin.ModelAdmin):
    list_display = ("title", "organization", "time_grain", "place_grain", "threshold", "withdrawn_at")
    readonly_fields = [f.name for f in OpenDataset._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(OpenRelease)
class OpenReleaseAdmin(admin.ModelAdmin):
    list_display = ("dataset", "period_label", "created", "checksum")
    readonly_fields = [f.name for f in OpenRelease._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
