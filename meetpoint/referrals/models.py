import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetpoint.accounts.models import Organization
from meetpoint.directory.models import Service
from meetpoint.fields import EncryptedTextField
from meetpoint.participants.models import Participant
from meetpoint.referrals import consent_rules, lifecycle
from meetpoint.screening.models import Screening

CONTACT_DETAIL_MAX_LENGTH = 255


class Referral(models.Model):
    """A referral from a sending organization to a service of a receiving organization, tracked until the loop
    is closed. `state` changes only through actions.transition_referral (a conditional UPDATE on `version`)."""

    class Urgency(models.TextChoices):
        ROUTINE = "routine", _("Routine")
        URGENT = "urgent", _("Urgent")
        EMERGENT = "emergent", _("Emergent")

    class ContactMethod(models.TextChoices):
        PHONE = "phone", _("Phone call")
        TEXT = "text", _("Text message")
        EMAIL = "email", _("Email")
        IN_PERSON = "in_person", _("In person")
        VIA_SENDER = "via_sender", _("Through the sending organization")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    sender = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="referrals_sent")
    receiver = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="referrals_received")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="referrals")
    reason_category = models.CharField(max_length=32, choices=list(consent_rules.REASON_CATEGORIES.items()))
    reason = models.TextField()
    screening = models.ForeignKey(
        Screening, null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals"
    )
    participant = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals"
    )
    urgency = models.CharField(max_length=16, choices=Urgency.choices, default=Urgency.ROUTINE)
    contact_method = models.CharField(
        max_length=16, choices=ContactMethod.choices, default=ContactMethod.VIA_SENDER, blank=True
    )
    # The only direct contact detail of the person (a phone number or email address, at most
    # CONTACT_DETAIL_MAX_LENGTH characters): encrypted at rest, and cleared with the method by
    # `meetpoint purge_expired` once its retention has passed (retention.py), which sets contact_purged_at.
    contact_detail = EncryptedTextField(blank=True)
    contact_purged_at = models.DateTimeField(null=True, blank=True)
    needs_consent = models.BooleanField(default=False)  # discloses substance-use information (42 CFR Part 2)
    state = models.CharField(
        max_length=20, choices=list(lifecycle.STATE_LABELS.items()), default=lifecycle.DRAFT, db_index=True
    )
    version = models.PositiveIntegerField(default=1)  # optimistic concurrency: every transition adds one
    status_reason_code = models.CharField(max_length=32, blank=True)
    status_reason = models.TextField(blank=True)  # why declined, on hold, not completed, cancelled or expired
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    overdue_flagged_at = models.DateTimeField(null=True, blank=True)
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created"]
        indexes = [
            models.Index(fields=["sender", "sent_at"], name="referral_sender_sent"),
            models.Index(fields=["receiver", "sent_at"], name="referral_receiver_sent"),
            models.Index(fields=["state", "sent_at"], name="referral_state_sent"),
        ]

    def __str__(self) -> str:
        return f"Referral {str(self.id)[:8]} to {self.service_id}"

    @property
    def state_label(self) -> str:
        return str(lifecycle.STATE_LABELS[self.state])

    @property
    def is_open(self) -> bool:
        return lifecycle.is_open(self.state)


class ReferralTransition(models.Model):
    """One recorded step of a referral's life: who, for which organization, when, from, to, and a note."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=20, blank=True)  # blank for the creation record
    to_state = models.CharField(max_length=20)
    side = models.CharField(max_length=10)  # sender / receiver / system
    organization = models.ForeignKey(Organization, null=True, on_delete=models.SET_NULL, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    reason_code = models.CharField(max_length=32, blank=True)
    version = models.PositiveIntegerField()  # the referral's version after this step
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "version"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "version"], name="one_transition_per_version")
        ]


class Consent(models.Model):
    """A 42 CFR Part 2 (§ 2.31) consent for disclosing one referral's substance-use information."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="consents")
    patient_reference = models.CharField(max_length=120, blank=True)  # e.g. the participant reference
    patient_name = models.CharField(max_length=200, blank=True)  # only when the person agrees to share it
    discloser = models.CharField(max_length=255)
    recipient = models.CharField(max_length=255)
    information = models.TextField()
    purpose = models.TextField()
    expires_on = models.DateField(null=True, blank=True)
    expiry_event = models.CharField(max_length=255, blank=True)
    signature_method = models.CharField(max_length=16, choices=list(consent_rules.SIGNATURE_METHODS.items()))
    signed_on = models.DateField()
    witnessed_by = models.CharField(max_length=200, blank=True)
    right_to_revoke_given = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revocation_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created"]

    def in_force(self, today=None) -> bool:
        return consent_rules.in_force(
            revoked=self.revoked_at is not None,
            expires_on=self.expires_on,
            today=today or timezone.localdate(),
        )


class Notification(models.Model):
    """An in-app notice to an organization about a referral. It never names or describes the person."""

    class Kind(models.TextChoices):
        NEW_REFERRAL = "new_referral", _("New referral")
        OVERDUE = "overdue", _("Not accepted in time")
        EXPIRED = "expired", _("Expired")
        STATE_CHANGED = "state_changed", _("Referral updated")
        CONSENT_REVOKED = "consent_revoked", _("Consent revoked")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="referral_notifications"
    )
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The state a "referral updated" notice is about; the sentence itself is written when it is read, in the
    # reader's language (`text`), never stored in the language of the person who acted.
    to_state = models.CharField(max_length=20, blank=True, default="")
    created = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["organization", "read_at"], name="notification_org_unread")]

    @property
    def text(self) -> str:
        """The notice as a sentence in the active language."""
        if self.kind == self.Kind.STATE_CHANGED:
            label = lifecycle.STATE_LABELS.get(self.to_state, self.to_state)
            return _("A referral is now: %(state)s.") % {"state": label}
        return str(NOTIFICATION_TEXTS.get(self.kind, self.get_kind_display()))


NOTIFICATION_TEXTS = {
    Notification.Kind.NEW_REFERRAL: _("A new referral is waiting."),
    Notification.Kind.OVERDUE: _("A referral has not been accepted in time."),
    Notification.Kind.EXPIRED: _("A referral expired: it was not accepted in time."),
    Notification.Kind.CONSENT_REVOKED: _(
        "Consent was revoked for a referral: its details are no longer shared."
    ),
}
