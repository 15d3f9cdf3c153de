import uuid

from django.conf import settings
from django.db import models

from meetpoint.accounts.models import Organization
from meetpoint.participants.models import Participant


class Screening(models.Model):
    """A completed screening with one instrument. It belongs to the screening organization and is attached
    to an anonymous participant, never to a name."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="screenings")
    participant = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="screenings"
    )
    instrument = models.CharField(max_length=40, db_index=True)  # e.g. "taps", "ahc-hrsn"
    instrument_version = models.CharField(max_length=20)
    answers = models.JSONField()  # by item id, as scored
    result = models.JSONField()  # the scoring engine's result, as returned
    total = models.IntegerField(null=True, blank=True)
    positive = models.BooleanField()
    risk_level = models.CharField(max_length=40, db_index=True)
    sex = models.CharField(max_length=10, blank=True)
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    # Where the screening happened (one of the organization's sites or mobile units), for counts by site.
    location = models.ForeignKey(
        "directory.Location", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    language = models.CharField(max_length=10, blank=True)  # the person's preferred language (ISO 639)
    screened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["organization", "created"], name="screening_org_created")]
