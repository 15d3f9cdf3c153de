"""Spike detection over the database: each pool's daily overdose counts per area (and for the whole region) run
through the configured method; the signals of one day become alerts through actions.apply_findings()."""

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from django.conf import settings
from django.utils import timezone

from meetpoint.alerts import areas
from meetpoint.alerts.methods import method_named
from meetpoint.alerts.pools import Pool, pools
from meetpoint.outreach.models import OverdoseReport
from meetpoint.outreach.summary import bounds

DIAGNOSTIC_DAYS = 14  # the epidemiology level shows the last two weeks


def configured_method():
    """MEETPOINT_ALERT_METHOD (ears_c2, cusum or fixed) with the defaults docs/alerts.md derives."""
    return method_named(getattr(settings, "MEETPOINT_ALERT_METHOD", "ears_c2") or "ears_c2")


@dataclass
class DailyCounts:
    start: date
    keys: list[str]  # area keys; the last is areas.REGION
    counts: np.ndarray  # len(keys) × days
    by_source: dict = field(default_factory=dict)  # area key -> organization ids with reports there

    def day_index(self, day: date) -> int:
        return (day - self.start).days


def daily_counts(source_ids, start: date, end: date) -> DailyCounts:
    """Overdose reports of the sources per area and local day, both dates inclusive.

    The rows are read plainly and folded here: truncating dates in the database costs SQLite a Python call per
    row, twice, and a year's reports hardly group anyway (bench/alerts_scale.py). Each distinct place is turned
    into its area once."""
    low, high = bounds(start, end)
    zone = timezone.get_current_timezone()
    rows = (
        OverdoseReport.objects.filter(
            organization_id__in=list(source_ids), occurred_at__gte=low, occurred_at__lt=high
        )
        .values_list(
            "occurred_at",
            "organization_id",
            "place_kind",
            "grid_cell",
            "block_group",
            "location__latitude",
            "location__longitude",
        )
        .order_by()
    )
    cells: dict[tuple[str, int], int] = {}
    by_source: dict[str, set] = {}
    region: dict[int, int] = {}
    area_of: dict[tuple, str] = {}
    for occurred_at, organization_id, *place in rows.iterator(chunk_size=5000):
        index = (occurred_at.astimezone(zone).date() - start).days
        region[index] = region.get(index, 0) + 1
        place = tuple(place)
        key = area_of.get(place)
        if key is None:
            key = area_of[place] = areas.of_report(*place)
        if key:
            cells[(key, index)] = cells.get((key, index), 0) + 1
            by_source.setdefault(key, set()).add(organization_id)
    keys = sorted({key for key, _ in cells}) + [areas.REGION]
    counts = np.zeros((len(keys), (end - start).days + 1))
    position = {key: number for number, key in enumerate(keys)}
    for (key, index), n in cells.items():
        counts[position[key], index] = n
    for index, n in region.items():
        counts[-1, index] = n
    by_source[areas.REGION] = set().union(*by_source.values()) if by_source else set()
    return DailyCounts(start, keys, counts, by_source)


@dataclass(frozen=True)
class Finding:
    """A signal on one day in one area, with what the epidemiology level shows."""

    area: str
    day: date
    count: int
    expected: float
    statistic: float
    threshold: float
    level: int
    p_value: float
    diagnostics: dict
    sources: tuple


def findings(pool: Pool, day: date, method=None, only_areas=None) -> list[Finding]:
    method = method or configured_method()
    # Read only what the method needs (EARS C2: 9 days before; the CUSUM: two months), so that the run on each
    # new report stays a small query.
    start = day - timedelta(days=max(DIAGNOSTIC_DAYS - 1, method.history_days))
    daily = daily_counts(pool.source_ids, start, day)
    detection = method.run(daily.counts)
    today = daily.day_index(day)
    found = []
    for row, key in enumerate(daily.keys):
        if only_areas is not None and key not in only_areas:
            continue
        if not detection.signal[row, today]:
            continue
        recent = daily.counts[row, max(0, today - 13) : today + 1]
        found.append(
            Finding(
                area=key,
                day=day,
                count=int(daily.counts[row, today]),
                expected=round(float(detection.expected[row, today]), 2),
                statistic=round(float(detection.statistic[row, today]), 2),
                threshold=float(detection.threshold),
                level=detection.level(row, today),
                p_value=detection.p_value(daily.counts, row, today),
                diagnostics={
                    "method": method.name,
                    "description": method.describe(),
                    "last_14_days": [int(n) for n in recent],
                    "last_14_days_end": day.isoformat(),
                },
                sources=tuple(sorted(str(org) for org in daily.by_source.get(key, ()))),
            )
        )
    return found


def detect(day: date | None = None, *, organization_ids=None, only_areas=None, method=None) -> dict:
    """Runs detection for `day` (today by default) in every pool (or those touching `organization_ids`) and
    turns its signals into alerts: opened, escalated, or closed after quiet days. Returns the counts."""
    from meetpoint.alerts import actions

    day = day or timezone.localdate()
    method = method or configured_method()
    totals = {"pools": 0, "opened": 0, "escalated": 0, "closed": 0}
    for pool in pools(day, organization_ids):
        totals["pools"] += 1
        changed = actions.apply_findings(
            pool, day, findings(pool, day, method, only_areas), method, only_areas
        )
        for name in ("opened", "escalated", "closed"):
            totals[name] += changed[name]
    return totals
