"""A program's (directory service's) report: only indicators that can tell programs apart, the rest listed as
hidden rather than shown with the whole organization's numbers."""

import io
import json
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command

from meetpoint import indicators as indicator_registry
from meetpoint.directory.models import Service
from meetpoint.indicators import Indicator
from meetpoint.outcomes import reports
from meetpoint.outcomes.reports import build_report
from meetpoint.outcomes.tests.conftest import Record

START, END = date(2025, 1, 1), date(2025, 3, 31)


@pytest.fixture
def programs(world, records, monkeypatch):
    """Two programs of the home organization; kits handed out in each, counted by an indicator that honours
    Scope.service_ids (tag "by_service"), and the fixture's kits indicator that cannot tell programs apart."""
    home = world.home.organization
    exchange = Service.objects.create(organization=home, name="Syringe exchange")
    naloxone = Service.objects.create(organization=home, name="Naloxone program")
    given = []  # (service id, day, kits)
    for n in range(90):
        day = START + timedelta(days=n)
        given.append((exchange.pk, day, 2))
        given.append((naloxone.pk, day, 5))
        records.append(Record(home.pk, day, "naloxone", 7, "", None, "152"))

    def compute(scope, group_by):
        out = {}
        for service_id, day, kits in given:
            if scope.service_ids is not None and service_id not in scope.service_ids:
                continue
            if home.pk in scope.organization_ids and scope.start <= day <= scope.end:
                key = tuple(day if name == "day" else None for name in group_by)
                out[key] = out.get(key, 0) + kits
        return out

    indicator = Indicator(
        code="test_program_kits",
        name="Kits by program (test)",
        definition="Kits handed out, by program (test fixture).",
        unit="kits",
        provider="tests",
        compute=compute,
        tags=("by_service",),
    )
    indicator_registry.register(indicator)
    monkeypatch.setattr(reports, "STANDARD", (*reports.STANDARD, indicator.code))
    yield exchange, naloxone
    indicator_registry.registry.pop(indicator.code, None)


def test_a_programs_report_shows_only_what_can_be_split_by_program(world, programs):
    exchange, naloxone = programs
    home = world.home.organization
    whole = {row.code: row.value for row in build_report(home, START, END).rows}
    assert whole["test_program_kits"] == 90 * 7 and whole["test_naloxone_kits"] == 90 * 7
    report = build_report(home, START, END, service=naloxone)
    values = {row.code: row.value for row in report.rows}
    assert values == {"test_program_kits": 90 * 5}
    assert "Naloxone kits distributed (test)" in report.hidden
    assert "(Naloxone program)" in report.summary and report.subject.endswith("Naloxone program")
    assert build_report(home, START, END, service=exchange).rows[0].value == 90 * 2


def test_program_report_page_and_api(world, programs):
    _, naloxone = programs
    query = {"from": START.isoformat(), "to": END.isoformat(), "service": str(naloxone.pk)}
    page = world.client(world.home.analyst).get("/outcomes/report/", query)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Naloxone program" in text and 'id="not-by-service"' in text
    answer = world.client(world.home.viewer).get("/api/v1/outcomes/report", query)
    assert answer.status_code == 200
    body = answer.json()
    assert body["service"]["name"] == "Naloxone program"
    assert [row["code"] for row in body["indicators"]] == ["test_program_kits"]
    assert "Naloxone kits distributed (test)" in body["not_split_by_service"]


def test_another_organizations_program_is_404_and_anonymous_is_refused(world, programs):
    _, naloxone = programs
    query = {"from": START.isoformat(), "to": END.isoformat(), "service": str(naloxone.pk)}
    assert world.client(world.outsider.admin).get("/outcomes/report/", query).status_code == 404
    assert world.client(world.outsider.admin).get("/api/v1/outcomes/report", query).status_code == 404
    assert world.client().get("/api/v1/outcomes/report", query).status_code == 401
    assert world.client().get("/outcomes/report/", query).status_code == 302


def test_report_command_takes_a_program(world, programs, tmp_path):
    _, naloxone = programs
    out = io.StringIO()
    arguments = ["--org", world.home.organization.slug, "--from", "2025-01-01", "--to", "2025-03-31"]
    call_command("report", *arguments, "--service", str(naloxone.pk), "--out", "-", stdout=out)
    assert [row["code"] for row in json.loads(out.getvalue())["indicators"]] == ["test_program_kits"]
    with pytest.raises(CommandError, match="no program"):
        call_command(
            "report", "--org", world.outsider.organization.slug, *arguments[2:], "--service", str(naloxone.pk),
            "--out", "-", stdout=io.StringIO(),
        )  # fmt: skip
