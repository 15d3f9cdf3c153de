from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from meetpoint.accounts.models import ApiToken, Membership, Organization, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(User)
class MeetpointUserAdmin(UserAdmin):
    pass


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "partner_type", "slug", "last_modified"]
    list_filter = ["partner_type"]
    search_fields = ["name", "slug", "alternate_name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "organization__name"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "membership", "created", "last_used", "revoked"]
    readonly_fields = ["key_hash", "prefix"]
