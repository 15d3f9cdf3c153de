"""The shared calendar: members see every partner's events, the public only those marked public."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from meetpoint.education import actions


def _month_of(event) -> str:
    return timezone.localtime(event.starts_at).strftime("%Y-%m")


def test_members_see_all_partner_events(world, event, public_event):
    for membership in (world.outsider.viewer, world.coalition.analyst, world.home.staff):
        page = world.client(membership).get(reverse("education:calendar"), {"month": _month_of(event)})
        body = page.content.decode()
        assert "Naloxone training for officers" in body
        assert "partners only" in body


def test_public_sees_only_public_events(world, event, public_event):
    body = (
        world.client().get(reverse("education:calendar"), {"month": _month_of(public_event)}).content.decode()
    )
    assert "Community forum on overdose" in body
    assert "Naloxone training for officers" not in body


def test_month_grid_view(world, public_event):
    body = (
        world.client()
        .get(reverse("education:calendar"), {"month": _month_of(public_event), "view": "month"})
        .content.decode()
    )
    assert 'class="month"' in body and "Community forum on overdose" in body


def test_take_back_days_appear_on_the_calendar(world):
    day = timezone.localdate() + timedelta(days=4)
    actions.create_take_back(
        world.home.staff, title="Spring take-back day", date=day, venue="Police HQ lobby"
    )
    body = (
        world.client().get(reverse("education:calendar"), {"month": day.strftime("%Y-%m")}).content.decode()
    )
    assert "Spring take-back day" in body


def test_icalendar_feed_lists_public_events_only(world, event, public_event):
    response = world.client().get(reverse("education:calendar_feed"))
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n")
    assert "SUMMARY:Community forum on overdose" in body
    assert "Naloxone training" not in body


def test_calendar_api_public_and_member(world, event, public_event):
    start = timezone.localdate()
    params = {"start": start.isoformat(), "end": (start + timedelta(days=30)).isoformat()}
    public = world.client().get("/api/v1/education/calendar", params).json()
    assert [item["title"] for item in public] == ["Community forum on overdose"]
    member = world.client().get(
        "/api/v1/education/calendar", params, headers=world.token(world.outsider.viewer)
    )
    assert {item["title"] for item in member.json()} == {
        "Community forum on overdose",
        "Naloxone training for officers",
    }
    bad = world.client().get("/api/v1/education/calendar", {"start": "2026-02-01", "end": "2026-01-01"})
    assert bad.status_code == 400


def test_a_bad_month_falls_back_to_this_month(world):
    assert world.client().get(reverse("education:calendar"), {"month": "13-2026"}).status_code == 200
