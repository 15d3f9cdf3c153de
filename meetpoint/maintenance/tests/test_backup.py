import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from meetpoint.accounts import actions as accounts
from meetpoint.accounts.audit import verify_chain
from meetpoint.accounts.models import AuditEvent, Organization, User
from meetpoint.accounts.roles import PartnerType
from meetpoint.maintenance.archive import user_data_tables
from meetpoint.maintenance.tables import TableDigest, data_tables, digest_table, row_line
from meetpoint.outreach.models import Encounter, EncounterSupply, OverdoseReport
from meetpoint.participants.models import Participant

pytestmark = pytest.mark.django_db


def live_state() -> dict:
    """Per table: (row count, checksum) read from the database now."""
    state = {}
    for table in data_tables():
        digest = digest_table(table)
        state[table.name] = (digest.rows, digest.hexdigest())
    return state


def manifest_of(path: Path) -> dict:
    with zipfile.ZipFile(path) as zipped:
        return json.loads(zipped.read("manifest.json"))


# Real transactions (as on a server): the flush and the restore commit. Like every transactional test, it leaves
# an empty database behind; tests that need the rows migrations load (taxonomy, supply catalog) load them.
@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_a_clean_database_gives_identical_tables(populated, tmp_path):
    path = tmp_path / "site.zip"
    before = live_state()
    call_command("backup", str(path))

    manifest = manifest_of(path)
    assert {entry["table"]: (entry["rows"], entry["sha256"]) for entry in manifest["tables"]} == before
    assert before["outreach_encounter"][0] == 13
    call_command("flush", interactive=False, verbosity=0)
    assert Encounter.objects.count() == 0 and Organization.objects.count() == 0

    call_command("restore", str(path))

    # Identical, but for the restore's own entry, appended to the restored audit log (whose chain still holds).
    audit_log = {"accounts_auditevent", "accounts_auditchainhead"}
    restored = live_state()
    assert {t: s for t, s in restored.items() if t not in audit_log} == {
        t: s for t, s in before.items() if t not in audit_log
    }
    assert restored["accounts_auditevent"][0] == before["accounts_auditevent"][0] + 1
    assert AuditEvent.objects.order_by("-id").first().action == "maintenance.restore"
    assert verify_chain()[0]
    assert Encounter.objects.filter(organization=populated.home.organization).count() == 13
    assert EncounterSupply.objects.count() == 26
    assert Participant.objects.count() == 12
    assert OverdoseReport.objects.get().substances == ["fentanyl", "xylazine"]
    # The directory's search index (a derived table, not in the archive) finds the restored service again.
    found = Client().get("/api/v1/directory/search", {"taxonomy": "naloxone"}).json()
    assert [hit["service"]["name"] for hit in found["results"]] == ["Syringe services'; DROP TABLE x;--"]
    # The restored site works: a staff member still signs in and sees the encounters page.
    client = populated.client(populated.home.staff)
    assert client.get("/outreach/").status_code == 200
    # New rows get fresh ids (PostgreSQL sequences follow the restored rows).
    accounts.add_member(
        accounts.create_organization("New Partner", PartnerType.HARM_REDUCTION, slug="new-partner"),
        "new-partner-admin",
        "admin",
        password="another-long-passphrase",
    )
    assert User.objects.filter(username="new-partner-admin").exists()


def test_restore_refuses_a_database_that_holds_data(populated, tmp_path):
    path = tmp_path / "site.zip"
    call_command("backup", str(path))
    Encounter.objects.filter(participant__isnull=True).delete()

    with pytest.raises(CommandError, match="not empty.*--force"):
        call_command("restore", str(path))
    assert Encounter.objects.count() == 12  # untouched

    call_command("restore", str(path), force=True)
    assert Encounter.objects.count() == 13


def test_a_freshly_migrated_database_counts_as_empty():
    assert user_data_tables(data_tables()) == []


def _rewrite(path: Path, change) -> None:
    """Rewrite the archive at `path`, passing each member's bytes through change(name, data)."""
    with zipfile.ZipFile(path) as source:
        members = [(info.filename, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for name, data in members:
            target.writestr(name, change(name, data))


def test_a_truncated_archive_is_refused_and_nothing_changes(populated, tmp_path):
    path = tmp_path / "site.zip"
    call_command("backup", str(path))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])

    with pytest.raises(CommandError, match="corrupt or truncated"):
        call_command("restore", str(path), force=True)
    with pytest.raises(CommandError, match="corrupt or truncated"):
        call_command("verify_backup", str(path))
    assert Encounter.objects.count() == 13


def test_an_archive_whose_rows_were_altered_is_refused(populated, tmp_path):
    path = tmp_path / "site.zip"
    call_command("backup", str(path))
    call_command("verify_backup", str(path))

    def alter(name, data):
        return (
            data.replace(b"Riverbend Harm Reduction", b"Riverbend Harm Reductiom")
            if "accounts" in name
            else data
        )

    _rewrite(path, alter)
    with pytest.raises(CommandError, match="checksum does not match"):
        call_command("verify_backup", str(path))
    with pytest.raises(CommandError, match="corrupt"):
        call_command("restore", str(path), force=True)
    assert Organization.objects.filter(name="Riverbend Harm Reduction").exists()


def test_a_file_that_is_not_a_backup_is_refused(tmp_path):
    path = tmp_path / "notes.zip"
    path.write_text("hello")
    with pytest.raises(CommandError, match="not a readable Meetpoint backup"):
        call_command("restore", str(path))
    with pytest.raises(CommandError, match="no such file"):
        call_command("restore", str(tmp_path / "missing.zip"))


def test_a_load_that_does_not_reproduce_the_checksums_is_rolled_back(populated, tmp_path):
    """An archive that is consistent in itself but whose rows the database stores differently (here: a time
    written with another UTC offset) fails the after-load verification, and the restore is undone."""
    path = tmp_path / "site.zip"
    call_command("backup", str(path))
    manifest = manifest_of(path)
    entry = next(e for e in manifest["tables"] if e["table"] == "outreach_overdosereport")
    column = entry["columns"].index("occurred_at")

    def shift(name, data):
        if name != entry["file"]:
            return data
        row = json.loads(data)
        stamp = row[column]
        from datetime import datetime, timedelta, timezone

        row[column] = datetime.fromisoformat(stamp).astimezone(timezone(timedelta(hours=2))).isoformat()
        line = row_line(row)
        digest = TableDigest()
        digest.add(line)
        entry["sha256"] = digest.hexdigest()
        return (line + "\n").encode()

    _rewrite(path, lambda name, data: data if name == "manifest.json" else shift(name, data))
    _rewrite(path, lambda name, data: json.dumps(manifest).encode() if name == "manifest.json" else data)
    call_command("verify_backup", str(path))  # the archive itself is consistent
    Encounter.objects.filter(participant__isnull=True).delete()

    with pytest.raises(CommandError, match="do not match the backup.*outreach_overdosereport.*Rolled back"):
        call_command("restore", str(path), force=True)
    assert Encounter.objects.count() == 12  # the database is as it was before the restore


def test_backup_refuses_to_overwrite_unless_asked(populated, tmp_path):
    path = tmp_path / "site.zip"
    path.write_text("keep me")
    with pytest.raises(CommandError, match="exists"):
        call_command("backup", str(path))
    assert path.read_text() == "keep me"
    call_command("backup", str(path), overwrite=True)
    assert manifest_of(path)["format"] == "meetpoint-backup"
    assert not list(tmp_path.glob("*.partial"))


def test_verify_backup_names_values_postgresql_cannot_hold(populated, tmp_path):
    """An archive made on SQLite that carries a NUL in text (which SQLite stores and PostgreSQL refuses) is intact
    but is not declared good for PostgreSQL; for SQLite it is."""
    path = tmp_path / "site.zip"
    call_command("backup", str(path))
    manifest = manifest_of(path)
    entry = next(e for e in manifest["tables"] if e["table"] == "directory_service")
    column = entry["columns"].index("name")

    def poison(name, data):
        if name != entry["file"]:
            return data
        rows = [json.loads(line) for line in data.decode().splitlines()]
        rows[0][column] = "Syringe\x00services"
        digest = TableDigest()
        lines = [row_line(row) for row in rows]
        for line in lines:
            digest.add(line)
        entry["sha256"] = digest.hexdigest()
        return ("\n".join(lines) + "\n").encode()

    _rewrite(path, poison)
    _rewrite(path, lambda name, data: json.dumps(manifest).encode() if name == "manifest.json" else data)
    call_command("verify_backup", str(path), target=["sqlite"])
    with pytest.raises(
        CommandError, match=r"directory_service cannot be restored into postgresql: row 1, column name"
    ):
        call_command("verify_backup", str(path), target=["postgres"])
    with pytest.raises(CommandError, match="NUL"):
        call_command("verify_backup", str(path))  # both databases by default
    with pytest.raises(CommandError, match="unknown target"):
        call_command("verify_backup", str(path), target=["oracle"])
