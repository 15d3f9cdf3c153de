import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetpoint.accounts.models import Organization


class TimeGrain(models.TextChoices):
    MONTH = "month", _("Calendar month")
    QUARTER = "quarter", _("Calendar quarter")
    YEAR = "year", _("Calendar year")


class PlaceGrain(models.TextChoices):
    COUNTY = "county", _("Whole county (one figure)")
    ZIP3 = "zip3", _("ZIP3 area")
    SERVICE_AREA = "service_area", _("Service area (site or mobile unit)")


class SharingAgreement(models.Model):
    """What one organization shares with another: indicators, time and place grain, threshold, validity.

    The sharer's admin proposes it (accepting on the sharer's side); the recipient's admin accepts it. It is in
    force once both have accepted, between valid_from and valid_until, until either side ends it.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    sharer = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="agreements_shared")
    recipient = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="agreements_received")
    indicators = models.JSONField(default=list)  # indicator codes
    time_grain = models.CharField(max_length=16, choices=TimeGrain.choices, default=TimeGrain.MONTH)
    place_grain = models.CharField(max_length=16, choices=PlaceGrain.choices, default=PlaceGrain.COUNTY)
    threshold = models.PositiveSmallIntegerField(default=11)
    protect_supplies = models.BooleanField(
        default=True,
        help_text=_("Counts of people are always protected; supply counts too unless unchecked."),
    )
    low_threshold_allowed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    purpose = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)
    sharer_accepted_at = models.DateTimeField(null=True, blank=True)
    recipient_accepted_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="agreement_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.sharer} → {self.recipient}"

    def in_force(self, on=None) -> bool:
        day = on or timezone.localdate()
        return bool(
            self.sharer_accepted_at
            and self.recipient_accepted_at
            and not self.ended_at
            and self.valid_from <= day
            and (self.valid_until is None or day <= self.valid_until)
        )

    @property
    def state(self) -> str:
        if self.ended_at:
            return "ended"
        if not (self.sharer_accepted_at and self.recipient_accepted_at):
            return "proposed"
        today = timezone.localdate()
        if self.valid_until is not None and self.valid_until < today:
            return "expired"
        if self.valid_from > today:
            return "accepted"
        return "in force"


class Correctable(models.Model):
    """A delivered package or a published open-data period can be corrected (a new release for the same period
    replaces it, with a reason) or withdrawn (with a reason). Neither is ever deleted: the recipient already
    holds them, and the disclosure audit of every later release reads them all."""

    corrects = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrected_by"
    )
    correction_reason = models.CharField(max_length=500, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)  # a correction replaced it
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        abstract = True

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None and self.withdrawn_at is None

    @property
    def standing(self) -> str:
        if self.withdrawn_at:
            return "withdrawn"
        if self.superseded_at:
            return "superseded"
        return "corrected" if self.corrects_id else "delivered"


class SharedPackage(Correctable):
    """One period's disclosure-controlled package delivered under an agreement, logged with what it held."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agreement = models.ForeignKey(SharingAgreement, on_delete=models.PROTECT, related_name="packages")
    period_start = models.DateField()
    period_end = models.DateField()
    period_label = models.CharField(max_length=20)
    created = models.DateTimeField(default=timezone.now)
    contents = models.JSONField()  # exactly what the recipient receives ('*' for suppressed cells)
    suppression = models.JSONField(
        default=dict
    )  # server-side: how each cell was suppressed, for later audits
    checksum = models.CharField(max_length=64)  # SHA-256 of the canonical JSON of contents

    class Meta:
        ordering = ["-period_start", "agreement__sharer__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "period_start", "period_end"],
                condition=models.Q(superseded_at__isnull=True),
                name="one_current_package_per_agreement_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreement} {self.period_label}"


class OpenDataset(models.Model):
    """Indicators an organization publishes to everyone, in fixed periods, with the same disclosure control."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="open_datasets")
    slug = models.SlugField(max_length=80)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    indicators = models.JSONField(default=list)
    time_grain = models.CharField(max_length=16, choices=TimeGrain.choices, default=TimeGrain.QUARTER)
    place_grain = models.CharField(max_length=16, choices=PlaceGrain.choices, default=PlaceGrain.COUNTY)
    threshold = models.PositiveSmallIntegerField(default=11)
    protect_supplies = models.BooleanField(default=True)
    published_from = models.DateField()
    created = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organization__name", "title"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "slug"], name="one_open_dataset_slug_per_org")
        ]

    def __str__(self) -> str:
        return self.title


class OpenRelease(Correctable):
    """One period of an open dataset, as published."""

    dataset = models.ForeignKey(OpenDataset, on_delete=models.CASCADE, related_name="releases")
    period_start = models.DateField()
    period_end = models.DateField()
    period_label = models.CharField(max_length=20)
    created = models.DateTimeField(default=timezone.now)
    contents = models.JSONField()
    suppression = models.JSONField(default=dict)
    checksum = models.CharField(max_length=64)

    class Meta:
        ordering = ["-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "period_start", "period_end"],
                condition=models.Q(superseded_at__isnull=True),
                name="one_current_open_release_per_period",
            )
        ]
