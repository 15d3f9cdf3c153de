"""The education indicators, as reports read them from the registry."""

from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from meetpoint.education import actions
from meetpoint.indicators import Scope, registry


def _at(day: date):
    return timezone.make_aware(datetime(day.year, day.month, day.day, 10))


def test_trainings_people_and_kits_by_area_and_month(world):
    officers = actions.create_event(
        world.home.staff,
        title="Officers",
        kind="overdose_response",
        audience="law_enforcement",
        starts_at=_at(date(2026, 3, 3)),
        area_code="42003",
    )
    actions.record_attendance(world.home.staff, officers, attendance_count=25, naloxone_kits=25)
    stigma = actions.create_event(
        world.home.staff,
        title="Stigma",
        kind="stigma_reduction",
        audience="health_care",
        starts_at=_at(date(2026, 3, 20)),
        area_code="42003",
    )
    actions.record_attendance(world.home.staff, stigma, attendance_count=10)
    forum = actions.create_event(
        world.home.staff,
        title="Forum",
        kind="community_forum",
        audience="general_public",
        starts_at=_at(date(2026, 4, 2)),
        area_code="42005",
    )
    actions.record_attendance(world.home.staff, forum, attendance_count=40, naloxone_kits=15)
    actions.create_event(
        world.outsider.staff,
        title="Other org",
        kind="overdose_response",
        audience="families",
        starts_at=_at(date(2026, 3, 5)),
        area_code="42003",
    )
    scope = Scope(
        organization_ids=(world.home.organization.pk,), start=date(2026, 3, 1), end=date(2026, 4, 30)
    )

    assert registry["trainings_held"].value(scope, ("area",)) == {("42003",): 2}
    assert registry["people_trained"].value(scope, ("month",)) == {("2026-03",): 35}
    assert registry["people_trained"].counts_people
    # Kits count at every kind of event, forums included.
    assert registry["naloxone_kits_at_events"].value(scope, ("area",)) == {("42003",): 25, ("42005",): 15}
    assert "naloxone" in registry["naloxone_kits_at_events"].tags


def test_take_back_pounds(world):
    actions.create_take_back(
        world.home.staff,
        title="Spring",
        date=date(2026, 4, 25),
        pounds_collected=Decimal("120.5"),
        area_code="42003",
    )
    actions.create_take_back(world.home.staff, title="Fall", date=date(2026, 10, 24), pounds_collected="80")
    scope = Scope(
        organization_ids=(world.home.organization.pk,), start=date(2026, 1, 1), end=date(2026, 12, 31)
    )
    assert registry["take_back_pounds"].value(scope, ()) == {(): 200.5}
    assert registry["take_back_pounds"].value(scope, ("month",)) == {("2026-04",): 120.5, ("2026-10",): 80.0}
