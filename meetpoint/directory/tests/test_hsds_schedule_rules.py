"""HSDS schedule rules are stored exactly or refused with their record and field, never rewritten: a rule that
weekly hours represent (every week, whole weekdays, until, count) is kept with its ends; every second week, the
first Monday of the month, monthly and yearly rules are refused."""

from datetime import date
from pathlib import Path

import pytest

from meetpoint.directory.hsds.importer import ImportFailed, run_import
from meetpoint.directory.models import Schedule

ORG = "aaaaaaaa-0000-4000-8000-000000000001"
SERVICE = "cccccccc-0000-4000-8000-000000000001"


def feed(folder: Path, rule: str) -> Path:
    """One service with one schedule; `rule` gives freq,byday,interval,until,count,dtstart."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "organizations.csv").write_text(f"id,name\n{ORG},Harbor Outreach\n")
    (folder / "services.csv").write_text(f"id,organization_id,name,status\n{SERVICE},{ORG},Drop-in,active\n")
    (folder / "schedules.csv").write_text(
        "id,service_id,opens_at,closes_at,freq,byday,interval,until,count,dtstart\n"
        f"dddddddd-0000-4000-8000-000000000001,{SERVICE},09:00,12:00,{rule}\n"
    )
    return folder


@pytest.mark.django_db
def test_weekly_until_is_kept_as_the_last_day(tmp_path):
    run_import(feed(tmp_path / "f", "WEEKLY,MO,1,2005-03-01,,"))
    row = Schedule.objects.get()
    assert row.weekday == 0 and row.valid_to == date(2005, 3, 1)


@pytest.mark.django_db
def test_weekly_count_ends_after_that_many_occurrences(tmp_path):
    run_import(feed(tmp_path / "f", 'WEEKLY,"MO,WE",,,3,2026-11-30'))  # Mon 30, Wed 2, Mon 7
    rows = Schedule.objects.order_by("weekday")
    assert [r.weekday for r in rows] == [0, 2]
    assert {(r.valid_from, r.valid_to) for r in rows} == {(date(2026, 11, 30), date(2026, 12, 7))}


@pytest.mark.django_db
def test_daily_hours_become_every_weekday(tmp_path):
    run_import(feed(tmp_path / "f", "DAILY,,,,,"))
    assert sorted(Schedule.objects.values_list("weekday", flat=True)) == list(range(7))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ("WEEKLY,MO,2,,,", "interval"),
        ("WEEKLY,1MO,,,,", "byday"),
        ("MONTHLY,1MO,,,,", "freq"),
        ("MONTHLY,-1FR,,,,", "freq"),
        ("YEARLY,,,,,", "freq"),
        ("WEEKLY,MO,,,4,", "count"),  # a count without a start cannot be placed
    ],
)
def test_a_rule_weekly_hours_cannot_hold_is_refused_not_rewritten(tmp_path, rule, field):
    folder = feed(tmp_path / "f", rule)
    with pytest.raises(ImportFailed) as failure:
        run_import(folder)
    assert [(p.record[:8], p.field) for p in failure.value.problems.errors] == [("dddddddd", field)]
    # with --partial the rest of the feed is imported and the schedule is not
    result = run_import(folder, partial=True)
    assert not Schedule.objects.exists()
    assert [p.field for p in result.refused] == [field]
