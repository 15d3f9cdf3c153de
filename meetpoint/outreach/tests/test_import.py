"""CSV import: every bad row named by line; nothing written unless asked; re-import stores nothing twice."""

import csv
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from meetpoint.outreach.models import Encounter, EncounterSupply
from meetpoint.participants.models import Participant

HEADER = (
    "occurred_at,site,participant_code,syringes_distributed,syringes_collected,naloxone_kits,"
    "fentanyl_test_strips,xylazine_test_strips,wound_care_kits,referrals_made"
)


def write(tmp_path, lines, header=HEADER):
    path = tmp_path / "encounters.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return str(path)


def run(path, *extra):
    out, err = StringIO(), StringIO()
    call_command("import_encounters", path, *extra, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


GOOD = [
    "2026-03-01,Riverbend Drop-in,MA0307P85,20,15,2,5,0,1,1",
    "2026-03-01T14:30:00,Riverbend Van,,40,,1,,,,",
    "2026-03-02,Riverbend Van,MA0307P85,10,10,0,0,2,0,0",
]


def test_a_good_file_is_imported(world, sites, tmp_path):
    out, _ = run(write(tmp_path, GOOD), "--org", "riverbend")
    assert "3 encounters written" in out
    assert Encounter.objects.filter(organization=world.home.organization, source="import").count() == 3
    assert Participant.objects.filter(organization=world.home.organization).count() == 1
    numbers = json.loads(_summary("--org", "riverbend", "--from", "2026-03-01", "--to", "2026-03-02"))
    assert numbers["syringes_distributed"] == 70 and numbers["syringes_collected"] == 25
    assert numbers["naloxone_kits"] == 3 and numbers["xylazine_test_strips"] == 2
    assert (
        numbers["encounters"] == 3 and numbers["unique_participants"] == 1 and numbers["referrals_made"] == 1
    )
    van = Encounter.objects.get(occurred_at__day=1, location=sites["van"])
    assert van.setting == "mobile_stop" and van.participant is None


def _summary(*arguments):
    out = StringIO()
    call_command("outreach_summary", *arguments, stdout=out)
    return out.getvalue()


def test_importing_the_same_file_again_stores_nothing_twice(world, sites, tmp_path):
    path = write(tmp_path, GOOD)
    run(path, "--org", "riverbend")
    out, _ = run(path, "--org", str(world.home.organization.pk))
    assert "0 encounters written" in out and "3 already stored" in out
    assert Encounter.objects.count() == 3


BAD = [
    "2026-03-01,Riverbend Drop-in,MA0307P85,20,15,2,5,0,1,1",
    "2099-01-01,Riverbend Drop-in,,1,,,,,,",  # line 3: future
    "2026-03-01,Lakeside ED,,1,,,,,,",  # line 4: another organization's site
    "2026-03-01,Riverbend Van,,-5,,,,,,",  # line 5: negative
    "2026-03-01,Riverbend Van,,5000,,,,,,",  # line 6: beyond the ceiling
    "yesterday,Riverbend Van,,1,,,,,,",  # line 7: not a date
    "2026-03-01,Riverbend Van,,1,,",  # line 8: too few values
    "2026-03-02,Riverbend Van,,12,3,1,,,,",
]


def test_bad_rows_are_all_reported_and_nothing_is_written(world, sites, tmp_path):
    with pytest.raises(CommandError, match="6 bad row"):
        run(write(tmp_path, BAD), "--org", "riverbend")
    assert Encounter.objects.count() == 0 and EncounterSupply.objects.count() == 0
    assert Participant.objects.count() == 0


def test_bad_rows_name_their_line_and_reason_on_stderr(world, sites, tmp_path, capsys):
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_encounters", write(tmp_path, BAD), "--org", "riverbend", stdout=StringIO(), stderr=err
        )
    report = err.getvalue()
    assert ":3: occurred_at: is in the future" in report
    assert ":4: site: 'Lakeside ED' is not one of Riverbend Harm Reduction's locations" in report
    assert ":5: syringes_distributed: must not be negative" in report
    assert ":6: syringes_distributed: 5000 is more than the ceiling" in report
    assert ":7: occurred_at: 'yesterday' is not an ISO 8601" in report
    assert ":8: has 6 values where the header has 10" in report


def test_skip_bad_rows_writes_the_good_ones_and_a_rejects_file(world, sites, tmp_path):
    path = write(tmp_path, BAD)
    rejects = tmp_path / "rejects.csv"
    out, _ = run(path, "--org", "riverbend", "--skip-bad-rows", "--rejects", str(rejects))
    assert "2 encounters written" in out and "6 bad" in out
    assert Encounter.objects.count() == 2
    rows = list(csv.reader(rejects.open()))
    assert rows[0][:3] == ["line", "error", "occurred_at"]
    assert [row[0] for row in rows[1:]] == ["3", "4", "5", "6", "7", "8"]
    assert rows[1][2] == "2099-01-01"


def test_more_columns_other_items_and_estimates(world, sites, tmp_path):
    header = "occurred_at,site,naloxone_kits,naloxone_item,item:hygiene-kit,collected_method,collected_measure,hiv_test,hiv_linked,reversals_reported"
    lines = ["2026-03-01,Riverbend Van,2,naloxone-nasal-8mg,1,weight,1.5,positive,yes,1"]
    run(write(tmp_path, lines, header), "--org", "riverbend")
    encounter = Encounter.objects.get()
    assert encounter.syringes_collected == 422 and encounter.collected_estimated  # 1.5 lb x 281, rounded
    assert encounter.hiv_test == "positive" and encounter.hiv_linked and encounter.reversals_reported == 1
    lines = {line.supply_item.code: (line.quantity, line.doses) for line in encounter.supplies.all()}
    assert lines == {"naloxone-nasal-8mg": (2, 4), "hygiene-kit": (1, 0)}


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("occurred_at,participant_code", "missing column"),
        ("occurred_at,site,shoe_size", "unknown column"),
        ("occurred_at,site,item:moon-rock", "unknown supply item"),
    ],
)
def test_a_wrong_header_is_refused(world, sites, tmp_path, header, message):
    with pytest.raises(CommandError, match=message):
        run(write(tmp_path, [], header), "--org", "riverbend")


def test_unknown_organization_or_file(world, tmp_path):
    with pytest.raises(CommandError, match="nobody"):
        run(write(tmp_path, GOOD), "--org", "nobody")
    with pytest.raises(CommandError, match="Cannot read"):
        run(str(tmp_path / "missing.csv"), "--org", "riverbend")


def test_a_client_uuid_of_another_organization_is_a_bad_row(world, sites, tmp_path):
    from meetpoint.outreach.tests.conftest import encounter_record

    taken = encounter_record(sites["outsider"])
    world.client(world.outsider.staff).post(
        "/api/v1/outreach/sync", {"encounters": [taken]}, content_type="application/json"
    )
    header = "occurred_at,site,client_uuid,syringes_distributed"
    lines = [f"2026-03-01,Riverbend Van,{taken['client_uuid']},10", "2026-03-01,Riverbend Van,,20"]
    err = StringIO()
    with pytest.raises(CommandError, match="1 bad row"):
        call_command(
            "import_encounters",
            write(tmp_path, lines, header),
            "--org",
            "riverbend",
            stdout=StringIO(),
            stderr=err,
        )
    assert ":2: client_uuid: is already used by another organization's record" in err.getvalue()
    assert Encounter.objects.filter(organization=world.home.organization).count() == 0
