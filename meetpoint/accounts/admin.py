from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from meetpoint.accounts import actions
from meetpoint.accounts.models import ApiToken, AuditEvent, Membership, Organization, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class DeactivateNotDelete:
    """Accounts and organizations named in the audit log are deactivated, not deleted: the log keeps who acted
    for whom, and its chains still verify. Deletion is refused with that reason; the list offers deactivation."""

    def in_audit_log(self, obj) -> bool:
        raise NotImplementedError

    def has_delete_permission(self, request, obj=None):
        if obj is not None and self.in_audit_log(obj):
            return False
        return super().has_delete_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and request.method == "GET" and self.in_audit_log(obj):
            self.message_user(
                request,
                _("%(name)s is named in the audit log, so it can be deactivated but not deleted.")
                % {"name": obj},
                messages.INFO,
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def log_deletions(self, request, queryset):
        # Called before delete_queryset: only what will really be deleted is logged as deleted.
        # (The delete page passes a list of one object, the bulk action a queryset.)
        return super().log_deletions(request, [obj for obj in queryset if not self.in_audit_log(obj)])

    def delete_queryset(self, request, queryset):
        kept = [obj for obj in queryset if self.in_audit_log(obj)]
        if kept:
            self.message_user(
                request,
                _("Not deleted, because the audit log names them (deactivate them instead): %(names)s.")
                % {"names": ", ".join(str(obj) for obj in kept)},
                messages.ERROR,
            )
        super().delete_queryset(request, queryset.exclude(pk__in=[obj.pk for obj in kept]))


@admin.register(User)
class MeetpointUserAdmin(DeactivateNotDelete, UserAdmin):
    actions = ["deactivate"]

    def in_audit_log(self, obj) -> bool:
        return AuditEvent.objects.filter(actor=obj).exists()

    @admin.action(description=_("Deactivate the selected users (they can no longer sign in)"))
    def deactivate(self, request, queryset):
        for user in queryset:
            actions.deactivate_user(user)
        self.message_user(request, _("%(count)d deactivated.") % {"count": queryset.count()})


@admin.register(Organization)
class OrganizationAdmin(DeactivateNotDelete, admin.ModelAdmin):
    list_display = ["name", "partner_type", "slug", "is_active", "last_modified"]
    list_filter = ["partner_type", "is_active"]
    search_fields = ["name", "slug", "alternate_name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]
    actions = ["deactivate"]

    def in_audit_log(self, obj) -> bool:
        return AuditEvent.objects.filter(organization_id=obj.pk).exists()

    @admin.action(
        description=_("Deactivate the selected organizations (their members can no longer act for them)")
    )
    def deactivate(self, request, queryset):
        for organization in queryset:
            actions.deactivate_organization(organization)
        self.message_user(request, _("%(count)d deactivated.") % {"count": queryset.count()})


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "organization__name"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "membership", "created", "last_used", "revoked"]
    readonly_fields = ["key_hash", "prefix"]
