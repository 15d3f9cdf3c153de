"""Area-level community-needs data (by county or census tract FIPS) and a record of each import.

Areas belong to whoever imported them: an organization, or the site administrator (owner None, the network's
shared data). Each organization chooses whose areas its pages and ranking use (`NeedsSource`)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from meetpoint.accounts.models import Organization


class Area(models.Model):
    """A county (5-digit FIPS) or census tract (11-digit FIPS) and its published measures.

    `measures` holds every numeric column imported for the area (SVI column names kept as published);
    a missing value (blank, or SVI's -999) is left out. `aliases` are other codes (e.g. ZIP3) under which
    program-reach indicators may report this area.
    """

    class Level(models.TextChoices):
        COUNTY = "county", _("County")
        TRACT = "tract", _("Census tract")

    owner = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="need_areas",
        help_text=_("The organization that imported it; empty: the site administrator (the network's data)."),
    )
    code = models.CharField(max_length=11)
    level = models.CharField(max_length=8, choices=Level.choices)
    name = models.CharField(max_length=255, blank=True)
    population = models.PositiveIntegerField(null=True, blank=True)
    measures = models.JSONField(default=dict)
    aliases = models.JSONField(default=list, blank=True)
    # An interior point (e.g. the Census INTPTLAT/INTPTLON), used to place grid-cell reach in the nearest area.
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    source = models.CharField(max_length=200, blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "code"], name="need_area_once_per_owner"),
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(owner__isnull=True), name="need_area_once_for_the_site"
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.code


class NeedsSource(models.Model):
    """Whose area data an organization's needs pages and ranking use: `source` (an organization), or the site
    administrator's when `source` is empty. Without a row: its own areas if it imported any, else the site's."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="needs_source")
    source = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="needs_source_for"
    )
    updated = models.DateTimeField(auto_now=True)


class AreaImport(models.Model):
    file_name = models.CharField(max_length=255)
    layout = models.CharField(max_length=10)
    rows = models.PositiveIntegerField()
    source = models.CharField(max_length=200, blank=True)
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.SET_NULL)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]
