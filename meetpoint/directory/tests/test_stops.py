"""Mobile units now: today's stops marked done, here now, next and later from the current time; finished stops
leave a service's "upcoming stops"; exact places carry directions links, confidential stops only their area."""

from datetime import date, datetime, time
from types import SimpleNamespace
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from meetpoint.directory.hours import LocalClock
from meetpoint.directory.stops import DONE, LATER, NEXT, NOW, day_of_stops, directions
from meetpoint.directory.tests.conftest import NOW as TEST_NOW

TZ = ZoneInfo("America/New_York")


def stop(opens: int, closes: int, day=date(2026, 11, 25)):
    return SimpleNamespace(
        date=day, weekday=None, opens_at=time(opens), closes_at=time(closes), timezone="America/New_York"
    )


def test_at_a_quarter_past_ten_at_night_the_day_s_stops_are_all_done():
    clock = LocalClock(datetime(2026, 11, 25, 22, 14, tzinfo=TZ))
    assert [state for _, state in day_of_stops([stop(10, 12), stop(13, 15)], clock)] == [DONE, DONE]


def test_the_stop_open_now_and_the_next_one_are_told_apart_from_later_ones():
    clock = LocalClock(datetime(2026, 11, 25, 11, 0, tzinfo=TZ))
    states = [
        state for _, state in day_of_stops([stop(13, 15), stop(10, 12), stop(16, 17), stop(8, 9)], clock)
    ]
    assert states == [DONE, NOW, NEXT, LATER]  # in time order


def test_directions_are_plain_links_without_a_key_and_none_without_coordinates():
    links = {link["kind"]: link["url"] for link in directions(40.44, -79.99, "Library lot")}
    assert links["geo"].startswith("geo:40.440000,-79.990000")
    assert links["google"] == "https://www.google.com/maps/dir/?api=1&destination=40.440000%2C-79.990000"
    assert "daddr=40.440000%2C-79.990000" in links["apple"] and "key" not in " ".join(links.values())
    assert directions(None, None) == []


@pytest.fixture
def at_eleven():
    # The fixture world's van stops at Far Lot 10:00-12:00 and Near Lot 13:00-15:00 on TEST_NOW's day.
    moment = TEST_NOW.replace(hour=11)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield moment


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "outsider", "home"])
def test_mobile_page_says_where_the_van_is_now_and_next_with_directions(world, directory, at_eleven, who):
    membership = {"anonymous": None, "outsider": world.outsider.staff, "home": world.home.staff}[who]
    body = world.client(membership).get(reverse("directory:mobile_today")).content.decode()
    assert "Far Lot, until 12:00" in body  # here now
    assert 'class="stop next"' in body and "Near Lot" in body
    assert "https://www.google.com/maps/dir/?api=1&amp;destination=" in body
    assert "geo:" in body


@pytest.mark.django_db
def test_late_at_night_the_mobile_page_marks_every_stop_done(world, directory):
    with mock.patch("django.utils.timezone.now", return_value=TEST_NOW.replace(hour=22, minute=14)):
        body = world.client().get(reverse("directory:mobile_today")).content.decode()
    assert "Done for today." in body
    assert 'class="stop next"' not in body and 'class="stop now"' not in body
