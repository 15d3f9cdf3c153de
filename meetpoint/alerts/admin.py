from django.contrib import admin

from meetpoint.alerts.models import SubstanceOfConcern


@admin.register(SubstanceOfConcern)
class SubstanceOfConcernAdmin(admin.ModelAdmin):
    """The site administrator's list: a finding of an active one raises a bad-batch alert."""

    list_display = ("name", "code", "active")
    list_editable = ("active",)
    search_fields = ("name", "code")
