"""Reads of referrals that enforce who sees what: the sender and (once sent) the receiver see a referral, nobody
else (404); only staff and admins see participant-level detail (403 otherwise); the receiver sees the content
only while disclosure is allowed (no consent needed, or a consent in force). Pages, API and FHIR all use
`referral_view`, so redaction is decided in one place."""

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from meetpoint import crypto
from meetpoint.accounts.models import Membership
from meetpoint.accounts.roles import PARTICIPANT_LEVEL_ROLES
from meetpoint.referrals import actions, lifecycle
from meetpoint.referrals.models import Consent, Notification, Referral, ReferralTransition

logger = logging.getLogger(__name__)


def visible_referrals(membership: Membership) -> QuerySet[Referral]:
    org = membership.organization_id
    return Referral.objects.filter(Q(sender_id=org) | (Q(receiver_id=org) & ~Q(state=lifecycle.DRAFT)))


def referral_for(membership: Membership, referral_id) -> Referral:
    """One referral for a staff/admin member of the sender or receiver: Http404 for anyone else."""
    try:
        rid = referral_id if isinstance(referral_id, uuid.UUID) else uuid.UUID(str(referral_id))
    except ValueError:
        raise Http404("No such referral.") from None
    referral = (
        visible_referrals(membership)
        .filter(pk=rid)
        .select_related("sender", "receiver", "service", "screening", "participant")
        .prefetch_related("consents")
        .first()
    )
    if referral is None:
        raise Http404("No such referral.")
    return referral


def referral_box(membership: Membership, box: str, state: str | None = None) -> QuerySet[Referral]:
    """'inbox' (received, sent on) or 'outbox' (created here, drafts included), newest first."""
    org = membership.organization_id
    if box == "inbox":
        query = Referral.objects.filter(receiver_id=org).exclude(state=lifecycle.DRAFT)
    else:
        query = Referral.objects.filter(sender_id=org)
    if state:
        query = query.filter(state=state)
    return (
        query.select_related("sender", "receiver", "service")
        .prefetch_related("consents")
        .order_by("-created")
    )


def is_overdue(referral: Referral, now: datetime | None = None) -> bool:
    """Sent, and not accepted within the configured time (MEETPOINT_REFERRAL_OVERDUE_HOURS)."""
    now = now or timezone.now()
    return (
        referral.state == lifecycle.SENT
        and referral.sent_at is not None
        and referral.sent_at < now - actions.overdue_after()
    )


def disclosure_allowed(referral: Referral, membership: Membership, today=None) -> bool:
    """May this member see the referral's content? The sender always; the receiver while consent allows."""
    if membership.role not in PARTICIPANT_LEVEL_ROLES:
        return False
    if membership.organization_id == referral.sender_id:
        return True
    if membership.organization_id != referral.receiver_id:
        return False
    return not referral.needs_consent or actions.consent_in_force(referral, today) is not None


@dataclass
class HistoryEntry:
    at: datetime
    from_state: str
    to_state: str
    side: str
    organization: str
    actor: str
    note: str
    reason_code: str


@dataclass
class ReferralView:
    """What one member may see of a referral. Withheld fields are None/empty and `restricted` is True."""

    referral: Referral
    restricted: bool
    side: str | None
    overdue: bool
    allowed: list[str]
    reason_category: str | None = None
    reason: str | None = None
    screening: object | None = None
    participant: object | None = None
    contact_method: str | None = None
    contact_detail: str | None = None  # decrypted here, and only for a member allowed to see it
    contact_purged_at: datetime | None = None  # removed under the retention rule (retention.py)
    contact_unreadable: bool = False  # stored, but no configured key opens it (logged as an error)
    status_reason: str | None = None
    consent: Consent | None = None  # the consent in force (or the latest, for the sender)
    consent_in_force: bool = False
    history: list[HistoryEntry] = field(default_factory=list)


def referral_view(
    referral: Referral, membership: Membership, now: datetime | None = None, *, with_history: bool = True
) -> ReferralView:
    now = now or timezone.now()
    today = timezone.localdate(now)
    allowed = disclosure_allowed(referral, membership, today)
    side = lifecycle.SENDER if membership.organization_id == referral.sender_id else lifecycle.RECEIVER
    in_force = actions.consent_in_force(referral, today)
    consents = list(referral.consents.all())
    view = ReferralView(
        referral=referral,
        restricted=not allowed,
        side=side,
        overdue=is_overdue(referral, now),
        allowed=actions.allowed_for(membership, referral),
        consent_in_force=in_force is not None,
    )
    if allowed:
        view.reason_category = referral.reason_category
        view.reason = referral.reason
        view.screening = referral.screening
        view.participant = referral.participant
        view.contact_method = referral.contact_method
        view.contact_purged_at = referral.contact_purged_at
        view.contact_detail, view.contact_unreadable = _contact_detail(referral)
        view.status_reason = referral.status_reason
        view.consent = in_force or (consents[0] if consents and side == lifecycle.SENDER else None)
    elif side == lifecycle.RECEIVER and referral.status_reason and _reason_written_by_receiver(referral):
        view.status_reason = referral.status_reason
    steps = ReferralTransition.objects.filter(referral=referral).select_related("organization", "actor")
    for step in steps if with_history else ():
        # The sender's notes may carry the person's details: the receiver sees them only while consent allows.
        hide_note = not allowed and step.side == lifecycle.SENDER
        view.history.append(
            HistoryEntry(
                at=step.at,
                from_state=step.from_state,
                to_state=step.to_state,
                side=step.side,
                organization=step.organization.name if step.organization else "Meetpoint",
                actor=step.actor.get_username() if step.actor else str(_("system")),
                note="" if hide_note else step.note,
                reason_code=step.reason_code,
            )
        )
    return view


def _contact_detail(referral: Referral) -> tuple[str, bool]:
    """The decrypted contact detail, or ("", True) when no configured key opens it."""
    try:
        return crypto.reveal(referral.contact_detail), False
    except crypto.FieldKeyError as problem:
        logger.error("Referral %s: its contact detail cannot be decrypted. %s", referral.pk, problem)
        return "", True


def _reason_written_by_receiver(referral: Referral) -> bool:
    last = ReferralTransition.objects.filter(referral=referral).order_by("-version").first()
    return last is not None and last.side == lifecycle.RECEIVER


def notifications_for(membership: Membership, *, unread_only: bool = False) -> QuerySet[Notification]:
    query = Notification.objects.filter(organization=membership.organization)
    if unread_only:
        query = query.filter(read_at__isnull=True)
    return query.select_related("referral")


def unread_count(membership: Membership) -> int:
    return notifications_for(membership, unread_only=True).count()
