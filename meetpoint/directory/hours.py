"""Opening hours as plain rules, no database: is a schedule row open at an instant, and do rows overlap.

A row is either weekly (`weekday` 0 = Monday … 6 = Sunday) or dated (`date`, e.g. a mobile-unit stop), with
wall-clock `opens_at` < `closes_at` in the row's IANA `timezone` (the region's when blank). Hours that run past
midnight are entered as two rows (e.g. Fri 20:00–24:00 as 20:00–23:59 and Sat 00:00–04:00).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def is_known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


class LocalClock:
    """`now` read on the wall clocks of several time zones, converting once per zone."""

    def __init__(self, now: datetime):
        self.now = now
        self._local: dict[str, datetime] = {}

    def local(self, tz_name: str | None) -> datetime:
        key = tz_name or ""
        if key not in self._local:
            self._local[key] = self.now.astimezone(zone(tz_name))
        return self._local[key]


def is_open(row, clock: LocalClock) -> bool:
    """Is this schedule row (anything with weekday/date/opens_at/closes_at/timezone) open at clock.now?"""
    local = clock.local(getattr(row, "timezone", ""))
    today = local.date()
    valid_from = getattr(row, "valid_from", None)
    valid_to = getattr(row, "valid_to", None)
    if (valid_from and today < valid_from) or (valid_to and today > valid_to):
        return False
    if row.date is not None:
        if row.date != today:
            return False
    elif row.weekday is None or row.weekday != today.weekday():
        return False
    now_time = local.time().replace(tzinfo=None)
    return row.opens_at <= now_time < row.closes_at


class Horizon:
    """The stretch of time around `now` in which none of the schedule rows seen opens or closes and no day
    begins: whatever those rows say about "open now" holds for every instant inside it.

    Search remembers an answer for exactly this stretch (search_cache.py)."""

    def __init__(self, clock: LocalClock):
        self.clock = clock
        self._moments: set[tuple[str, date, time]] = set()  # (zone name, local day, wall-clock time)

    def see(self, rows, days) -> None:
        """Notes the openings and closings of `rows` on `days` (weekly rows) or on their own date."""
        for row in rows:
            on = [row.date] if row.date is not None else [day for day in days if day.weekday() == row.weekday]
            for day in on:
                self._moments.add((row.timezone or "", day, row.opens_at))
                self._moments.add((row.timezone or "", day, row.closes_at))

    def bounds(self) -> tuple[datetime, datetime]:
        """(since, until): the last moment at or before now and the first after it when anything changes."""
        now = self.clock.now
        zones = {name for name, _, _ in self._moments} | {""}
        moments = [datetime.combine(day, at, tzinfo=zone(name)) for name, day, at in self._moments]
        for name in zones:  # a day's start: weekly rows, dated stops and validity dates turn over at midnight
            today = self.clock.local(name).date()
            for day in (today, today + timedelta(days=1)):
                moments.append(datetime.combine(day, time(0), tzinfo=zone(name)))
        since = max(moment for moment in moments if moment <= now)
        until = min(moment for moment in moments if moment > now)
        return since, until


@dataclass(frozen=True)
class Slot:
    """One opening row reduced to what the overlap rule compares."""

    key: tuple  # what the row belongs to (service, location, service at location)
    day: object  # weekday number or date
    opens_at: time
    closes_at: time
    ref: object = None  # the row (or form index) to name in an error


def overlapping(slots: list[Slot]) -> list[tuple[Slot, Slot]]:
    """Pairs of slots of the same owner on the same day whose times overlap (touching ends do not)."""
    found = []
    by_day: dict[tuple, list[Slot]] = {}
    for slot in slots:
        by_day.setdefault((slot.key, slot.day), []).append(slot)
    for group in by_day.values():
        group.sort(key=lambda s: s.opens_at)
        for earlier, later in zip(group, group[1:], strict=False):
            if later.opens_at < earlier.closes_at:
                found.append((earlier, later))
    return found


def day_label(weekday: int | None, on: date | None) -> str:
    from django.utils import formats
    from django.utils.dates import WEEKDAYS

    if on is not None:
        return formats.date_format(on, "DATE_FORMAT")
    return str(WEEKDAYS[weekday]) if weekday is not None else ""
