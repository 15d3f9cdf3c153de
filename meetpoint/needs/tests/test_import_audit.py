"""The area-data import command leaves one summary event in the audit log; a refused file leaves none."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from meetpoint.accounts.models import AuditEvent


def test_an_import_logs_one_summary_for_the_organization_named(world, svi_file):
    call_command(
        "import_area_data", str(svi_file), "--layout", "svi", "--org", "riverbend", "--source", "CDC"
    )
    [event] = AuditEvent.objects.filter(action="needs.area_data.import")
    assert event.organization == world.home.organization
    assert event.detail["file"] == str(svi_file.resolve())
    assert (event.detail["rows"], event.detail["layout"], event.detail["source"]) == (3, "svi", "CDC")


def test_a_refused_file_logs_nothing(db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("not,an,svi,file\n1,2,3,4\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_area_data", str(bad), "--layout", "svi")
    assert not AuditEvent.objects.exists()
