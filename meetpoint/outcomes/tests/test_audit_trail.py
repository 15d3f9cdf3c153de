"""Every report export and every data-sharing package is in the audit log: packages sent and open-data periods
published (in the transaction that stores them), reports and packages downloaded or fetched through the API,
the coalition dashboard's PDF, and the `report` command. Pages that only show aggregates log no read."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from meetpoint.accounts.audit import verify_chain
from meetpoint.accounts.models import AuditEvent
from meetpoint.outcomes import actions
from meetpoint.outcomes.tests.conftest import add_activity
from meetpoint.outcomes.tests.test_exchange import TODAY, agreement_between

RANGE = {"from": "2025-01-01", "to": "2025-03-31"}


def logged(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


@pytest.fixture
def activity(world, records):
    for month in (1, 2, 3):
        add_activity(records, world.home.organization, date(2025, month, 1), people=25, kits=40, syringes=600)
    return records


@pytest.fixture
def shared(world, activity):
    agreement = agreement_between(
        world, ["test_people_served", "test_naloxone_kits"], valid_from=date(2025, 1, 1)
    )
    actions.run_exchanges(TODAY)
    return agreement


def test_each_package_sent_is_logged_with_its_recipient_period_and_checksum(world, shared):
    sent = logged("outcomes.package.sent")
    packages = {str(package.pk): package for package in shared.packages.all()}
    assert len(sent) == len(packages) >= 3
    for event in sent:
        package = packages[event.object_id]
        assert (event.organization, event.object_type) == (world.home.organization, "outcomes.sharedpackage")
        assert event.detail["recipient"] == str(world.coalition.organization.pk)
        assert (event.detail["period"], event.detail["checksum"]) == (package.period_label, package.checksum)
    assert verify_chain()[0]


def test_a_run_that_sends_nothing_new_logs_nothing_new(world, shared):
    before = AuditEvent.objects.count()
    call_command("run_exchanges", "--today", TODAY.isoformat(), stdout=StringIO())
    assert AuditEvent.objects.count() == before


def test_each_open_data_period_published_is_logged(world, activity):
    dataset = actions.create_open_dataset(
        world.home.admin,
        actions.DatasetInput(
            title="Naloxone", indicators=["test_naloxone_kits"], published_from=date(2025, 1, 1)
        ),
    )
    actions.run_exchanges(TODAY)
    published = logged("outcomes.open_data.published")
    assert {event.object_id for event in published} == {str(r.pk) for r in dataset.releases.all()}
    assert all(event.detail["dataset"] == dataset.slug for event in published)
    assert all(event.organization == world.home.organization for event in published)


def test_package_downloads_and_api_fetches_are_logged_for_the_recipient(world, shared):
    package = shared.packages.get(period_label="2025-02")
    client = world.client(world.coalition.analyst)
    assert client.get(f"/outcomes/packages/{package.pk}/download.csv").status_code == 200
    answer = world.client().get(
        f"/api/v1/outcomes/packages/{package.pk}", headers=world.token(world.coalition.viewer)
    )
    assert answer.status_code == 200
    download, fetch = logged("outcomes.package.export")
    assert (download.actor, download.organization) == (
        world.coalition.analyst.user,
        world.coalition.organization,
    )
    assert download.object_id == fetch.object_id == str(package.pk)
    assert (download.detail["format"], download.detail["via"]) == ("csv", "download")
    assert (fetch.detail["via"], fetch.detail["checksum"]) == ("api", package.checksum)


def test_outsiders_and_anonymous_get_no_package_and_leave_no_export(world, shared):
    package = shared.packages.get(period_label="2025-02")
    assert (
        world.client(world.outsider.admin).get(f"/outcomes/packages/{package.pk}/download.json").status_code
        == 404
    )
    assert world.client().get(f"/outcomes/packages/{package.pk}/download.json").status_code == 302
    fetched = world.client().get(
        f"/api/v1/outcomes/packages/{package.pk}", headers=world.token(world.outsider.admin)
    )
    assert fetched.status_code == 404
    assert logged("outcomes.package.export") == []


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_report_downloads_are_logged_with_format_and_period(world, activity, kind):
    answer = world.client(world.home.analyst).get(f"/outcomes/report/download.{kind}", RANGE)
    assert answer.status_code == 200
    [event] = logged("outcomes.report.export")
    assert (event.actor, event.organization) == (world.home.analyst.user, world.home.organization)
    assert event.detail == {
        "format": kind,
        "from": "2025-01-01",
        "to": "2025-03-31",
        "site": "",
        "service": "",
        "via": "download",
    }


def test_the_api_report_is_an_export_but_the_report_page_is_not(world, activity):
    assert world.client(world.home.viewer).get("/outcomes/report/", RANGE).status_code == 200
    assert logged("outcomes.report.export") == []
    answer = world.client().get("/api/v1/outcomes/report", RANGE, headers=world.token(world.home.viewer))
    assert answer.status_code == 200
    [event] = logged("outcomes.report.export")
    assert (event.detail["via"], event.detail["format"]) == ("api", "json")


def test_a_refused_report_is_not_logged_as_exported(world, activity):
    answer = world.client(world.home.admin).get("/outcomes/report/download.csv", {"from": "2025-13-01"})
    assert answer.status_code == 400
    outsider = world.client(world.outsider.admin).get(
        "/outcomes/report/download.csv", {**RANGE, "org": world.home.organization.slug}
    )
    assert outsider.status_code == 404
    assert logged("outcomes.report.export") == []


def test_the_dashboard_pdf_is_logged(world, shared):
    answer = world.client(world.coalition.viewer).get("/outcomes/dashboard/download.pdf")
    assert answer.status_code == 200
    [event] = logged("outcomes.dashboard.export")
    assert event.organization == world.coalition.organization
    assert event.detail["format"] == "pdf" and event.detail["partners"] == 1


def test_the_report_command_logs_the_file_it_wrote(world, activity, tmp_path):
    out = tmp_path / "report.csv"
    call_command(
        "report",
        "--org",
        "riverbend",
        "--from",
        "2025-01-01",
        "--to",
        "2025-03-31",
        "--format",
        "csv",
        "--out",
        str(out),
        stdout=StringIO(),
    )
    [event] = logged("outcomes.report.export")
    assert (event.organization, event.actor) == (world.home.organization, None)
    assert (event.detail["command"], event.detail["file"], event.detail["format"]) == (
        "report",
        str(out),
        "csv",
    )
