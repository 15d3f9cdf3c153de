"""Django admin for site administrators. Partners edit through /manage/ (actions.py validates there); the admin
is for operators fixing data, so it shows everything, including confidential sites."""

from django.contrib import admin

from meetpoint.directory.models import (
    Address,
    Contact,
    Language,
    Location,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceCapacity,
    Taxonomy,
    TaxonomyTerm,
)


@admin.register(Taxonomy)
class TaxonomyAdmin(admin.ModelAdmin):
    list_display = ("name", "version", "uri")


@admin.register(TaxonomyTerm)
class TaxonomyTermAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_es", "parent", "taxonomy")
    list_filter = ("taxonomy",)
    search_fields = ("code", "name", "name_es")


class PhoneInline(admin.TabularInline):
    model = Phone
    extra = 0
    exclude = ("organization",)


class LanguageInline(admin.TabularInline):
    model = Language
    extra = 0


class CapacityInline(admin.TabularInline):
    model = ServiceCapacity
    extra = 0


class LinkInline(admin.TabularInline):
    model = ServiceAtLocation
    extra = 0
    autocomplete_fields = ("location",)


class ScheduleInline(admin.TabularInline):
    model = Schedule
    extra = 0
    fields = (
        "weekday",
        "date",
        "opens_at",
        "closes_at",
        "timezone",
        "stop_name",
        "stop_latitude",
        "stop_longitude",
    )


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "status", "is_free", "last_modified")
    list_filter = ("status", "is_free", "taxonomy_terms")
    search_fields = ("name", "description", "organization__name")
    filter_horizontal = ("taxonomy_terms",)
    inlines = (LinkInline, PhoneInline, LanguageInline, CapacityInline, ScheduleInline)
    list_select_related = ("organization",)


class AddressInline(admin.StackedInline):
    model = Address
    extra = 0


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "is_mobile", "is_confidential", "latitude", "longitude")
    # "organization: empty" lists the shared locations an import could not give an owner, to assign by hand
    list_filter = ("is_mobile", "is_confidential", ("organization", admin.EmptyFieldListFilter))
    search_fields = ("name", "organization__name")
    inlines = (AddressInline, PhoneInline, LanguageInline, ScheduleInline)
    list_select_related = ("organization",)


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin):
    list_display = ("__str__", "service", "location", "weekday", "date", "opens_at", "closes_at", "stop_name")
    list_filter = ("weekday",)
    date_hierarchy = "date"
    list_select_related = ("service", "location")


admin.site.register(ServiceArea)
admin.site.register(Contact)
