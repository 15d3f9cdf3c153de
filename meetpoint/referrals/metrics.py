"""Loop metrics: of the referrals SENT in a date range (a cohort by the day they were sent), how many were
accepted and completed, how long that took, and the loop-closure rate = completed / sent. Referrals entered
in error are left out. Counts only: no participant-level detail leaves this module."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from statistics import median

from django.db.models import Q
from django.utils import timezone

from meetpoint.referrals import lifecycle
from meetpoint.referrals.models import Referral


@dataclass
class LoopMetrics:
    sent: int = 0
    accepted: int = 0
    completed: int = 0
    median_hours_to_acceptance: float | None = None
    median_hours_to_completion: float | None = None

    @property
    def loop_closure_rate(self) -> float | None:
        return round(self.completed / self.sent, 4) if self.sent else None


@dataclass
class PartnerMetrics:
    direction: str  # "outgoing" (we sent) or "incoming" (we received)
    partner_id: str
    partner_name: str
    metrics: LoopMetrics


def day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The inclusive local-date range as [start 00:00, day after end 00:00) aware datetimes."""
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), tz),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz),
    )


def cohort(start: date, end: date):
    low, high = day_bounds(start, end)
    return Referral.objects.filter(sent_at__gte=low, sent_at__lt=high).exclude(
        state=lifecycle.ENTERED_IN_ERROR
    )


def summarize(rows) -> LoopMetrics:
    """rows: (state, sent_at, accepted_at, closed_at) tuples."""
    result = LoopMetrics()
    to_accept: list[float] = []
    to_complete: list[float] = []
    for state, sent_at, accepted_at, closed_at in rows:
        result.sent += 1
        if accepted_at is not None:
            result.accepted += 1
            to_accept.append((accepted_at - sent_at).total_seconds() / 3600)
        if state == lifecycle.COMPLETED:
            result.completed += 1
            to_complete.append((closed_at - sent_at).total_seconds() / 3600)
    result.median_hours_to_acceptance = round(median(to_accept), 2) if to_accept else None
    result.median_hours_to_completion = round(median(to_complete), 2) if to_complete else None
    return result


FIELDS = ("state", "sent_at", "accepted_at", "closed_at")


def organization_metrics(organization_id, start: date, end: date) -> dict:
    """{'outgoing': LoopMetrics, 'incoming': LoopMetrics, 'partners': [PartnerMetrics]} for one organization."""
    rows = cohort(start, end).filter(Q(sender_id=organization_id) | Q(receiver_id=organization_id))
    outgoing: list = []
    incoming: list = []
    by_partner: dict[tuple[str, str], list] = {}
    names: dict[str, str] = {}
    for sender_id, receiver_id, sender_name, receiver_name, *values in rows.values_list(
        "sender_id", "receiver_id", "sender__name", "receiver__name", *FIELDS
    ):
        if sender_id == organization_id:
            outgoing.append(values)
            by_partner.setdefault(("outgoing", str(receiver_id)), []).append(values)
            names[str(receiver_id)] = receiver_name
        if receiver_id == organization_id:
            incoming.append(values)
            by_partner.setdefault(("incoming", str(sender_id)), []).append(values)
            names[str(sender_id)] = sender_name
    partners = [
        PartnerMetrics(direction, partner_id, names[partner_id], summarize(values))
        for (direction, partner_id), values in by_partner.items()
    ]
    partners.sort(key=lambda p: (p.direction != "outgoing", -p.metrics.sent, p.partner_name))
    return {"outgoing": summarize(outgoing), "incoming": summarize(incoming), "partners": partners}


def pair_metrics(sender_id, receiver_id, start: date, end: date) -> LoopMetrics:
    return summarize(
        cohort(start, end).filter(sender_id=sender_id, receiver_id=receiver_id).values_list(*FIELDS)
    )
