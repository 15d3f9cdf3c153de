"""The directory, shaped on Open Referral HSDS 3.1. Primary keys are the HSDS ids (UUIDs), so imported
records keep their ids and the HSDS API serves them under the same ids."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from meetpoint.accounts.models import Organization


class Taxonomy(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    uri = models.URLField(blank=True, max_length=500)
    version = models.CharField(max_length=50, blank=True)

    class Meta:
        verbose_name_plural = "taxonomies"

    def __str__(self) -> str:
        return f"{self.name} {self.version}".strip()


class TaxonomyTerm(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    taxonomy = models.ForeignKey(
        Taxonomy, null=True, blank=True, on_delete=models.CASCADE, related_name="terms"
    )
    code = models.CharField(max_length=100, db_index=True)
    name = models.CharField(max_length=255)
    name_es = models.CharField(max_length=255, blank=True)  # Spanish label for the public directory
    description = models.TextField(blank=True)
    description_es = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    term_uri = models.URLField(blank=True, max_length=500)
    language = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def display_name(self, language: str | None = None) -> str:
        """The name in the active language (Spanish when chosen and known), else English."""
        from django.utils.translation import get_language

        language = language or get_language() or "en"
        if language.startswith("es") and self.name_es:
            return self.name_es
        return self.name

    def display_description(self, language: str | None = None) -> str:
        from django.utils.translation import get_language

        language = language or get_language() or "en"
        if language.startswith("es") and self.description_es:
            return self.description_es
        return self.description


class Location(models.Model):
    """A fixed site or a mobile unit. A confidential site is shown to the public only as an approximate area."""

    class LocationType(models.TextChoices):
        PHYSICAL = "physical", _("Physical")
        POSTAL = "postal", _("Postal")
        VIRTUAL = "virtual", _("Virtual")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="locations"
    )
    location_type = models.CharField(
        max_length=16, choices=LocationType.choices, default=LocationType.PHYSICAL
    )
    is_mobile = models.BooleanField(default=False, help_text=_("A mobile unit that stops at dated places."))
    name = models.CharField(max_length=255, blank=True)
    alternate_name = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    transportation = models.TextField(blank=True)
    url = models.URLField(blank=True, max_length=500)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    is_confidential = models.BooleanField(
        default=False,
        help_text=_(
            "Shown exactly only to this organization and the partners it names; everyone else sees an "
            "approximate area."
        ),
    )
    name_is_public = models.BooleanField(
        default=False,
        help_text=_("A confidential site's name is shown to everyone (off: only its approximate area)."),
    )
    public_area = models.CharField(
        max_length=255,
        blank=True,
        help_text=_("What the public sees instead, e.g. 'Near Elm Park' or 'Call for the location'."),
    )
    external_identifier = models.CharField(max_length=255, blank=True)
    external_identifier_type = models.CharField(max_length=255, blank=True)
    last_modified = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            # Covers the search's bounding box: the box and the fixed/mobile test are read from the index alone.
            models.Index(fields=["latitude", "longitude", "is_mobile", "id"], name="location_box"),
            models.Index(fields=["is_mobile"], name="location_is_mobile"),
        ]

    def __str__(self) -> str:
        return self.name or str(self.id)


class ExactPlaceGrant(models.Model):
    """An organization names a partner (e.g. one it refers with) whose members see its confidential sites
    exactly: address, point, name. Kept by the organization's admins; see directory/visibility.py."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="exact_place_grants"
    )
    partner = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="exact_places_granted")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "partner"], name="exact_place_grant_once"),
            models.CheckConstraint(
                condition=~models.Q(organization=models.F("partner")), name="exact_place_grant_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} → {self.partner}"


class Address(models.Model):
    class AddressType(models.TextChoices):
        PHYSICAL = "physical", _("Physical")
        POSTAL = "postal", _("Postal")
        VIRTUAL = "virtual", _("Virtual")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses")
    attention = models.CharField(max_length=255, blank=True)
    address_1 = models.CharField(max_length=255)
    address_2 = models.CharField(max_length=255, blank=True)
    city = models.CharField(max_length=255)
    region = models.CharField(max_length=255, blank=True)
    state_province = models.CharField(max_length=100)
    postal_code = models.CharField(max_length=20)
    country = models.CharField(max_length=2, default="US")
    address_type = models.CharField(max_length=16, choices=AddressType.choices, default=AddressType.PHYSICAL)

    def __str__(self) -> str:
        return f"{self.address_1}, {self.city}"


class Service(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")
        DEFUNCT = "defunct", _("Defunct")
        TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(max_length=255)
    alternate_name = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    url = models.URLField(blank=True, max_length=500)
    email = models.EmailField(blank=True)
    status = models.CharField(max_length=32, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    interpretation_services = models.TextField(blank=True)
    application_process = models.TextField(blank=True)
    fees_description = models.TextField(blank=True)
    is_free = models.BooleanField(default=False, db_index=True)
    wait_time = models.CharField(max_length=255, blank=True)
    accreditations = models.TextField(blank=True)
    licenses = models.TextField(blank=True)
    eligibility_description = models.TextField(blank=True)
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    alert = models.TextField(blank=True)
    accepts_referrals = models.BooleanField(default=True)
    # HSDS assured_date / assurer_email: when and by whom the record was last checked as correct.
    assured_date = models.DateField(null=True, blank=True)
    assurer_email = models.EmailField(blank=True)
    taxonomy_terms = models.ManyToManyField(TaxonomyTerm, blank=True, related_name="services")
    last_modified = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ServiceAtLocation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_at_locations")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="service_at_locations")
    description = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "location"], name="one_link_per_service_location")
        ]
        # Search goes from places to services: location first.
        indexes = [models.Index(fields=["location", "service", "id"], name="link_location_service")]


class Phone(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    number = models.CharField(max_length=50)
    extension = models.CharField(max_length=20, blank=True)
    type = models.CharField(max_length=20, blank=True)  # text, voice, fax, cell, video, pager, textphone
    description = models.TextField(blank=True)


class Language(models.Model):
    """A language a service or location works in (HSDS language object); `code` is ISO 639."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="languages"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="languages"
    )
    name = models.CharField(max_length=100, blank=True)
    code = models.CharField(max_length=10, db_index=True)
    note = models.TextField(blank=True)


class Schedule(models.Model):
    """Opening hours. Weekly hours set `weekday`; a mobile-unit stop or one-off session sets `date`.

    Times are wall-clock times in `timezone` (an IANA name; the region's by default).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    weekday = models.PositiveSmallIntegerField(null=True, blank=True, help_text="0 = Monday … 6 = Sunday")
    date = models.DateField(null=True, blank=True, db_index=True)
    opens_at = models.TimeField()
    closes_at = models.TimeField()
    timezone = models.CharField(max_length=64, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)
    # A mobile unit's stop: where the unit stands at that date and time.
    stop_name = models.CharField(max_length=255, blank=True)
    stop_latitude = models.FloatField(null=True, blank=True)
    stop_longitude = models.FloatField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["date", "weekday", "opens_at"]
        # Most rows belong to locations; partial indexes keep the planner's statistics honest for the rarer
        # service and service-at-location rows (with plain indexes SQLite takes the NULLs as matches and scans).
        indexes = [
            models.Index(
                fields=["service"], condition=models.Q(service__isnull=False), name="schedule_of_service"
            ),
            models.Index(
                fields=["service_at_location"],
                condition=models.Q(service_at_location__isnull=False),
                name="schedule_of_link",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="schedule_closes_after_opens"
            ),
            models.CheckConstraint(
                condition=models.Q(weekday__isnull=True) | models.Q(weekday__lte=6),
                name="schedule_weekday_0_6",
            ),
        ]

    def weekday_name(self) -> str:
        from django.utils.dates import WEEKDAYS

        return str(WEEKDAYS[self.weekday]) if self.weekday is not None else ""


class ServiceArea(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_areas")
    name = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    extent = models.TextField(blank=True)
    extent_type = models.CharField(max_length=20, blank=True)
    uri = models.URLField(blank=True, max_length=500)


class ServiceCapacity(models.Model):
    """HSDS 3.1 service_capacity: how many more people a service can take (e.g. referrals, beds)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="capacities")
    unit_name = models.CharField(max_length=100, default="referrals")
    available = models.IntegerField()
    maximum = models.IntegerField(null=True, blank=True)
    description = models.TextField(blank=True)
    updated = models.DateTimeField(auto_now=True)


class Contact(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(max_length=255, blank=True)
    title = models.CharField(max_length=255, blank=True)
    department = models.CharField(max_length=255, blank=True)
    email = models.EmailField(blank=True)
