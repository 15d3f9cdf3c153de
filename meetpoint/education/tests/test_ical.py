"""The iCalendar feed by RFC 5545: a take-back day is an all-day event (DTSTART;VALUE=DATE), every timed event
has an end (its own, or an hour when none was saved)."""

from datetime import UTC, timedelta

from django.urls import reverse
from django.utils import timezone

from meetpoint.education import actions


def vevents(body: str) -> dict[str, list[str]]:
    """SUMMARY -> the event's lines (unfolded)."""
    text = body.replace("\r\n ", "")
    found = {}
    for block in text.split("BEGIN:VEVENT\r\n")[1:]:
        lines = block.split("END:VEVENT")[0].strip().split("\r\n")
        summary = next(line for line in lines if line.startswith("SUMMARY:")).removeprefix("SUMMARY:")
        found[summary] = lines
    return found


def test_take_back_days_are_all_day_events(world):
    day = timezone.localdate() + timedelta(days=4)
    actions.create_take_back(
        world.home.staff, title="Spring take-back day", date=day, venue="Police HQ lobby"
    )
    lines = vevents(world.client().get(reverse("education:calendar_feed")).content.decode())[
        "Spring take-back day"
    ]
    assert f"DTSTART;VALUE=DATE:{day:%Y%m%d}" in lines
    assert f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}" in lines
    assert not any(line.startswith("DTSTART:") for line in lines)


def test_every_timed_event_has_an_end(world, public_event):
    ends = timezone.now() + timedelta(days=5, hours=3)
    actions.create_event(
        world.home.staff,
        title="Harm reduction 101",
        kind="community_forum",
        audience="general_public",
        starts_at=ends - timedelta(hours=2),
        ends_at=ends,
        venue="Public library",
        is_public=True,
    )
    events = vevents(world.client().get(reverse("education:calendar_feed")).content.decode())
    for lines in events.values():
        assert any(line.startswith("DTSTART:") for line in lines) and any(
            line.startswith("DTEND:") for line in lines
        )
    stamp = ends.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTEND:{stamp}" in events["Harm reduction 101"]
    # saved without an end: an hour long, not a zero-length appointment
    start = next(line for line in events["Community forum on overdose"] if line.startswith("DTSTART:"))
    end = next(line for line in events["Community forum on overdose"] if line.startswith("DTEND:"))
    assert end.removeprefix("DTEND:") > start.removeprefix("DTSTART:")


def test_the_feed_is_public_only_for_the_anonymous_and_members_alike(world, event, public_event):
    for client in (world.client(), world.client(world.outsider.viewer)):
        events = vevents(client.get(reverse("education:calendar_feed")).content.decode())
        assert "Community forum on overdose" in events and "Naloxone training for officers" not in events
