from django.contrib import admin

from meetpoint.outcomes.models import OpenDataset, OpenRelease, SharedPackage, SharingAgreement


class InspectionAdmin(admin.ModelAdmin):
    """Shown, never added here: these records change only through outcomes.actions (validation, acceptance,
    disclosure control). `frozen` records cannot be changed at all (what was delivered or published)."""

    frozen = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return not self.frozen and super().has_change_permission(request, obj)


@admin.register(SharingAgreement)
class SharingAgreementAdmin(InspectionAdmin):
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


@admin.register(SharedPackage)
class SharedPackageAdmin(InspectionAdmin):
    list_display = ("agreement", "period_label", "created", "checksum")
    frozen = True


@admin.register(OpenDataset)
class OpenDatasetAdmin(InspectionAdmin):
    list_display = ("title", "organization", "time_grain", "place_grain", "threshold", "withdrawn_at")


@admin.register(OpenRelease)
class OpenReleaseAdmin(InspectionAdmin):
    list_display = ("dataset", "period_label", "created", "checksum")
    frozen = True
