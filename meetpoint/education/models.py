"""Trainings and education events, their materials and (host-only) registrations, anonymous pre/post survey
responses linked by a random pairing token, drug take-back events, and the invitations that make another
organization a co-host or partner once it accepts."""

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
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

    @property
    def co_hosts(self) -> list[Organization]:
        """The organizations that accepted the host's invitation: the only co-hosts shown anywhere."""
        return _accepted(self)


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

    @property
    def partners(self) -> list[Organization]:
        """The organizations that accepted the organizer's invitation: the only partners shown anywhere."""
        return _accepted(self)


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Invitation(models.Model):
    """One organization naming another as co-host of its event, or partner of its take-back event. The named
    organization's admin accepts or declines; until it accepts, the link is shown to the two organizations
    only (never on the calendar, the feed, the API or the event's page). The inviting organization may
    withdraw it; the invited one may step back after accepting (a decline)."""

    Status = InvitationStatus

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    take_back = models.ForeignKey(
        TakeBackEvent, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="education_invitations"
    )  # the invited organization
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(default=timezone.now)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-invited_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(event__isnull=False, take_back__isnull=True)
                | models.Q(event__isnull=True, take_back__isnull=False),
                name="invitation_to_one_event",
            ),
            models.UniqueConstraint(fields=["event", "organization"], name="one_invitation_per_event"),
            models.UniqueConstraint(
                fields=["take_back", "organization"], name="one_invitation_per_take_back"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.subject}"

    @property
    def subject(self) -> Event | TakeBackEvent:
        """What the organization is invited to: an event or a take-back event."""
        return self.event if self.event_id else self.take_back

    @property
    def inviter(self) -> Organization:
        return self.event.host if self.event_id else self.take_back.organization

    @property
    def inviter_id(self):
        return self.event.host_id if self.event_id else self.take_back.organization_id


def _accepted(subject: Event | TakeBackEvent) -> list[Organization]:
    # Filtered in Python so that a prefetch of the invitations ("invitations__organization") serves it.
    accepted = [
        invitation.organization
        for invitation in subject.invitations.all()
        if invitation.status == Invitation.Status.ACCEPTED
    ]
    return sorted(accepted, key=lambda organization: organization.name)
