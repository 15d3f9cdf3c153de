"""Trainings and education events, their materials and (host-only) registrations, anonymous pre/post survey
responses linked by a random pairing token, and drug take-back events."""

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from meetpoint.accounts.models import Organization
from meetpoint.directory.models import Location, Service


class EventKind(models.TextChoices):
    OVERDOSE_RESPONSE = "overdose_response", _("Naloxone / overdose response training")
    STIGMA_REDUCTION = "stigma_reduction", _("Stigma-reduction session")
    PREVENTION_CURRICULUM = "prevention_curriculum", _("Prevention curriculum")
    COMMUNITY_FORUM = "community_forum", _("Community forum")
    OTHER = "other", _("Other education event")


# Kinds that count as trainings in the "trainings held" and "people trained" indicators.
TRAINING_KINDS = frozenset(
    {EventKind.OVERDOSE_RESPONSE, EventKind.STIGMA_REDUCTION, EventKind.PREVENTION_CURRICULUM}
)


class Audience(models.TextChoices):
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    FIRST_RESPONDERS = "first_responders", _("Fire and EMS")
    SCHOOLS = "schools", _("Schools (staff or students)")
    BUSINESSES = "businesses", _("Businesses")
    FAMILIES = "families", _("Families and friends")
    HEALTH_CARE = "health_care", _("Health care staff")
    PEOPLE_WHO_USE_DRUGS = "people_who_use_drugs", _("People who use drugs")
    GENERAL_PUBLIC = "general_public", _("General public")


class Event(models.Model):
    """A training or education event. Members of every partner see it; the public sees it when `is_public`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    host = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="hosted_events")
    co_hosts = models.ManyToManyField(Organization, blank=True, related_name="co_hosted_events")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=EventKind.choices, db_index=True)
    audience = models.CharField(max_length=32, choices=Audience.choices, db_index=True)
    description = models.TextField(blank=True)
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.SET_NULL, related_name="education_events"
    )
    venue = models.CharField(max_length=255, blank=True, help_text=_("A place not in the directory."))
    area_code = models.CharField(
        max_length=11, blank=True, db_index=True, help_text=_("Coarse area: county or tract FIPS, or ZIP3.")
    )
    is_public = models.BooleanField(default=False, help_text=_("Shown on the public calendar."))
    attendance_count = models.PositiveIntegerField(null=True, blank=True)
    naloxone_kits = models.PositiveIntegerField(default=0)
    surveys = models.JSONField(default=list, blank=True)  # survey codes attendees answer before and after
    surveys_open = models.BooleanField(default=True)
    registration_open = models.BooleanField(
        default=False, help_text=_("People may register themselves on the event's page.")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_training(self) -> bool:
        return self.kind in TRAINING_KINDS


class Material(models.Model):
    """A link to, or the description of a file of, what the event used (slides, handouts, curricula)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(max_length=200)
    url = models.URLField(blank=True, max_length=500)
    file_name = models.CharField(max_length=255, blank=True)
    media_type = models.CharField(max_length=100, blank=True)
    language = models.CharField(max_length=10, blank=True)
    added = models.DateTimeField(auto_now_add=True)


class Registration(models.Model):
    """A person registered for an event. Kept by the host only: co-hosts and others see the count."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE)  # always the host
    name = models.CharField(max_length=200)
    contact = models.CharField(max_length=200, blank=True)
    affiliation = models.CharField(max_length=200, blank=True)
    attended = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]


class SurveyResponse(models.Model):
    """One anonymous answer sheet. Pre and post are linked only by `pairing_token`, a random code that the
    attendee keeps (cookie or a short code) and that is never tied to who they are."""

    class Phase(models.TextChoices):
        PRE = "pre", _("Before")
        POST = "post", _("After")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="survey_responses")
    survey = models.CharField(max_length=40)
    survey_version = models.CharField(max_length=20)
    phase = models.CharField(max_length=4, choices=Phase.choices)
    pairing_token = models.CharField(max_length=12)
    answers = models.JSONField()
    scores = models.JSONField()  # scale code -> score
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "survey", "phase", "pairing_token"], name="one_response_per_phase"
            )
        ]


class TakeBackEvent(models.Model):
    """A drug take-back day: where, when, who collected, and what came in."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="take_back_events")
    partners = models.ManyToManyField(Organization, blank=True, related_name="take_back_partnerships")
    title = models.CharField(max_length=200)
    date = models.DateField(db_index=True)
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.SET_NULL, related_name="take_back_events"
    )
    venue = models.CharField(max_length=255, blank=True)
    area_code = models.CharField(max_length=11, blank=True, db_index=True)
    is_public = models.BooleanField(default=True)
    pounds_collected = models.DecimalField(
        max_digits=9, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    people_dropped_off = models.PositiveIntegerField(null=True, blank=True)
    sharps_pounds = models.DecimalField(
        max_digits=9, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    notes = models.TextField(blank=True)
    permanent_box = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.SET_NULL, related_name="take_back_events"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date"]

    def __str__(self) -> str:
        return self.title
