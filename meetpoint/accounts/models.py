import hashlib
import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device

from meetpoint.accounts.roles import PartnerType, Role, may_edit, may_manage_members, sees_participant_level


class User(AbstractUser):
    """A person who signs in. What they may see comes from their memberships, never from the user alone."""

    # E-mails to this person (invitations, password resets) are written in this language ("" = the site's).
    language = models.CharField(max_length=8, blank=True)
    # Whether an authenticator may be enrolled after a password alone: true only until the account has been used
    # (its first authenticator confirmed, or a sign-in that needed none). Later enrolments come through an
    # invitation or an admin's reset link, so whoever learns a password cannot claim the second step.
    second_factor_open = models.BooleanField(default=True)
    # Raised by each admin reset of two-step sign-in and each enrolment: earlier reset links stop working.
    second_factor_epoch = models.PositiveIntegerField(default=0)


class Organization(models.Model):
    """A partner organization: the boundary of every participant-level record, and an HSDS organization.

    Organizations imported from other directories (211 data) are listed but have no members until one joins.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)  # the HSDS id
    name = models.CharField(max_length=255)
    slug = models.SlugField(max_length=80, unique=True)
    partner_type = models.CharField(max_length=32, choices=PartnerType.choices, default=PartnerType.OTHER)
    alternate_name = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True, max_length=500)
    tax_status = models.CharField(max_length=100, blank=True)
    tax_id = models.CharField(max_length=100, blank=True)
    year_incorporated = models.PositiveIntegerField(null=True, blank=True)
    legal_status = models.CharField(max_length=100, blank=True)
    parent_organization = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL)
    last_modified = models.DateTimeField(auto_now=True, db_index=True)
    # An organization with audit events is deactivated rather than deleted: its members can no longer act for it.
    is_active = models.BooleanField(default=True, db_default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def unique_slug(name: str) -> str:
        base = slugify(name)[:70] or "organization"
        slug, n = base, 1
        while Organization.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        return slug


class Membership(models.Model):
    """A user's place in one organization, with the role that decides what they may do there."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="one_membership_per_org")
        ]
        ordering = ["organization__name"]

    def __str__(self) -> str:
        return f"{self.user} — {self.organization} ({self.role})"

    @property
    def sees_participant_level(self) -> bool:
        return sees_participant_level(self.role)

    @property
    def may_edit(self) -> bool:
        return may_edit(self.role)

    @property
    def may_manage_members(self) -> bool:
        return may_manage_members(self.role)


class ApiToken(models.Model):
    """A bearer token that acts as one membership. Only a hash is stored; the token is shown once."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, default="API token")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("API token")

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, membership: Membership, name: str = "API token") -> tuple["ApiToken", str]:
        key = "mp_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            membership=membership, name=name, key_hash=cls.hash_key(key), prefix=key[:8]
        )
        return token, key

    def touch(self) -> None:
        ApiToken.objects.filter(pk=self.pk).update(last_used=timezone.now())


class AuditEvent(models.Model):
    """One entry of the append-only audit log. Each entry's hash covers the previous entry's hash in its
    organization's chain, so any edit, deletion or reordering breaks it (`meetpoint verify_audit` finds where)."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    actor_name = models.CharField(max_length=150, blank=True)  # kept when the user is deleted
    # No database constraint and nothing done on delete: an event keeps the id (and name) of an organization that
    # is gone, so its hash still matches (organizations with events are deactivated, not deleted, in the admin).
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="audit_events",
    )
    organization_name = models.CharField(max_length=255, blank=True)
    chain = models.CharField(max_length=40, blank=True, default="")  # the organization's id, or "network"
    action = models.CharField(max_length=64, db_index=True)  # e.g. "referral.view", "report.export"
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["organization", "at"], name="audit_org_at")]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit events are append-only.")


class AuditChainHead(models.Model):
    """One row per chain holding its newest entry's hash; locking it serializes appends to that chain only."""

    chain = models.CharField(max_length=40, unique=True, default="")
    last_hash = models.CharField(max_length=64, default="0" * 64)


class SignInFailure(models.Model):
    """A failed sign-in, kept briefly to lock out password guessing (accounts/lockout.py)."""

    username = models.CharField(max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)


class MemberInvitation(models.Model):
    """An invitation by e-mail to join an organization with a role. Only a hash of the link's token is kept; the
    link works once, until it expires, and stops working when it is resent (a new link) or revoked."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="member_invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=16, choices=Role.choices)
    language = models.CharField(max_length=8, default="en")  # the invitation e-mail's language
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)
    expires = models.DateTimeField()
    sent_count = models.PositiveIntegerField(default=1)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("member invitation")

    def __str__(self) -> str:
        return f"{self.email} → {self.organization} ({self.role})"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)

    @staticmethod
    def expiry_from(now) -> "timezone.datetime":
        return now + timedelta(hours=settings.MEETPOINT_INVITATION_HOURS)

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires > timezone.now()

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        return "pending" if self.expires > timezone.now() else "expired"


class RecoveryCodeSet(Device):
    """Ten single-use recovery codes, a second step for when the authenticator app is not at hand. A django-otp
    device, so signing in with a code is the same verified session as signing in with the app. Only hashes of the
    codes are kept; the codes are shown once, when they are made."""

    CODE_COUNT = 10

    class Meta:
        verbose_name = _("recovery codes")

    @staticmethod
    def normalize(code: str) -> str:
        return "".join(ch for ch in code.upper() if ch.isalnum())

    def hash_code(self, code: str) -> str:
        return hashlib.sha256(f"{self.user_id}:{self.normalize(code)}".encode()).hexdigest()

    def remaining(self) -> int:
        return self.codes.filter(used_at__isnull=True).count()

    def verify_token(self, token) -> bool:
        normalized = self.normalize(str(token))
        if len(normalized) != 10:
            return False
        return (
            self.codes.filter(code_hash=self.hash_code(normalized), used_at__isnull=True).update(
                used_at=timezone.now()
            )
            == 1
        )


class RecoveryCode(models.Model):
    """One recovery code, by its hash; `used_at` is set when it is spent."""

    device = models.ForeignKey(RecoveryCodeSet, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)


class SignedInSession(models.Model):
    """A session a user signed in with, so they can see where they are signed in and sign out the others.
    The session itself is Django's; this row names it and goes when it ends."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signed_in_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    signed_in = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-signed_in"]
