"""Every write to accounts goes through here, so pages, API, CLI and tests share one path."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetpoint.accounts import audit
from meetpoint.accounts.models import (
    ApiToken,
    MemberInvitation,
    Membership,
    Organization,
    RecoveryCode,
    RecoveryCodeSet,
    SignedInSession,
    User,
)
from meetpoint.accounts.roles import Role
from meetpoint.errors import ActionError, NotAllowed, NotFound


@transaction.atomic
def create_organization(name: str, partner_type: str, **fields) -> Organization:
    slug = fields.pop("slug", None) or Organization.unique_slug(name)
    organization = Organization.objects.create(name=name, slug=slug, partner_type=partner_type, **fields)
    audit.record("accounts.organization.created", obj=organization, detail={"partner_type": partner_type})
    return organization


@transaction.atomic
def add_member(
    organization: Organization,
    username: str,
    role: str = Role.VIEWER,
    *,
    password: str | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
) -> Membership:
    user, created = User.objects.get_or_create(
        username=username, defaults={"email": email, "first_name": first_name, "last_name": last_name}
    )
    if created:
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
    membership, joined = Membership.objects.update_or_create(
        user=user, organization=organization, defaults={"role": role}
    )
    audit.record(
        "accounts.member.added" if joined else "accounts.member.role_set",
        organization=organization,
        obj=membership,
        detail={"username": username, "role": role, "new_account": created},
    )
    return membership


@transaction.atomic
def issue_token(membership: Membership, name: str = "API token") -> str:
    """Returns the token's secret once; only its hash is kept."""
    token, key = ApiToken.issue(membership, name)
    audit.record(
        "accounts.token.issued", organization=membership.organization, obj=token, detail={"name": name}
    )
    return key


@transaction.atomic
def revoke_token(membership: Membership, token_id: int) -> bool:
    """False when the membership has no such token."""
    token = ApiToken.objects.filter(pk=token_id, membership=membership).first()
    if token is None:
        return False
    if not token.revoked:
        ApiToken.objects.filter(pk=token.pk).update(revoked=True)
        audit.record(
            "accounts.token.revoked",
            organization=membership.organization,
            obj=token,
            detail={"name": token.name},
        )
    return True


# Invitations ------------------------------------------------------------------------------------------------


def may_manage(user, membership: Membership | None, organization: Organization) -> bool:
    """A site administrator manages every organization; an admin, the one they act for."""
    if getattr(user, "is_superuser", False):
        return True
    return (
        bool(membership) and membership.organization_id == organization.pk and membership.role == Role.ADMIN
    )


def _check_email(email: str) -> str:
    from django.core.validators import validate_email

    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ActionError("email", _("Enter a valid e-mail address.")) from None
    return email


@transaction.atomic
def invite_member(
    user, membership: Membership | None, organization: Organization, email: str, role: str, language: str = ""
) -> tuple[MemberInvitation, str]:
    """Invites `email` to join `organization` as `role`. Returns the invitation and its link's token (shown or
    sent once; only its hash is kept)."""
    if not may_manage(user, membership, organization):
        raise NotAllowed(_("Only an admin of the organization may invite members."))
    email = _check_email(email)
    if role not in Role.values:
        raise ActionError("role", _("Choose one of the roles."))
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise ActionError("email", _("Someone with this e-mail address is already a member."), 409)
    pending = MemberInvitation.objects.filter(
        organization=organization,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires__gt=timezone.now(),
    )
    if pending.exists():
        raise ActionError("email", _("This address has a pending invitation: resend it instead."), 409)
    languages = {code for code, _name in settings.LANGUAGES}
    token = MemberInvitation.new_token()
    invitation = MemberInvitation.objects.create(
        organization=organization,
        email=email,
        role=role,
        language=language if language in languages else settings.LANGUAGE_CODE,
        token_hash=MemberInvitation.hash_token(token),
        invited_by=user if getattr(user, "is_authenticated", False) else None,
        expires=MemberInvitation.expiry_from(timezone.now()),
    )
    audit.record(
        "account.invitation.sent",
        membership=membership,
        user=user,
        organization=organization,
        obj=invitation,
        detail={"role": role, "expires": invitation.expires.isoformat(timespec="minutes")},
    )
    return invitation, token


@transaction.atomic
def create_organization_with_admin(
    user, name: str, partner_type: str, email: str, language: str = ""
) -> tuple[MemberInvitation, str]:
    """A site administrator adds a partner organization and invites its first admin, in one step."""
    if not getattr(user, "is_superuser", False):
        raise NotAllowed(_("Only a site administrator may add organizations."))
    name = (name or "").strip()
    if not name:
        raise ActionError("name", _("Give the organization a name."))
    _check_email(email)
    organization = create_organization(name, partner_type)
    audit.record("account.organization.created", user=user, obj=organization, detail={"name": name})
    return invite_member(user, None, organization, email, Role.ADMIN, language)


def _managed_invitation(user, membership: Membership | None, invitation_id) -> MemberInvitation:
    invitation = (
        MemberInvitation.objects.select_for_update()
        .select_related("organization")
        .filter(pk=_as_id(invitation_id))
        .first()
    )
    if invitation is None or not may_manage(user, membership, invitation.organization):
        if invitation is not None and membership and membership.organization_id == invitation.organization_id:
            raise NotAllowed(_("Only an admin of the organization may manage invitations."))
        raise NotFound(_("No such invitation."))
    if invitation.accepted_at or invitation.revoked_at:
        raise ActionError(
            "", _("This invitation was already %(status)s.") % {"status": invitation.status}, 409
        )
    return invitation


def _as_id(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound(_("No such invitation.")) from None


@transaction.atomic
def resend_invitation(user, membership: Membership | None, invitation_id) -> tuple[MemberInvitation, str]:
    """A new link for a pending or expired invitation; the old link stops working."""
    invitation = _managed_invitation(user, membership, invitation_id)
    token = MemberInvitation.new_token()
    invitation.token_hash = MemberInvitation.hash_token(token)
    invitation.expires = MemberInvitation.expiry_from(timezone.now())
    invitation.sent_count += 1
    invitation.save(update_fields=["token_hash", "expires", "sent_count"])
    audit.record(
        "account.invitation.resent",
        membership=membership,
        user=user,
        organization=invitation.organization,
        obj=invitation,
        detail={"times_sent": invitation.sent_count},
    )
    return invitation, token


@transaction.atomic
def revoke_invitation(user, membership: Membership | None, invitation_id) -> MemberInvitation:
    invitation = _managed_invitation(user, membership, invitation_id)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit.record(
        "account.invitation.revoked",
        membership=membership,
        user=user,
        organization=invitation.organization,
        obj=invitation,
        detail={"role": invitation.role},
    )
    return invitation


def invitation_by_token(token: str, *, for_update: bool = False) -> MemberInvitation:
    """The invitation a link names, if it can still be accepted; ActionError saying why not otherwise."""
    found = MemberInvitation.objects.select_related("organization")
    if for_update:
        found = found.select_for_update()
    invitation = found.filter(token_hash=MemberInvitation.hash_token(token or "")).first()
    if invitation is None:
        raise ActionError(
            "", _("This invitation link is not valid: it may have been replaced by a newer one."), 404
        )
    if invitation.accepted_at:
        raise ActionError("", _("This invitation has already been used. Sign in instead."), 410)
    if invitation.revoked_at:
        raise ActionError("", _("This invitation was withdrawn. Ask the organization for a new one."), 410)
    if invitation.expires <= timezone.now():
        raise ActionError("", _("This invitation has expired. Ask the organization to send it again."), 410)
    return invitation


@transaction.atomic
def accept_invitation(token: str, username: str, password: str, language: str = "") -> Membership:
    """Creates the invitee's account with the password they chose and their membership; the link is spent.
    The new account may enrol its authenticator next (accounts/two_factor.py)."""
    from django.contrib.auth import password_validation

    invitation = invitation_by_token(token, for_update=True)
    username = (username or "").strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ActionError("username", _("This username is taken; choose another."), 409)
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ActionError(
            "",
            _("An account with this e-mail address exists: sign in with it, then open the link again."),
            409,
        )
    candidate = User(username=username, email=invitation.email)
    try:
        candidate.full_clean(exclude=["password"], validate_unique=False)
    except ValidationError as problem:
        raise ActionError(
            "username", " ".join(problem.message_dict.get("username", problem.messages))
        ) from None
    try:
        password_validation.validate_password(password, user=candidate)
    except ValidationError as problem:
        raise ActionError("password1", " ".join(problem.messages)) from None
    candidate.set_password(password)
    candidate.language = language or invitation.language
    candidate.save()
    return _join(invitation, candidate)


@transaction.atomic
def accept_invitation_as(token: str, user) -> Membership:
    """A signed-in person whose account has the invited address joins with it."""
    invitation = invitation_by_token(token, for_update=True)
    if (user.email or "").lower() != invitation.email.lower():
        raise NotAllowed(_("This invitation is for another e-mail address."))
    if Membership.objects.filter(user=user, organization=invitation.organization).exists():
        raise ActionError("", _("You are already a member of this organization."), 409)
    return _join(invitation, user)


def _join(invitation: MemberInvitation, user) -> Membership:
    membership = Membership.objects.create(
        user=user, organization=invitation.organization, role=invitation.role
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit.record(
        "account.invitation.accepted",
        membership=membership,
        user=user,
        obj=invitation,
        detail={"role": invitation.role, "username": user.username},
    )
    return membership


# Second step, lockout and the member's own account ---------------------------------------------------------------


def _managed_member(user, membership: Membership | None, target: Membership | int) -> Membership:
    """The membership an admin (or a site administrator) acts on: 404 outside their organization."""
    if not isinstance(target, Membership):
        target = Membership.objects.select_related("user", "organization").filter(pk=_as_id(target)).first()
    if target is None or not may_manage(user, membership, target.organization):
        if target is not None and membership and membership.organization_id == target.organization_id:
            raise NotAllowed(_("Only an admin of the organization may do this."))
        raise NotFound(_("No such member."))
    return target


@transaction.atomic
def reset_second_factor(user, membership: Membership | None, target) -> tuple[Membership, str]:
    """An admin removes a member's authenticator and recovery codes (a lost phone). The member enrols again
    through a single-use link (returned, and e-mailed by the caller); a password alone cannot enrol."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    target = _managed_member(user, membership, target)
    person = User.objects.select_for_update().get(pk=target.user_id)
    removed = TOTPDevice.objects.filter(user=person).delete()[0]
    RecoveryCodeSet.objects.filter(user=person).delete()
    person.second_factor_open = False
    person.second_factor_epoch += 1
    person.save(update_fields=["second_factor_open", "second_factor_epoch"])
    audit.record(
        "account.two_factor.reset",
        membership=membership,
        user=user,
        organization=target.organization,
        obj=person,
        detail={"member": person.username, "authenticators_removed": removed},
    )
    return target, enrolment_token(person)


ENROLMENT_SALT = "meetpoint.accounts.enrolment"


def enrolment_token(person) -> str:
    from django.core import signing

    return signing.dumps({"user": person.pk, "epoch": person.second_factor_epoch}, salt=ENROLMENT_SALT)


def check_enrolment_token(person, token: str) -> int:
    """The epoch an admin's reset link grants enrolment for, if it is this person's and still unused."""
    from django.core import signing

    try:
        grant = signing.loads(token, salt=ENROLMENT_SALT, max_age=settings.MEETPOINT_INVITATION_HOURS * 3600)
    except signing.BadSignature:
        raise ActionError("", _("This set-up link is not valid or has expired."), 410) from None
    if grant.get("user") != person.pk or grant.get("epoch") != person.second_factor_epoch:
        raise ActionError("", _("This set-up link has been used or replaced by a newer one."), 410)
    return grant["epoch"]


@transaction.atomic
def confirm_authenticator(person, device) -> list[str]:
    """The authenticator's first code was right: it is confirmed, enrolment closes (later enrolments need an
    admin's reset link), and ten new recovery codes are made; they are returned to be shown once."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    User.objects.filter(pk=person.pk).update(
        second_factor_open=False, second_factor_epoch=person.second_factor_epoch + 1
    )
    person.second_factor_open, person.second_factor_epoch = False, person.second_factor_epoch + 1
    codes = new_recovery_codes(person)
    audit.record(
        "account.two_factor.enrolled", user=person, obj=person, detail={"recovery_codes": len(codes)}
    )
    return codes


RECOVERY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L to misread


@transaction.atomic
def new_recovery_codes(person) -> list[str]:
    """Replaces the person's recovery codes with ten new ones, returned once (only hashes are kept)."""
    import secrets

    RecoveryCodeSet.objects.filter(user=person).delete()
    device = RecoveryCodeSet.objects.create(user=person, name="Recovery codes", confirmed=True)
    codes = []
    for _n in range(RecoveryCodeSet.CODE_COUNT):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _i in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    RecoveryCode.objects.bulk_create(
        RecoveryCode(device=device, code_hash=device.hash_code(c)) for c in codes
    )
    return codes


@transaction.atomic
def unlock_account(user, membership: Membership | None, target) -> int:
    """An admin lifts the sign-in waits of a member's username (from every address); returns the failures
    forgotten."""
    from meetpoint.accounts import lockout

    target = _managed_member(user, membership, target)
    forgotten = lockout.forget(target.user.username)
    audit.record(
        "account.unlocked",
        membership=membership,
        user=user,
        organization=target.organization,
        obj=target.user,
        detail={"member": target.user.username, "failures_forgotten": forgotten},
    )
    return forgotten


EMAIL_CHANGE_SALT = "meetpoint.accounts.email-change"


def request_email_change(person, new_email: str, password: str) -> str:
    """Checks the password and the address; returns the token of the confirmation link to send to the new
    address. Nothing changes until the link is opened."""
    from django.core import signing

    if not person.check_password(password or ""):
        raise ActionError("password", _("That is not your password."))
    new_email = _check_email(new_email)
    if User.objects.filter(email__iexact=new_email).exclude(pk=person.pk).exists():
        # The same answer would reveal nothing either way, but two accounts must never share an address.
        raise ActionError("email", _("Choose another address."), 409)
    return signing.dumps({"user": person.pk, "email": new_email, "old": person.email}, salt=EMAIL_CHANGE_SALT)


@transaction.atomic
def confirm_email_change(person, token: str) -> str:
    from django.core import signing

    try:
        change = signing.loads(
            token, salt=EMAIL_CHANGE_SALT, max_age=settings.MEETPOINT_INVITATION_HOURS * 3600
        )
    except signing.BadSignature:
        raise ActionError("", _("This confirmation link is not valid or has expired."), 410) from None
    if change.get("user") != person.pk:
        raise NotAllowed(_("This confirmation link is for another account."))
    if change.get("old") != person.email:
        raise ActionError("", _("This confirmation link has been used or replaced by a newer one."), 410)
    person.email = change["email"]
    person.save(update_fields=["email"])
    audit.record("account.email.changed", user=person, obj=person, detail={"confirmed_by": "link"})
    return person.email


@transaction.atomic
def sign_out_other_sessions(person, current_session_key: str | None) -> int:
    from django.contrib.sessions.models import Session

    others = SignedInSession.objects.filter(user=person).exclude(session_key=current_session_key or "")
    keys = list(others.values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    others.delete()
    audit.record("account.sessions.signed_out", user=person, obj=person, detail={"sessions": len(keys)})
    return len(keys)


@transaction.atomic
def replace_recovery_codes(person) -> list[str]:
    codes = new_recovery_codes(person)
    audit.record("account.recovery_codes.replaced", user=person, obj=person, detail={"codes": len(codes)})
    return codes


@transaction.atomic
def deactivate_organization(organization: Organization) -> Organization:
    """Its members can no longer act for it; its records and its audit events stay (nothing is deleted)."""
    if organization.is_active:
        Organization.objects.filter(pk=organization.pk).update(is_active=False)
        organization.is_active = False
        audit.record("accounts.organization.deactivated", obj=organization)
    return organization


@transaction.atomic
def deactivate_user(user: User) -> User:
    """The account can no longer sign in or use its tokens; the audit log keeps its name."""
    if user.is_active:
        User.objects.filter(pk=user.pk).update(is_active=False)
        user.is_active = False
        audit.record(
            "accounts.user.deactivated",
            object_type="accounts.user",
            object_id=str(user.pk),
            detail={"username": user.get_username()},
        )
    return user
