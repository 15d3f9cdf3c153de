"""Reports: each indicator's figure equals a count made independently here; pages, downloads and the CLI."""

import io
import json
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from meetpoint import indicators as indicator_registry
from meetpoint.directory.models import Location
from meetpoint.outcomes.reports import build_report
from meetpoint.outcomes.tests.conftest import Record

START, END = date(2025, 1, 1), date(2025, 6, 29)  # 180 days


@pytest.fixture
def van(world):
    return Location.objects.create(organization=world.home.organization, name="Blue Van", is_mobile=True)


@pytest.fixture
def site(world):
    return Location.objects.create(organization=world.home.organization, name="Main Street SSP")


@pytest.fixture
def logged(world, records, van, site):
    """Half a year of made-up work at two sites, plus the outsider's and out-of-range records."""
    home = world.home.organization
    for n in range(180):
        day = START + timedelta(days=n)
        where = str(van.pk) if n % 3 else str(site.pk)
        records.append(Record(home.pk, day, "naloxone", 7 + n % 5, "", where, "152"))
        records.append(Record(home.pk, day, "syringes", 200 + n % 40, "", where, "152"))
        records.append(Record(home.pk, day, "visit", 1, f"p{n % 37}", where, "152"))
    records.append(Record(home.pk, START - timedelta(days=1), "naloxone", 1000, "", str(van.pk), "152"))
    records.append(Record(home.pk, END + timedelta(days=1), "naloxone", 1000, "", str(van.pk), "152"))
    records.append(Record(world.outsider.organization.pk, START, "naloxone", 5000, "", None, "152"))
    for n in range(1, 181):  # the previous 180 days
        records.append(Record(home.pk, START - timedelta(days=n), "syringes", 100, "", str(site.pk), "152"))
    return records


def independent(records, org, item, start, end, site=None):
    chosen = [
        r for r in records
        if r.organization_id == org.pk and r.item == item and start <= r.day <= end and (site is None or r.site == str(site.pk))
    ]  # fmt: skip
    return chosen


def test_each_indicator_matches_an_independent_count(world, logged, van):
    home = world.home.organization
    report = build_report(home, START, END)
    values = {row.code: row for row in report.rows}
    kits = sum(r.quantity for r in independent(logged, home, "naloxone", START, END))
    syringes = sum(r.quantity for r in independent(logged, home, "syringes", START, END))
    people = len({r.person for r in independent(logged, home, "visit", START, END)})
    assert values["test_naloxone_kits"].value == kits
    assert values["test_syringes"].value == syringes
    assert values["test_people_served"].value == people == 37
    assert values["test_syringes_per_person"].value == pytest.approx(syringes / people)
    assert values["test_syringes"].previous == 180 * 100
    assert report.days == 180
    assert report.summary.startswith(f"In 180 days of service, {home.name} recorded ")
    assert f"recorded {kits:,} naloxone kits distributed and {syringes:,} sterile syringes distributed." in (
        report.summary
    )
    assert isinstance(values["test_naloxone_kits"].value, int)
    # the trend and the breakdown by site add up to the same totals
    assert sum(v for _, v in values["test_naloxone_kits"].trend) == kits
    assert sum(values["test_naloxone_kits"].by_site.values()) == kits
    # a mobile unit's own report reproduces its recorded counts exactly
    unit = build_report(home, START, END, site=van)
    unit_kits = sum(r.quantity for r in independent(logged, home, "naloxone", START, END, van))
    assert {row.code: row.value for row in unit.rows}["test_naloxone_kits"] == unit_kits
    assert "at Blue Van" in unit.summary


def test_real_indicators_report_what_they_compute(world, logged):
    """Holds for whatever the other apps register: the report shows each indicator's own figure."""
    home = world.home.organization
    report = build_report(home, START, END)
    scope = indicator_registry.Scope((home.pk,), START, END)
    for row in report.rows:
        assert row.value == indicator_registry.registry[row.code].value(scope, ()).get((), 0)


def test_report_page_for_own_organization(world, logged):
    for membership in (world.home.admin, world.home.analyst, world.home.viewer):
        response = world.client(membership).get(
            "/outcomes/report/", {"from": "2025-01-01", "to": "2025-06-29"}
        )
        assert response.status_code == 200
        assert "In 180 days of service" in response.content.decode()
        assert "<svg" in response.content.decode()


def test_report_for_another_organization_is_404_and_anonymous_signs_in(world, logged):
    outsider = world.client(world.outsider.admin)
    response = outsider.get("/outcomes/report/", {"org": world.home.organization.slug})
    assert response.status_code == 404
    response = world.client().get("/outcomes/report/")
    assert response.status_code == 302 and "/account/sign-in/" in response["Location"]


def test_report_of_outsider_shows_none_of_home(world, logged):
    response = world.client(world.outsider.admin).get(
        "/outcomes/report/", {"from": "2025-01-01", "to": "2025-06-29"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "5,000 naloxone kits" in body  # its own record
    assert "Main Street SSP" not in body


def test_report_site_of_another_organization_is_404(world, logged, van):
    response = world.client(world.outsider.admin).get("/outcomes/report/", {"site": str(van.pk)})
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "2024-01-01", "to": "2025-06-29"}, "at most 366 days"),
        ({"from": "2025-06-01", "to": "2025-01-01"}, "before the start date"),
        ({"from": "June", "to": "2025-01-01"}, "Dates must look like"),
    ],
)
def test_bad_report_ranges_are_400(world, logged, query, message):
    response = world.client(world.home.analyst).get("/outcomes/report/", query)
    assert response.status_code == 400
    assert message in response.content.decode()
    response = world.client(world.home.analyst).get("/outcomes/report/download.pdf", query)
    assert response.status_code == 400


def test_downloads_in_every_format(world, logged):
    client = world.client(world.home.staff)
    query = {"from": "2025-01-01", "to": "2025-06-29"}
    pdf = client.get("/outcomes/report/download.pdf", query)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    data = json.loads(client.get("/outcomes/report/download.json", query).content)
    assert {i["code"]: i["value"] for i in data["indicators"]}["test_people_served"] == 37
    text = client.get("/outcomes/report/download.csv", query).content.decode()
    assert "test_naloxone_kits" in text and "Main Street SSP" in text
    book = load_workbook(io.BytesIO(client.get("/outcomes/report/download.xlsx", query).content))
    assert book["Summary"]["A3"].value.startswith("In 180 days of service")
    assert client.get("/outcomes/report/download.doc", query).status_code == 404
    assert world.client().get("/outcomes/report/download.pdf", query).status_code == 302


def test_report_command(world, logged, tmp_path):
    for kind in ("json", "csv", "xlsx", "pdf"):
        out = tmp_path / f"r.{kind}"
        call_command(
            "report",
            "--org",
            "riverbend",
            "--from",
            "2025-01-01",
            "--to",
            "2025-06-29",
            "--format",
            kind,
            "--out",
            str(out),
            stdout=io.StringIO(),
        )
        assert out.stat().st_size > 100
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["days"] == 180
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    with pytest.raises(CommandError, match="No organization"):
        call_command("report", "--org", "nobody", "--from", "2025-01-01", "--to", "2025-01-02", "--out", "-")
    with pytest.raises(CommandError, match="at most 366 days"):
        call_command(
            "report", "--org", "riverbend", "--from", "2020-01-01", "--to", "2025-01-02", "--out", "-"
        )
