"""Reports people read: key figures first and in words, whole numbers, plain CSV, honest site scopes, PDFs that
hold every indicator and section of the page, and the coalition's combined report over a closed period."""

import csv
import io
import json
from datetime import date, timedelta

import pytest
from django.utils import timezone, translation
from pypdf import PdfReader

from meetpoint import indicators as indicator_registry
from meetpoint.directory.models import Location
from meetpoint.indicators import Indicator
from meetpoint.outcomes import actions, combined, exports
from meetpoint.outcomes.reports import build_report
from meetpoint.outcomes.tests.conftest import Record, add_activity
from meetpoint.outcomes.tests.test_exchange import TODAY, agreement_between

START, END = date(2025, 1, 1), date(2025, 3, 31)


def pdf_text(body: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(body))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split()), reader


@pytest.fixture
def vans(world, records):
    """Two mobile units with their own kits, and a count that cannot tell sites apart (like referrals)."""
    home = world.home.organization
    one = Location.objects.create(organization=home, name="Van One", is_mobile=True)
    two = Location.objects.create(organization=home, name="Van Two", is_mobile=True)
    for n in range(90):
        day = START + timedelta(days=n)
        records.append(Record(home.pk, day, "naloxone", 3, "", str(one.pk), "152"))
        records.append(Record(home.pk, day, "naloxone", 1, "", str(two.pk), "152"))
    records.append(Record(home.pk, START, "syringes", 1, "", str(one.pk), "152"))

    def ignoring_sites(scope, group_by):
        return {tuple(None for _ in group_by): 12}

    indicator = Indicator(
        code="test_sent_anywhere",
        name="Referrals sent (test)",
        definition="Counted for the whole organization (test fixture).",
        unit="referrals",
        provider="tests",
        compute=ignoring_sites,
        by_site=False,
    )
    indicator_registry.register(indicator)
    yield one, two
    indicator_registry.registry.pop(indicator.code, None)


def test_real_referral_indicators_say_they_cannot_be_split_by_site():
    from meetpoint.referrals import indicators  # noqa: F401 - registers them

    for code in ("referrals_sent", "referrals_completed", "referral_loop_closure_rate"):
        assert indicator_registry.registry[code].by_site is False


def test_a_site_report_never_shows_the_organizations_total_under_a_sites_name(world, vans):
    home, (one, two) = world.home.organization, vans
    codes = ["test_naloxone_kits", "test_sent_anywhere"]
    whole = build_report(home, START, END, codes=codes)
    sent = next(row for row in whole.rows if row.code == "test_sent_anywhere")
    assert sent.value == 12 and sent.by_site == {} and not sent.splits_by_site
    reports = [build_report(home, START, END, site=van, codes=codes) for van in (one, two)]
    for report in reports:
        assert [row.code for row in report.rows] == ["test_naloxone_kits"]
        assert report.not_by_site == ["Referrals sent (test)"]
    assert sum(report.rows[0].value for report in reports) == whole.rows[0].value == 90 * 4
    data = json.loads(exports.report_file(reports[0], "json"))
    assert data["not_split_by_site"] == ["Referrals sent (test)"]
    rows = list(csv.reader(io.StringIO(exports.report_file(reports[0], "csv").decode())))
    assert any(row[6] == "Referrals sent (test)" and row[-1] == "cannot be split by site" for row in rows)
    text, _reader = pdf_text(exports.report_file(reports[0], "pdf"))
    assert "Cannot be split by site (not shown): Referrals sent (test)" in text
    page = world.client(world.home.analyst).get(
        "/outcomes/report/", {"from": START, "to": END, "site": one.pk, "indicators": ",".join(codes)}
    )
    assert "Not shown for a single site" in page.content.decode()
    assert world.client(world.outsider.analyst).get("/outcomes/report/", {"site": one.pk}).status_code == 404
    assert world.client().get("/outcomes/report/", {"site": one.pk}).status_code == 302


def test_the_summary_says_key_figures_first_in_the_singular_and_plural(world, vans):
    home, (one, _two) = world.home.organization, vans
    report = build_report(
        home, START, START, site=one, codes=["test_people_served", "test_syringes", "test_naloxone_kits"]
    )
    # kits come first whatever order they were asked in; one syringe is "1 sterile syringe"
    assert report.summary == (
        f"In 1 day of service, {home.name} at Van One recorded 3 naloxone kits distributed "
        "and 1 sterile syringe distributed."
    )
    assert [row.code for row in report.rows][:2] == ["test_naloxone_kits", "test_syringes"]
    with translation.override("es"):
        assert report.summary == (
            f"En 1 día de servicio, {home.name} en Van One registró 3 kits de naloxona distribuidos "
            "y 1 jeringa estéril distribuida."
        )


def test_counts_are_integers_in_every_format_and_the_csv_has_a_plain_header(world, vans):
    report = build_report(world.home.organization, START, END, codes=["test_naloxone_kits", "test_syringes"])
    body = exports.report_file(report, "csv").decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == exports.CSV_HEADER and not body.startswith("#")
    values = [row[10] for row in rows[1:] if row[10]]
    assert values and all(value.isdigit() for value in values)
    data = json.loads(exports.report_file(report, "json"))
    assert all(isinstance(point["value"], int) for row in data["indicators"] for point in row["trend"])
    assert isinstance(data["indicators"][0]["value"], int)


def test_the_report_pdf_holds_every_indicator_and_section_of_the_page(world, vans, logged_months):
    report = build_report(world.home.organization, START, END, codes=["all"])
    body = exports.report_file(report, "pdf")
    text, reader = pdf_text(body)
    assert [float(v) for v in reader.pages[0].mediabox[2:]] == [612, 792]  # US Letter
    for section in ("By item, with the previous period", "By site", "Trend by week"):
        assert section in text
    for row in report.active_rows:
        assert row.name in text, row.name
    for row in report.idle_rows:
        assert row.name in text, row.name
    assert report.summary in text
    assert "Van One" in text and "Van Two" in text
    for row in report.chart_rows():  # each chart's title is drawn as text, not an image
        assert text.count(row.name) >= 2


@pytest.fixture
def logged_months(world, records):
    for month in (1, 2, 3):
        add_activity(records, world.home.organization, date(2025, month, 1), people=30, kits=20, syringes=200)


# ---- The combined report ------------------------------------------------------------------------------------


@pytest.fixture
def partners(world, records):
    """Home and the outsider both share January to March 2025 with the coalition."""
    for month in (1, 2, 3):
        start = date(2025, month, 1)
        add_activity(records, world.home.organization, start, people=25, kits=40, syringes=600, area="152")
        add_activity(records, world.home.organization, start, people=4, kits=3, syringes=20, area="153")
        add_activity(
            records, world.outsider.organization, start, people=15, kits=12, syringes=100, area="154"
        )
    codes = ["test_people_served", "test_naloxone_kits", "test_syringes"]
    agreement_between(world, codes)
    outsider = actions.propose_agreement(
        world.outsider.admin,
        actions.AgreementInput(world.coalition.organization, codes, date(2025, 1, 1), place_grain="zip3"),
    )
    actions.accept_agreement(world.coalition.admin, outsider)
    run = actions.run_exchanges(TODAY)
    assert run.failed == []


def test_the_combined_report_adds_every_partner_once_with_each_partners_part(world, partners):
    report = combined.build_combined(world.coalition.analyst, START, END)
    home, outsider = world.home.organization.name, world.outsider.organization.name
    assert report.partners == sorted([home, outsider]) and report.periods == ["2025-01", "2025-02", "2025-03"]
    kits = next(row for row in report.rows if row.code == "test_naloxone_kits")
    assert kits.by_partner[home].shown == "129" and kits.by_partner[outsider].shown == "36"
    assert kits.shown == "165"
    people = next(row for row in report.rows if row.code == "test_people_served")
    assert people.distinct and any("counts twice" in note for note in report.notes)
    assert report.rows[0].code == "test_naloxone_kits"  # key figures first
    text, _reader = pdf_text(exports.combined_file(report, "pdf"))
    for row in report.rows:
        assert row.name in text
    assert home in text and outsider in text and "165" in text
    rows = list(csv.reader(io.StringIO(exports.combined_file(report, "csv").decode())))
    assert rows[0][:3] == ["from", "to", "indicator"]
    kit_rows = {r[5]: r[6] for r in rows if r[2] == "test_naloxone_kits"}
    assert kit_rows == {home: "129", outsider: "36", "All partners": "165"}


def test_combined_report_pages_and_bad_periods(world, partners):
    analyst = world.client(world.coalition.analyst)
    page = analyst.get("/outcomes/combined/", {"from": START, "to": END})
    assert page.status_code == 200 and "165" in page.content.decode()
    download = analyst.get("/outcomes/combined/download.pdf", {"from": START, "to": END})
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    today = timezone.localdate()
    for query, message in (
        ({"from": START, "to": today}, "still open"),
        ({"from": date(2025, 1, 5), "to": END}, "whole delivered periods"),
        ({"from": date(2024, 1, 1), "to": date(2024, 6, 30)}, "data starts on 2025-01-01"),
        ({"from": "yesterday", "to": END}, "Dates must look like"),
    ):
        answer = analyst.get("/outcomes/combined/", query)
        assert answer.status_code == 400 and message in answer.content.decode(), query
    # an organization that received nothing sees no one's figures; the anonymous are sent to sign in
    outsider = world.client(world.outsider.analyst).get("/outcomes/combined/", {"from": START, "to": END})
    assert outsider.status_code == 200 and world.home.organization.name not in outsider.content.decode()
    assert "No packages received yet" in outsider.content.decode()
    assert world.client().get("/outcomes/combined/").status_code == 302
    assert world.client().get("/outcomes/combined/download.csv").status_code == 302


def test_the_dashboard_pdf_is_letter_with_tables_and_every_partner_and_indicator(world, partners):
    body = (
        world.client(world.coalition.analyst).get("/outcomes/dashboard/download.pdf?period=2025-03").content
    )
    text, reader = pdf_text(body)
    assert [float(v) for v in reader.pages[0].mediabox[2:]] == [612, 792]
    for name in (world.home.organization.name, world.outsider.organization.name, "All partners"):
        assert name in text
    for name in ("Naloxone kits distributed (test)", "People served (test)", "Syringes distributed (test)"):
        assert name in text
    assert "Trends, all partners" in text and "Map by area" in text


def test_the_pdf_and_spreadsheet_libraries_are_not_imported_at_start_up():
    import subprocess
    import sys

    code = (
        "import os, sys; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'meetpoint.settings')\n"
        "import django; django.setup()\n"
        "from django.urls import get_resolver; get_resolver().url_patterns\n"
        "print(sorted(m for m in ('reportlab', 'matplotlib', 'openpyxl', 'pypdf') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)  # noqa: S603
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"
