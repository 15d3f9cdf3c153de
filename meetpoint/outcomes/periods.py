"""Fixed release periods (calendar month, quarter, year) and the rule against overlapping releases.

Shared and published data come only in these periods: two overlapping custom ranges could be subtracted to
reveal a small cell. Calendar periods always either nest or are disjoint; a release whose period partially
overlaps an earlier one is refused. Plain functions, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

GRAINS = ("month", "quarter", "year")
GRAIN_MONTHS = {"month": 1, "quarter": 3, "year": 12}


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date  # inclusive
    grain: str

    @property
    def label(self) -> str:
        if self.grain == "month":
            return f"{self.start:%Y-%m}"
        if self.grain == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.grain == "year":
            return f"{self.start.year}"
        return f"{self.start.isoformat()}/{self.end.isoformat()}"

    def contains(self, other: Period) -> bool:
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: Period) -> bool:
        return self.start <= other.end and other.start <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_starting(grain: str, start: date) -> Period:
    """The fixed period of `grain` that starts on `start`; ValueError for a custom range."""
    if grain not in GRAINS:
        raise ValueError(f"time grain must be one of {', '.join(GRAINS)}, not {grain!r}")
    months = GRAIN_MONTHS[grain]
    if start.day != 1 or (start.month - 1) % months:
        raise ValueError(f"{start.isoformat()} does not start a calendar {grain}; custom ranges are refused")
    return Period(start, _add_months(start, months) - timedelta(days=1), grain)


def period_containing(grain: str, day: date) -> Period:
    months = GRAIN_MONTHS[grain]
    month = (day.month - 1) // months * months + 1
    return period_starting(grain, date(day.year, month, 1))


def fixed_period(start: date, end: date) -> Period:
    """The fixed period exactly covering [start, end], or ValueError naming why the range is refused."""
    for grain in GRAINS:
        try:
            period = period_starting(grain, start)
        except ValueError:
            continue
        if period.end == end:
            return period
    raise ValueError(
        f"{start.isoformat()} to {end.isoformat()} is not a calendar month, quarter or year; "
        "shared and published data come only in fixed periods"
    )


def closed_periods(grain: str, since: date, until: date, today: date) -> list[Period]:
    """Every period of `grain` that starts on or after the period containing `since`, ends by `until`
    (inclusive, None for open-ended) and has closed before `today`."""
    periods = []
    period = period_containing(grain, since)
    while period.end < today and (until is None or period.end <= until):
        periods.append(period)
        period = period_starting(grain, period.end + timedelta(days=1))
    return periods


def months_of(period: Period) -> list[Period]:
    return [period_starting("month", _add_months(period.start, i)) for i in range(GRAIN_MONTHS[period.grain])]


def overlap_problem(new: Period, held: list[Period]) -> str | None:
    """Why `new` may not be released beside the `held` periods, or None. Nested and disjoint periods are fine
    (nested ones are audited together); a partial overlap lets subtraction reveal the difference."""
    for earlier in held:
        if new.overlaps(earlier) and not (new.contains(earlier) or earlier.contains(new)):
            return (
                f"{new.label} ({new.start.isoformat()} to {new.end.isoformat()}) partially overlaps the released "
                f"{earlier.label} ({earlier.start.isoformat()} to {earlier.end.isoformat()}); subtracting one from "
                "the other would reveal the difference"
            )
    return None


def nesting_equations(periods: list[Period]) -> list[tuple[Period, list[Period], bool]]:
    """For each period, the held periods of one finer grain inside it: (outer, parts, complete). A complete set
    of parts sums exactly to the outer period; an incomplete one sums to at most it."""
    found = []
    for outer in periods:
        for grain in GRAINS:
            if GRAIN_MONTHS[grain] >= GRAIN_MONTHS.get(outer.grain, 10**6):
                continue
            parts = sorted(p for p in periods if p.grain == grain and outer.contains(p))
            if parts:
                total_days = sum(p.days for p in parts)
                found.append((outer, parts, total_days == outer.days))
    return found


def period_from_label(label: str) -> Period:
    """The fixed period a label names: "2026-09" (a month), "2026-Q3" (a quarter) or "2026" (a year);
    ValueError naming the allowed forms otherwise."""
    text = (label or "").strip().upper()
    try:
        if len(text) == 4 and text.isdigit():
            return period_starting("year", date(int(text), 1, 1))
        year, _, part = text.partition("-")
        if len(year) == 4 and year.isdigit() and part.startswith("Q") and part[1:] in ("1", "2", "3", "4"):
            return period_starting("quarter", date(int(year), 3 * int(part[1:]) - 2, 1))
        if len(year) == 4 and year.isdigit() and len(part) == 2 and part.isdigit() and 1 <= int(part) <= 12:
            return period_starting("month", date(int(year), int(part), 1))
    except ValueError:
        pass
    raise ValueError(
        f"{label!r} is not a fixed period; give a calendar month (2026-09), quarter (2026-Q3) or year (2026)"
    )


def latest_closed(grain: str, today: date) -> Period:
    """The most recent period of `grain` that ended before `today`."""
    return period_containing(grain, period_containing(grain, today).start - timedelta(days=1))


def sub_periods(period: Period) -> list[Period]:
    """The periods one grain finer that make up `period` (a year's quarters, a quarter's months)."""
    if period.grain == "year":
        return [period_starting("quarter", _add_months(period.start, 3 * i)) for i in range(4)]
    if period.grain == "quarter":
        return months_of(period)
    return []


def parts_of(outer: Period, grain: str) -> list[Period]:
    """Every period of `grain` inside `outer` (a year's months or quarters, a quarter's months)."""
    step = GRAIN_MONTHS[grain]
    count = GRAIN_MONTHS[outer.grain] // step
    return [period_starting(grain, _add_months(outer.start, step * i)) for i in range(count)]


def unreleased_parts(periods: list[Period]) -> list[Period]:
    """The periods never released that complete every partial nesting of `periods`: with a quarter and two of
    its months released, the third month. The audit holds them as unknown figures so a quarter minus the
    months already shared cannot give a month back that was never released."""
    known = set(periods)
    added: list[Period] = []
    changed = True
    while changed:
        changed = False
        for outer, parts, complete in nesting_equations(sorted(known)):
            if complete:
                continue
            for part in parts_of(outer, parts[0].grain):
                if part not in known:
                    known.add(part)
                    added.append(part)
                    changed = True
    return sorted(added)
