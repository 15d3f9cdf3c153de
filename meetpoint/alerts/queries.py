"""Reads that decide who sees which alert and at what level. A spike alert is its audience organization's (any
other organization gets a 404); a bad-batch alert is every partner's; the public sees published alerts only."""

import uuid
from datetime import date, timedelta

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from meetpoint.accounts.roles import Role
from meetpoint.alerts import areas
from meetpoint.alerts.models import Alert, AlertKind, AlertStatus, Sample, Subscription
from meetpoint.alerts.pools import pool_of
from meetpoint.outcomes.disclosure import DEFAULT_THRESHOLD

EPIDEMIOLOGY_ROLES = frozenset({Role.ADMIN, Role.ANALYST})


def small_number_threshold() -> int:
    """K: no count below it leaves the organizations that share it (the outcomes app's default threshold)."""
    return DEFAULT_THRESHOLD


def _uuid(value) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError as problem:
        raise Http404("Not found.") from problem


def visible_alerts(membership):
    return Alert.objects.filter(
        Q(kind=AlertKind.SPIKE, organization_id=membership.organization_id) | Q(kind=AlertKind.BAD_BATCH)
    ).select_related("organization")


def alert_for(membership, alert_id) -> Alert:
    alert = visible_alerts(membership).filter(pk=_uuid(alert_id)).first()
    if alert is None:
        raise Http404("No such alert for your organization.")
    return alert


def waiting_count(membership) -> int:
    """Open alerts nobody in the organization has acknowledged yet (shown beside the Alerts link)."""
    return visible_alerts(membership).filter(status=AlertStatus.OPEN).count()


def epidemiology_allowed(membership, alert: Alert) -> bool:
    """Counts, expected counts and the method's diagnostics: analysts and admins of the audience, and only when
    every other partner whose reports counted allows area-level figures in its agreement."""
    if membership is None or membership.role not in EPIDEMIOLOGY_ROLES:
        return False
    if alert.kind == AlertKind.BAD_BATCH:
        return str(membership.organization_id) in (alert.sources or [])
    if alert.organization_id != membership.organization_id:
        return False
    others = {str(source) for source in alert.sources or []} - {str(membership.organization_id)}
    allowed = {
        str(source) for source in pool_of(membership.organization_id, timezone.localdate()).area_level_ids
    }
    return others <= allowed


def public_alerts():
    return Alert.objects.filter(public=True).order_by("-opened_at")


def visible_areas(membership) -> set[str]:
    """Areas an organization may subscribe to: the region, areas of its pool's reports in the last year, of its
    own samples, and of public alerts."""
    from meetpoint.alerts.detection import daily_counts

    today = timezone.localdate()
    pool = pool_of(membership.organization_id, today)
    found = {areas.REGION}
    if pool.source_ids:
        found |= set(daily_counts(pool.source_ids, today - timedelta(days=365), today).keys)
    found |= set(
        Sample.objects.filter(organization_id=membership.organization_id).values_list("area", flat=True)
    )
    found |= set(public_alerts().values_list("area", flat=True))
    return found


def samples_of(membership):
    return Sample.objects.filter(organization_id=membership.organization_id).prefetch_related("tests")


def sample_for(membership, sample_id) -> Sample:
    sample = samples_of(membership).filter(pk=_uuid(sample_id)).first()
    if sample is None:
        raise Http404("No such sample of your organization.")
    return sample


def subscriptions_of(membership):
    return Subscription.objects.filter(organization_id=membership.organization_id)


def subscription_for(membership, subscription_id) -> Subscription:
    subscription = subscriptions_of(membership).filter(pk=_uuid(subscription_id)).first()
    if subscription is None:
        raise Http404("No such subscription of your organization.")
    return subscription


def sample_trends(weeks: int = 8, today: date | None = None) -> list[dict]:
    """Drug checking by area and week (Monday) across all programs: samples checked and what was found, each
    count shown only from K up ("fewer than K" below). No program, sample code or finer place is named."""
    today = today or timezone.localdate()
    since = today - timedelta(days=today.weekday() + 7 * (weeks - 1))
    threshold = small_number_threshold()
    cells: dict = {}
    for area, collected_on, found in Sample.objects.filter(collected_on__gte=since).values_list(
        "area", "collected_on", "found"
    ):
        week = collected_on - timedelta(days=collected_on.weekday())
        cell = cells.setdefault((area, week), {"samples": 0, "found": {}})
        cell["samples"] += 1
        for substance in found:
            cell["found"][substance] = cell["found"].get(substance, 0) + 1

    def shown(count: int):
        return count if count >= threshold else None

    rows = []
    for (area, week), cell in sorted(cells.items(), key=lambda item: (item[0][1], item[0][0]), reverse=True):
        rows.append(
            {
                "area": area,
                "area_label": areas.label(area),
                "week": week,
                "samples": shown(cell["samples"]),
                "found": {
                    name: shown(count) for name, count in sorted(cell["found"].items()) if shown(count)
                },
            }
        )
    return rows
