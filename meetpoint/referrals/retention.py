"""How long a referral keeps the person's contact detail, and its purge (`meetpoint purge_expired`).

The contact detail (and how to use it) is kept only while it can serve the referral. It is cleared
MEETPOINT_CONTACT_RETENTION_DAYS (default 90) days after either
- the referral reached a final state (declined, completed, not completed, cancelled, expired, entered in error), or
- the person's consent ended (revoked, or past its expiry date) for a referral that needs consent, with no consent
  in force since: the receiver may no longer see it, and the days left let the sender record a new consent.
The purge writes one audit event per organization involved, with counts only, and marks each referral
`contact_purged_at`, so pages say the detail was removed under this rule. Running it again purges nothing new.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from meetpoint.accounts import audit
from meetpoint.referrals import lifecycle
from meetpoint.referrals.models import Referral

CLOSED = "closed"
CONSENT_ENDED = "consent_ended"
BATCH = 1000


def retention_days() -> int:
    return getattr(settings, "MEETPOINT_CONTACT_RETENTION_DAYS", 90)


@dataclass(frozen=True)
class Due:
    """One referral whose contact detail is due for purging, and why (CLOSED or CONSENT_ENDED) since when."""

    referral_id: object
    sender_id: object
    receiver_id: object
    state: str
    reason: str
    since: date


@dataclass
class PurgeResult:
    due: list[Due]
    retention_days: int
    dry_run: bool
    by_organization: dict = field(default_factory=dict)  # organization id -> Counter of reasons

    @property
    def count(self) -> int:
        return len(self.due)


def _holding_contact():
    return Referral.objects.filter(contact_purged_at__isnull=True).exclude(contact_detail="")


def _closed_due(cutoff: datetime) -> list[Due]:
    query = (
        _holding_contact()
        .filter(state__in=lifecycle.CLOSED_STATES)
        .annotate(ended=Coalesce("closed_at", "updated"))
        .filter(ended__lte=cutoff)
        .values_list("pk", "sender_id", "receiver_id", "state", "ended")
    )
    return [
        Due(pk, sender, receiver, state, CLOSED, timezone.localdate(ended))
        for pk, sender, receiver, state, ended in query.iterator(chunk_size=BATCH)
    ]


def consent_ended_on(consents, today: date) -> date | None:
    """The day disclosure stopped: None while a consent is in force or when there never was one."""
    if not consents or any(consent.in_force(today) for consent in consents):
        return None
    return max(
        timezone.localdate(c.revoked_at) if c.revoked_at else c.expires_on + timedelta(days=1)
        for c in consents
    )


def _consent_ended_due(last_day: date, today: date, already: set) -> list[Due]:
    # The query only narrows the candidates; consent_ended_on decides (a later consent may be in force).
    ended_before = Q(consents__revoked_at__date__lte=last_day) | Q(consents__expires_on__lt=last_day)
    candidates = (
        _holding_contact()
        .filter(needs_consent=True)
        .filter(ended_before)
        .distinct()
        .prefetch_related("consents")
        .only("pk", "sender_id", "receiver_id", "state", "needs_consent")
    )
    due = []
    for referral in candidates.iterator(chunk_size=BATCH):
        ended = consent_ended_on(list(referral.consents.all()), today)
        if ended is not None and ended <= last_day and referral.pk not in already:
            due.append(
                Due(
                    referral.pk,
                    referral.sender_id,
                    referral.receiver_id,
                    referral.state,
                    CONSENT_ENDED,
                    ended,
                )
            )
    return due


def due_for_purge(now: datetime | None = None, days: int | None = None) -> list[Due]:
    """The referrals whose contact detail's retention has passed at `now`, oldest first."""
    now = now or timezone.now()
    days = retention_days() if days is None else days
    cutoff = now - timedelta(days=days)
    closed = _closed_due(cutoff)
    ids = {item.referral_id for item in closed}
    ended = _consent_ended_due(timezone.localdate(cutoff), timezone.localdate(now), ids)
    return sorted(closed + ended, key=lambda item: (item.since, str(item.referral_id)))


def purge_expired_contacts(now: datetime | None = None, *, dry_run: bool = False) -> PurgeResult:
    """Clears the contact detail and method of every referral due (none when `dry_run`), in one transaction, and
    records `referral.contact_purged` in the audit log once per organization involved, with counts only."""
    now = now or timezone.now()
    days = retention_days()
    with audit.command_transaction():
        due = due_for_purge(now, days)
        result = PurgeResult(due=due, retention_days=days, dry_run=dry_run)
        for item in due:
            for organization_id in {item.sender_id, item.receiver_id}:
                result.by_organization.setdefault(organization_id, Counter())[item.reason] += 1
        if dry_run or not due:
            return result
        ids = [item.referral_id for item in due]
        for start in range(0, len(ids), BATCH):
            _holding_contact().filter(pk__in=ids[start : start + BATCH]).update(
                contact_detail="", contact_method="", contact_purged_at=now
            )
        _record(result)
    return result


def _record(result: PurgeResult) -> None:
    from meetpoint.accounts.models import Organization

    organizations = Organization.objects.in_bulk(list(result.by_organization))
    for organization_id, reasons in result.by_organization.items():
        audit.record(
            "referral.contact_purged",
            organization=organizations.get(organization_id),
            object_type="referrals.referral",
            detail={
                "count": sum(reasons.values()),
                "after_closing": reasons[CLOSED],
                "after_consent_ended": reasons[CONSENT_ENDED],
                "retention_days": result.retention_days,
            },
        )
