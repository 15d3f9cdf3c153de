"""The audit log of outreach: who read encounter and overdose lists and possible duplicates, who merged
participants, and what the command-line import and summary did — one event per list, never one per row."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from meetpoint.accounts.audit import verify_chain
from meetpoint.accounts.models import AuditEvent
from meetpoint.outreach import actions
from meetpoint.outreach.records import EncounterIn, OverdoseIn
from meetpoint.outreach.tests.conftest import encounter_record
from meetpoint.participants import actions as participant_actions
from meetpoint.participants.models import PossibleDuplicate


def logged(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_the_quick_entry_page_logs_one_read_of_the_recent_encounters(world, sites):
    for _ in range(3):
        actions.record_encounter(
            world.home.staff, EncounterIn.model_validate(encounter_record(sites["fixed"]))
        )
    assert world.client(world.home.staff).get("/outreach/").status_code == 200
    [event] = logged("outreach.encounter.list")
    assert event.detail == {"count": 3, "filters": {"recent": "10"}}
    assert (event.actor, event.organization) == (world.home.staff.user, world.home.organization)
    assert event.ip_address == "127.0.0.1"


def test_overdose_lists_are_logged_on_the_page_and_in_the_api(world):
    report = {
        "client_uuid": "7a0e2c1e-4bd1-4a6e-9f0c-2d1f6f2b9a11",
        "occurred_at": timezone.now() - timedelta(hours=1),
        "place_kind": "grid_cell",
        "grid_cell": "40.44,-80.00",
    }
    actions.record_overdose(world.home.staff, OverdoseIn.model_validate(report))
    assert world.client(world.home.viewer).get("/outreach/overdoses/").status_code == 200
    answer = world.client().get("/api/v1/outreach/overdoses?limit=5", headers=world.token(world.home.analyst))
    assert len(answer.json()) == 1
    page, api = logged("outreach.overdose.list")
    assert (page.actor, page.detail["count"]) == (world.home.viewer.user, 1)
    assert (api.actor, api.detail) == (world.home.analyst.user, {"count": 1, "filters": {"limit": "5"}})


@pytest.fixture
def flagged(world):
    organization = world.home.organization
    participant_actions.find_or_create_participant(organization, "MA0307P85")
    participant_actions.find_or_create_participant(organization, "MA0307P84")
    return PossibleDuplicate.objects.get()


def test_reading_and_merging_possible_duplicates_is_logged(world, flagged):
    client = world.client(world.home.staff)
    assert client.get("/outreach/participants/duplicates/").status_code == 200
    [listed] = logged("participants.duplicate.list")
    assert listed.detail == {"count": 1, "filters": {"status": "open"}}
    assert client.post(f"/outreach/participants/duplicates/{flagged.pk}/merge/").status_code == 302
    [merge] = logged("participants.merge")
    assert merge.object_id == str(flagged.similar_to_id)
    assert merge.detail == {"merged": str(flagged.participant_id), "possible_duplicate": flagged.pk}
    # The merge is one event, in the merge's own transaction: no event per row it moved.
    assert not AuditEvent.objects.filter(action__endswith=".updated").exists()
    assert verify_chain()[0]


def test_outsiders_and_anonymous_read_no_duplicates_and_leave_no_trace_in_the_home_log(world, flagged):
    before = AuditEvent.objects.filter(organization=world.home.organization).count()
    outsider = world.client(world.outsider.staff)
    assert outsider.post(f"/outreach/participants/duplicates/{flagged.pk}/merge/").status_code == 404
    assert outsider.get("/outreach/participants/duplicates/").context["duplicates"].count() == 0
    assert world.client().get("/outreach/participants/duplicates/").status_code == 302
    assert world.client().get("/api/v1/outreach/overdoses").status_code == 401
    assert AuditEvent.objects.filter(organization=world.home.organization).count() == before
    [outsiders_read] = logged("participants.duplicate.list")
    assert outsiders_read.organization == world.outsider.organization and outsiders_read.detail["count"] == 0


def test_the_import_command_logs_one_summary_and_no_event_per_row(world, sites, tmp_path):
    path = tmp_path / "encounters.csv"
    path.write_text(
        "occurred_at,site,participant_code,syringes_distributed\n"
        "2026-03-01,Riverbend Drop-in,MA0307P85,20\n"
        "2026-03-02,Riverbend Van,,10\n",
        encoding="utf-8",
    )
    call_command("import_encounters", str(path), "--org", "riverbend", stdout=StringIO(), stderr=StringIO())
    [event] = AuditEvent.objects.filter(organization=world.home.organization, action__startswith="outreach.")
    assert (event.action, event.organization, event.actor) == (
        "outreach.encounters.import",
        world.home.organization,
        None,
    )
    assert event.detail["command"] == "import_encounters" and event.detail["file"] == str(path)
    assert (event.detail["rows"], event.detail["written"], event.detail["new_participants"]) == (2, 2, 1)
    assert "run_by" in event.detail and event.detail["host"]


def test_the_summary_through_the_api_is_logged_as_an_export(world):
    answer = world.client().get(
        "/api/v1/outreach/summary",
        {"from": "2026-03-01", "to": "2026-03-31"},
        headers=world.token(world.home.viewer),
    )
    assert answer.status_code == 200
    [event] = logged("outreach.summary.export")
    assert (event.actor, event.organization) == (world.home.viewer.user, world.home.organization)
    assert event.detail == {"from": "2026-03-01", "to": "2026-03-31", "site": "", "via": "api"}
    outsider = world.client().get(
        "/api/v1/outreach/summary",
        {"org": "riverbend", "from": "2026-03-01", "to": "2026-03-31"},
        headers=world.token(world.outsider.admin),
    )
    assert outsider.status_code == 404
    assert len(logged("outreach.summary.export")) == 1


def test_the_summary_command_logs_its_export(world):
    call_command(
        "outreach_summary",
        "--org",
        "riverbend",
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-31",
        stdout=StringIO(),
    )
    [event] = logged("outreach.summary.export")
    assert event.organization == world.home.organization
    assert (event.detail["from"], event.detail["to"]) == ("2026-03-01", "2026-03-31")
