"""Referral indicators for the registry (meetpoint/indicators.py): referrals sent, accepted and completed by the
sending organizations of the scope, and the loop-closure rate (completed / sent). Counted by the day a referral
was sent, as the loop metrics are; entered-in-error referrals are left out. Groups: day, week (its Monday),
month (its first day), organization (the sender's id); site and area do not apply to referrals (None): a referral
does not record the sender's site, so these are declared `by_site=False` and a site's report says so."""

from datetime import timedelta

from django.utils import timezone

from meetpoint.indicators import Indicator, Scope, register
from meetpoint.referrals import lifecycle, metrics


def _group_value(name: str, sent_day, sender_id):
    if name == "day":
        return sent_day
    if name == "week":
        return sent_day - timedelta(days=sent_day.weekday())
    if name == "month":
        return sent_day.replace(day=1)
    if name == "organization":
        return str(sender_id)
    return None


def _counter(kind: str):
    def compute(scope: Scope, group_by: tuple[str, ...] = ()) -> dict[tuple, float]:
        rows = metrics.cohort(scope.start, scope.end).filter(sender_id__in=scope.organization_ids)
        if kind == "accepted":
            rows = rows.filter(accepted_at__isnull=False)
        elif kind == "completed":
            rows = rows.filter(state=lifecycle.COMPLETED)
        counts: dict[tuple, float] = {}
        for sent_at, sender_id in rows.values_list("sent_at", "sender_id"):
            day = timezone.localdate(sent_at)
            key = tuple(_group_value(name, day, sender_id) for name in group_by)
            counts[key] = counts.get(key, 0) + 1
        return counts

    return compute


register(
    Indicator(
        code="referrals_sent",
        name="Referrals sent",
        definition="Referrals the organization sent to a partner's service in the period (by the day sent).",
        unit="referrals",
        provider="referrals",
        counts_people=True,
        by_site=False,
        compute=_counter("sent"),
    )
)
register(
    Indicator(
        code="referrals_accepted",
        name="Referrals accepted",
        definition="Of the referrals sent in the period, those the receiving partner accepted (at any time).",
        unit="referrals",
        provider="referrals",
        counts_people=True,
        by_site=False,
        compute=_counter("accepted"),
    )
)
register(
    Indicator(
        code="referrals_completed",
        name="Referrals completed (loop closed)",
        definition="Of the referrals sent in the period, those the receiving partner marked completed.",
        unit="referrals",
        provider="referrals",
        counts_people=True,
        by_site=False,
        compute=_counter("completed"),
    )
)
register(
    Indicator(
        code="referral_loop_closure_rate",
        name="Referral loop-closure rate",
        definition="Referrals completed divided by referrals sent, for the referrals sent in the period.",
        unit="ratio",
        provider="referrals",
        numerator="referrals_completed",
        denominator="referrals_sent",
        by_site=False,
    )
)
