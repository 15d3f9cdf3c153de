from datetime import date, datetime, time
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from meetpoint.directory.hours import LocalClock, Slot, is_open, overlapping

NY = ZoneInfo("America/New_York")


def row(**fields):
    base = {"weekday": None, "date": None, "timezone": "", "valid_from": None, "valid_to": None}
    return SimpleNamespace(**(base | fields))


def test_weekly_row_is_open_inside_its_hours_only():
    wednesday = row(weekday=2, opens_at=time(9), closes_at=time(17))
    assert is_open(wednesday, LocalClock(datetime(2026, 11, 25, 9, 0, tzinfo=NY)))
    assert not is_open(wednesday, LocalClock(datetime(2026, 11, 25, 17, 0, tzinfo=NY)))
    assert not is_open(wednesday, LocalClock(datetime(2026, 11, 26, 10, 0, tzinfo=NY)))


def test_row_is_read_on_its_own_time_zone_clock():
    tokyo = row(weekday=3, opens_at=time(0), closes_at=time(1), timezone="Asia/Tokyo")
    # Wednesday 10:30 in New York is Thursday 00:30 in Tokyo.
    assert is_open(tokyo, LocalClock(datetime(2026, 11, 25, 10, 30, tzinfo=NY)))


def test_dated_row_and_validity():
    stop = row(date=date(2026, 11, 25), opens_at=time(10), closes_at=time(12))
    assert is_open(stop, LocalClock(datetime(2026, 11, 25, 11, tzinfo=NY)))
    assert not is_open(stop, LocalClock(datetime(2026, 11, 26, 11, tzinfo=NY)))
    expired = row(weekday=2, opens_at=time(9), closes_at=time(17), valid_to=date(2026, 11, 1))
    assert not is_open(expired, LocalClock(datetime(2026, 11, 25, 11, tzinfo=NY)))


def test_overlapping_finds_only_same_owner_same_day():
    slots = [
        Slot("a", 0, time(9), time(12)),
        Slot("a", 0, time(11), time(13)),
        Slot("a", 0, time(13), time(14)),  # touches, does not overlap
        Slot("b", 0, time(9), time(12)),
        Slot("a", 1, time(9), time(12)),
    ]
    found = overlapping(slots)
    assert len(found) == 1 and found[0][1].opens_at == time(11)


def test_horizon_is_the_stretch_between_the_openings_and_closings_around_now():
    from datetime import date, datetime, time
    from types import SimpleNamespace
    from zoneinfo import ZoneInfo

    from meetpoint.directory.hours import Horizon, LocalClock

    ny = ZoneInfo("America/New_York")
    now = datetime(2026, 11, 25, 10, 30, tzinfo=ny)  # a Wednesday
    weekly = SimpleNamespace(date=None, weekday=2, opens_at=time(9), closes_at=time(17), timezone="")
    stop = SimpleNamespace(
        date=date(2026, 11, 25),
        weekday=None,
        opens_at=time(11),
        closes_at=time(12),
        timezone="America/Chicago",
    )
    horizon = Horizon(LocalClock(now))
    horizon.see([weekly, stop], [date(2026, 11, 24), date(2026, 11, 25), date(2026, 11, 26)])
    since, until = horizon.bounds()
    assert since == datetime(2026, 11, 25, 9, 0, tzinfo=ny)
    assert until == datetime(2026, 11, 25, 11, 0, tzinfo=ZoneInfo("America/Chicago"))  # 12:00 in New York
    nothing_seen = Horizon(LocalClock(now)).bounds()
    assert nothing_seen == (datetime(2026, 11, 25, tzinfo=ny), datetime(2026, 11, 26, tzinfo=ny))
