"""Every write to referrals goes through here (pages, API, CLI, demo and tests share one path): validated first,
written in one transaction, every state change recorded. Problems raise ReferralError with an HTTP status."""

import re
import uuid
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from meetpoint.accounts import audit
from meetpoint.accounts.models import Membership
from meetpoint.accounts.roles import PARTICIPANT_LEVEL_ROLES, Role
from meetpoint.directory.models import Service
from meetpoint.participants.models import Participant
from meetpoint.referrals import consent_rules, lifecycle
from meetpoint.referrals.models import (
    CONTACT_DETAIL_MAX_LENGTH,
    Consent,
    Notification,
    Referral,
    ReferralTransition,
)
from meetpoint.screening.models import Screening

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
DIRECT_METHODS = ("phone", "text", "email")  # the methods that come with a contact detail


class ReferralError(Exception):
    """A refused request: `status` is the HTTP status (400, 403, 404, 409); `errors` names fields for a 400;
    `allowed` lists the transitions that are allowed for a 409."""

    def __init__(
        self, status: int, message: str, *, errors: dict | None = None, allowed: list[str] | None = None
    ):
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors or {}
        self.allowed = allowed

    def payload(self) -> dict:
        body: dict = {"detail": self.message}
        if self.errors:
            body["errors"] = [{"field": field, "message": message} for field, message in self.errors.items()]
        if self.allowed is not None:
            body["allowed"] = self.allowed
        return body


def overdue_after() -> timedelta:
    return timedelta(hours=getattr(settings, "MEETPOINT_REFERRAL_OVERDUE_HOURS", 72))


def expire_after() -> timedelta:
    return timedelta(hours=getattr(settings, "MEETPOINT_REFERRAL_EXPIRE_HOURS", 14 * 24))


def _state(code: str) -> str:
    """A state as a reader says it: "in progress", not in_progress."""
    return str(lifecycle.STATE_LABELS.get(code, code)).lower()


def _states(codes: list[str]) -> str:
    return ", ".join(_state(code) for code in codes) or _("none")


def _require_staff(membership: Membership) -> None:
    if membership.role not in PARTICIPANT_LEVEL_ROLES:
        raise ReferralError(
            403,
            _("The %(role)s role may not work on referrals (staff or admin only).")
            % {"role": Role(membership.role).label.lower()},
        )


def _as_uuid(value, field: str) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise ReferralError(
            400, f"{field}: {value!r} is not a valid id.", errors={field: "not a valid id"}
        ) from None


def _visible_referral(membership: Membership, referral_id) -> Referral:
    from meetpoint.referrals.queries import visible_referrals

    rid = _as_uuid(referral_id, "referral")
    query = visible_referrals(membership).filter(pk=rid).select_related("sender", "receiver", "service")
    referral = query.first()
    if referral is None:
        raise ReferralError(404, _("No such referral."))
    return referral


def consent_in_force(referral: Referral, today: date | None = None) -> Consent | None:
    today = today or timezone.localdate()
    for consent in referral.consents.all():
        if consent.in_force(today):
            return consent
    return None


# ----- creating ----------------------------------------------------------------------------------------------


def validate_new_referral(membership: Membership, data: dict) -> tuple[dict, dict]:
    """Checks a new referral's fields. Returns (clean values, errors by field)."""
    errors: dict[str, str] = {}
    clean: dict = {}
    service = None
    service_id = data.get("service_id") or data.get("service")
    if not service_id:
        errors["service"] = "Choose the service to refer to."
    else:
        try:
            service = (
                Service.objects.select_related("organization").filter(pk=uuid.UUID(str(service_id))).first()
            )
        except ValueError:
            service = None
        if service is None:
            errors["service"] = f"There is no service with id {service_id}."
        elif service.status != Service.Status.ACTIVE:
            errors["service"] = (
                f"The service '{service.name}' is {service.get_status_display().lower()}, not active."
            )
        elif not service.accepts_referrals:
            errors["service"] = f"The service '{service.name}' does not accept referrals."
    clean["service"] = service
    category = data.get("reason_category") or ""
    if category not in consent_rules.REASON_CATEGORIES:
        errors["reason_category"] = "Choose one of: " + ", ".join(consent_rules.REASON_CATEGORIES) + "."
    clean["reason_category"] = category
    reason = (data.get("reason") or "").strip()
    if not reason:
        errors["reason"] = "Say briefly why you refer the person."
    clean["reason"] = reason
    urgency = data.get("urgency") or Referral.Urgency.ROUTINE
    if urgency not in Referral.Urgency.values:
        errors["urgency"] = "Choose one of: " + ", ".join(Referral.Urgency.values) + "."
    clean["urgency"] = urgency
    method = data.get("contact_method") or Referral.ContactMethod.VIA_SENDER
    detail = (data.get("contact_detail") or "").strip()
    if method not in Referral.ContactMethod.values:
        errors["contact_method"] = "Choose one of: " + ", ".join(Referral.ContactMethod.values) + "."
    elif method in ("phone", "text") and len(re.sub(r"\D", "", detail)) < 7:
        errors["contact_detail"] = "Give the phone number the receiver may call or text."
    elif method == "email" and not EMAIL_PATTERN.match(detail):
        errors["contact_detail"] = "Give the email address the receiver may write to."
    elif method in DIRECT_METHODS and len(detail) > CONTACT_DETAIL_MAX_LENGTH:
        errors["contact_detail"] = f"Give at most {CONTACT_DETAIL_MAX_LENGTH} characters."
    clean["contact_method"] = method
    clean["contact_detail"] = detail if method in DIRECT_METHODS else ""
    screening = None
    if data.get("screening_id"):
        try:
            screening = (
                Screening.objects.filter(
                    pk=uuid.UUID(str(data["screening_id"])), organization=membership.organization
                )
                .select_related("participant")
                .first()
            )
        except ValueError:
            screening = None
        if screening is None:
            errors["screening"] = "No screening with that id at your organization."
    clean["screening"] = screening
    participant = None
    if data.get("participant_id"):
        try:
            participant = Participant.objects.filter(
                pk=uuid.UUID(str(data["participant_id"])), organization=membership.organization
            ).first()
        except ValueError:
            participant = None
        if participant is None:
            errors["participant"] = "No participant with that id at your organization."
    if screening is not None and screening.participant_id:
        if participant is not None and participant.pk != screening.participant_id:
            errors["participant"] = "The participant is not the one the screening belongs to."
        participant = participant or screening.participant
    clean["participant"] = participant
    return clean, errors


def create_referral(
    membership: Membership,
    data: dict,
    *,
    send: bool = True,
    consent: dict | None = None,
    now: datetime | None = None,
) -> Referral:
    """Creates a referral (a draft), records its consent when given, and sends it when `send`.

    A referral that discloses substance-use information is sent only with a consent in force."""
    _require_staff(membership)
    now = now or timezone.now()
    clean, errors = validate_new_referral(membership, data)
    if errors:
        raise ReferralError(
            400,
            "The referral has problems: " + "; ".join(f"{k}: {v}" for k, v in errors.items()),
            errors=errors,
        )
    needs_consent = consent_rules.discloses_substance_use(
        clean["reason_category"], clean["screening"].instrument if clean["screening"] else None
    )
    consent_elements = None
    if consent is not None:
        consent_elements = _consent_elements(
            consent, membership.organization.name, clean["service"].organization.name, clean["participant"]
        )
        problems = consent_rules.missing_elements(consent_elements, timezone.localdate(now))
        if problems:
            raise ReferralError(
                400, _consent_message(problems), errors={f"consent.{k}": v for k, v in problems.items()}
            )
    if send and needs_consent and consent is None:
        raise ReferralError(
            400,
            "consent: this referral discloses substance-use information; 42 CFR Part 2 requires the person's "
            "written or witnessed consent before it is sent.",
            errors={"consent": "required for substance-use information"},
        )
    with transaction.atomic():
        referral = Referral.objects.create(
            sender=membership.organization,
            receiver=clean["service"].organization,
            service=clean["service"],
            reason_category=clean["reason_category"],
            reason=clean["reason"],
            screening=clean["screening"],
            participant=clean["participant"],
            urgency=clean["urgency"],
            contact_method=clean["contact_method"],
            contact_detail=clean["contact_detail"],
            needs_consent=needs_consent,
            created_by=membership.user,
            created=now,
            updated=now,
        )
        ReferralTransition.objects.create(
            referral=referral,
            from_state="",
            to_state=lifecycle.DRAFT,
            side=lifecycle.SENDER,
            organization=membership.organization,
            actor=membership.user,
            version=1,
            at=now,
        )
        if consent_elements is not None:
            _save_consent(referral, consent_elements, membership, now)
        audit.record(
            "referral.created",
            membership=membership,
            obj=referral,
            detail={
                "to": referral.receiver.name,
                "service": clean["service"].name,
                "with_consent": consent_elements is not None,
            },
        )
        if send:
            referral = _apply_transition(referral, membership, lifecycle.SENT, lifecycle.SENDER, now=now)
    return referral


# ----- transitions -------------------------------------------------------------------------------------------


def side_of(membership: Membership, referral: Referral, to: str | None = None) -> str | None:
    """The side the member acts for; within one organization, the side the transition to `to` belongs to."""
    org_id = membership.organization_id
    who = lifecycle.TRANSITIONS.get((referral.state, to or ""))
    if who == lifecycle.SENDER and org_id == referral.sender_id:
        return lifecycle.SENDER
    if who == lifecycle.RECEIVER and org_id == referral.receiver_id:
        return lifecycle.RECEIVER
    if org_id == referral.sender_id:
        return lifecycle.SENDER
    if org_id == referral.receiver_id:
        return lifecycle.RECEIVER
    return None


def allowed_for(membership: Membership, referral: Referral) -> list[str]:
    """The states this member may move the referral to now (none for analysts and viewers)."""
    if membership.role not in PARTICIPANT_LEVEL_ROLES:
        return []
    org_id = membership.organization_id
    allowed = []
    for to in lifecycle.allowed_targets(referral.state):
        who = lifecycle.TRANSITIONS[(referral.state, to)]
        if (who == lifecycle.SENDER and org_id == referral.sender_id) or (
            who == lifecycle.RECEIVER and org_id == referral.receiver_id
        ):
            allowed.append(to)
    return allowed


def transition_referral(
    membership: Membership,
    referral_id,
    to: str,
    *,
    note: str = "",
    reason_code: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Referral:
    """Moves a referral to state `to` for the acting member's side, or refuses: 404 (not visible), 403 (role),
    409 (illegal here, or someone else changed it first), 400 (missing reason or consent)."""
    now = now or timezone.now()
    referral = _visible_referral(membership, referral_id)
    _require_staff(membership)
    if to not in lifecycle.STATES:
        raise ReferralError(
            400,
            f"to: unknown state {to!r}; states are {', '.join(lifecycle.STATES)}.",
            errors={"to": "unknown state"},
        )
    side = side_of(membership, referral, to)
    allowed = allowed_for(membership, referral)
    if to not in allowed:
        raise ReferralError(
            409,
            _("A referral that is %(state)s cannot become %(to)s from your side. Allowed: %(allowed)s.")
            % {"state": _state(referral.state), "to": _state(to), "allowed": _states(allowed)},
            allowed=allowed,
        )
    if expected_version is not None and expected_version != referral.version:
        raise ReferralError(
            409,
            _("The referral was changed by someone else (it is now %(state)s); reload and try again.")
            % {"state": _state(referral.state)},
            allowed=allowed,
        )
    with transaction.atomic():
        return _apply_transition(referral, membership, to, side, note=note, reason_code=reason_code, now=now)


def _apply_transition(
    referral: Referral,
    membership: Membership | None,
    to: str,
    side: str,
    *,
    note: str = "",
    reason_code: str = "",
    now: datetime,
) -> Referral:
    """The conditional UPDATE: it changes the row only if nobody changed it since it was read, so of two
    simultaneous transitions exactly one wins and the other is a 409. Call inside transaction.atomic()."""
    frm = referral.state
    note = (note or "").strip()
    if (
        to == lifecycle.SENT
        and referral.needs_consent
        and consent_in_force(referral, timezone.localdate(now)) is None
    ):
        raise ReferralError(
            400,
            "consent: this referral discloses substance-use information; record the person's consent "
            "(42 CFR Part 2) before sending it.",
            errors={"consent": "required for substance-use information"},
        )
    if to == lifecycle.NOT_COMPLETED and reason_code not in lifecycle.NOT_COMPLETED_REASONS:
        raise ReferralError(
            400,
            "reason: say why it was not completed: " + ", ".join(lifecycle.NOT_COMPLETED_REASONS) + ".",
            errors={"reason": "required"},
        )
    changes: dict = {"state": to, "version": F("version") + 1, "updated": now}
    if lifecycle.TASK_STATUS[to] in lifecycle.REASONED_TASK_STATUSES:
        changes["status_reason_code"] = reason_code if to == lifecycle.NOT_COMPLETED else (reason_code or to)
        changes["status_reason"] = note
    else:
        changes["status_reason_code"] = ""
        changes["status_reason"] = ""
    if to == lifecycle.SENT:
        changes["sent_at"] = now
    if to == lifecycle.ACCEPTED:
        changes["accepted_at"] = now
    if to in lifecycle.CLOSED_STATES:
        changes["closed_at"] = now
    won = Referral.objects.filter(pk=referral.pk, state=frm, version=referral.version).update(**changes)
    if not won:
        current = Referral.objects.filter(pk=referral.pk).values_list("state", flat=True).first()
        fresh = Referral.objects.get(pk=referral.pk) if current else referral
        allowed = allowed_for(membership, fresh) if membership else []
        raise ReferralError(
            409,
            _("Someone else changed this referral first (it is now %(state)s). Allowed: %(allowed)s.")
            % {"state": _state(current or ""), "allowed": _states(allowed)},
            allowed=allowed,
        )
    ReferralTransition.objects.create(
        referral=referral,
        from_state=frm,
        to_state=to,
        side=side,
        organization=membership.organization if membership else None,
        actor=membership.user if membership else None,
        note=note,
        reason_code=changes["status_reason_code"],
        version=referral.version + 1,
        at=now,
    )
    # Mirror the UPDATE on the instance rather than reading the row back (saves two queries a transition).
    for name, value in changes.items():
        if name != "version":
            setattr(referral, name, value)
    referral.version += 1
    _notify_transition(referral, frm, to, side, now)
    audit.record(
        f"referral.{to}",
        membership=membership,
        organization=membership.organization if membership else referral.sender,
        obj=referral,
        detail={"from": frm, "side": side, **({"reason": reason_code} if reason_code else {})},
    )
    return referral


# ----- consent -----------------------------------------------------------------------------------------------


def _parse_date(value, field: str, errors: dict) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors[field] = "Give a date as YYYY-MM-DD."
        return None


def _consent_elements(
    data: dict, discloser: str, recipient: str, participant
) -> consent_rules.ConsentElements:
    errors: dict = {}
    reference = (data.get("patient_reference") or "").strip()
    if not reference and participant is not None:
        reference = f"Participant {str(participant.pk)[:8]}"
    elements = consent_rules.ConsentElements(
        patient_reference=reference,
        patient_name=(data.get("patient_name") or "").strip(),
        discloser=discloser,
        recipient=recipient,
        information=(data.get("information") or "").strip(),
        purpose=(data.get("purpose") or "").strip(),
        expires_on=_parse_date(data.get("expires_on"), "expires_on", errors),
        expiry_event=(data.get("expiry_event") or "").strip(),
        signature_method=(data.get("signature_method") or "").strip(),
        signed_on=_parse_date(data.get("signed_on"), "signed_on", errors),
        witnessed_by=(data.get("witnessed_by") or "").strip(),
        right_to_revoke_given=data.get("right_to_revoke_given") in (True, "true", "on", "1", 1),
    )
    if errors:
        raise ReferralError(
            400, _consent_message(errors), errors={f"consent.{k}": v for k, v in errors.items()}
        )
    return elements


def _consent_message(problems: dict) -> str:
    return "The consent lacks required elements (42 CFR § 2.31): " + "; ".join(
        f"{field}: {message}" for field, message in problems.items()
    )


def _save_consent(
    referral: Referral, elements: consent_rules.ConsentElements, membership: Membership, now
) -> Consent:
    return Consent.objects.create(
        referral=referral,
        patient_reference=elements.patient_reference,
        patient_name=elements.patient_name,
        discloser=elements.discloser,
        recipient=elements.recipient,
        information=elements.information,
        purpose=elements.purpose,
        expires_on=elements.expires_on,
        expiry_event=elements.expiry_event,
        signature_method=elements.signature_method,
        signed_on=elements.signed_on,
        witnessed_by=elements.witnessed_by,
        right_to_revoke_given=elements.right_to_revoke_given,
        recorded_by=membership.user,
        created=now,
    )


def record_consent(
    membership: Membership, referral_id, data: dict, *, send: bool = False, now: datetime | None = None
) -> Consent:
    """Records the person's consent for one referral (sender staff/admin only); sends a draft when `send`."""
    now = now or timezone.now()
    referral = _visible_referral(membership, referral_id)
    _require_staff(membership)
    if membership.organization_id != referral.sender_id:
        raise ReferralError(403, _("Only the sending organization records the person's consent."))
    if not referral.is_open:
        raise ReferralError(
            409,
            _("The referral is %(state)s; a consent can only be added while it is open.")
            % {"state": _state(referral.state)},
            allowed=[],
        )
    elements = _consent_elements(data, referral.sender.name, referral.receiver.name, referral.participant)
    problems = consent_rules.missing_elements(elements, timezone.localdate(now))
    if problems:
        raise ReferralError(400, _consent_message(problems), errors=problems)
    with transaction.atomic():
        consent = _save_consent(referral, elements, membership, now)
        audit.record(
            "referral.consent.recorded",
            membership=membership,
            obj=consent,
            detail={"referral": str(referral.pk)},
        )
        if send and referral.state == lifecycle.DRAFT:
            _apply_transition(referral, membership, lifecycle.SENT, lifecycle.SENDER, now=now)
    return consent


def revoke_consent(
    membership: Membership, referral_id, *, note: str = "", now: datetime | None = None
) -> int:
    """Revokes every consent in force for the referral at once; the receiver then sees only that it exists."""
    now = now or timezone.now()
    referral = _visible_referral(membership, referral_id)
    _require_staff(membership)
    if membership.organization_id != referral.sender_id:
        raise ReferralError(
            403, _("Only the sending organization records a revocation (the person tells them).")
        )
    with transaction.atomic():
        count = Consent.objects.filter(referral=referral, revoked_at__isnull=True).update(
            revoked_at=now, revoked_by=membership.user, revocation_note=(note or "").strip()
        )
        if not count:
            raise ReferralError(
                409, _("There is no consent in force to revoke on this referral."), allowed=[]
            )
        audit.record(
            "referral.consent.revoked", membership=membership, obj=referral, detail={"consents": count}
        )
        if referral.state != lifecycle.DRAFT:
            _notify(referral.receiver, referral, Notification.Kind.CONSENT_REVOKED, now)
    return count


# ----- expiry and overdue ------------------------------------------------------------------------------------


def flag_overdue_referrals(now: datetime | None = None) -> int:
    """Flags sent referrals not accepted within MEETPOINT_REFERRAL_OVERDUE_HOURS, notifying both sides once."""
    now = now or timezone.now()
    flagged = 0
    pending = Referral.objects.filter(
        state=lifecycle.SENT, sent_at__lt=now - overdue_after(), overdue_flagged_at__isnull=True
    ).select_related("sender", "receiver")
    for referral in pending.iterator():
        with transaction.atomic():
            if Referral.objects.filter(pk=referral.pk, overdue_flagged_at__isnull=True).update(
                overdue_flagged_at=now
            ):
                flagged += 1
                _notify(referral.sender, referral, Notification.Kind.OVERDUE, now)
                _notify(referral.receiver, referral, Notification.Kind.OVERDUE, now)
                audit.record("referral.overdue_flagged", organization=referral.sender, obj=referral)
    return flagged


def expire_referrals(now: datetime | None = None) -> int:
    """Expires sent referrals not accepted within MEETPOINT_REFERRAL_EXPIRE_HOURS (a system transition)."""
    now = now or timezone.now()
    expired = 0
    stale = Referral.objects.filter(state=lifecycle.SENT, sent_at__lt=now - expire_after()).select_related(
        "sender", "receiver"
    )
    for referral in stale.iterator():
        try:
            with transaction.atomic():
                _apply_transition(
                    referral,
                    None,
                    lifecycle.EXPIRED,
                    lifecycle.SYSTEM,
                    note="Not accepted in time.",
                    reason_code="expired",
                    now=now,
                )
                expired += 1
        except ReferralError:
            continue  # someone accepted or cancelled it a moment ago: that transition wins
    return expired


# ----- notifications -----------------------------------------------------------------------------------------


def _notify(organization, referral: Referral, kind: str, now, to_state: str = "") -> Notification:
    """Stores what happened (the kind and the state), not a sentence: each reader reads it in their language."""
    return Notification.objects.create(
        organization=organization, referral=referral, kind=kind, to_state=to_state, created=now
    )


def _notify_transition(referral: Referral, frm: str, to: str, side: str, now) -> None:
    if to == lifecycle.SENT:
        _notify(referral.receiver, referral, Notification.Kind.NEW_REFERRAL, now)
        transaction.on_commit(lambda: email_new_referral(referral))
    elif to == lifecycle.EXPIRED:
        _notify(referral.sender, referral, Notification.Kind.EXPIRED, now)
        _notify(referral.receiver, referral, Notification.Kind.EXPIRED, now)
    elif frm != lifecycle.DRAFT:
        other = referral.receiver if side == lifecycle.SENDER else referral.sender
        _notify(other, referral, Notification.Kind.STATE_CHANGED, now, to_state=to)


def email_new_referral(referral: Referral) -> int:
    """Emails the receiving organization's staff and admins that a referral waits — never who it is about."""
    recipients = sorted(
        set(
            Membership.objects.filter(organization_id=referral.receiver_id, role__in=PARTICIPANT_LEVEL_ROLES)
            .exclude(user__email="")
            .filter(user__is_active=True)
            .values_list("user__email", flat=True)
        )
    )
    if not recipients:
        return 0
    base = getattr(settings, "MEETPOINT_BASE_URL", "http://localhost:8000").rstrip("/")
    link = base + reverse("referrals:detail", args=[referral.pk])
    subject = "Meetpoint: a new referral is waiting"
    body = (
        f"A new referral is waiting for {referral.receiver.name} in Meetpoint.\n\n"
        f"Sign in to see it: {link}\n\n"
        "For the person's privacy this email carries no details about them."
    )
    sender = settings.DEFAULT_FROM_EMAIL
    return send_mass_mail([(subject, body, sender, [address]) for address in recipients], fail_silently=True)


def mark_notifications_read(
    membership: Membership, ids: list[int] | None = None, now: datetime | None = None
) -> int:
    query = Notification.objects.filter(organization=membership.organization, read_at__isnull=True)
    if ids:
        query = query.filter(pk__in=ids)
    with transaction.atomic():
        count = query.update(read_at=now or timezone.now())
        if count:
            audit.record("referral.notifications.read", membership=membership, detail={"count": count})
    return count
