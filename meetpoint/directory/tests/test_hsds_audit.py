"""The HSDS import and export commands each leave one summary event in the audit log (not one per record)."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from meetpoint.accounts.models import AuditEvent
from meetpoint.directory.tests.test_hsds_import import write_legacy_package


@pytest.mark.django_db
def test_an_import_logs_one_summary_with_its_counts_and_path(tmp_path, capsys):
    folder = write_legacy_package(tmp_path / "feed")
    call_command("import_hsds", str(folder))
    [event] = AuditEvent.objects.all()
    assert (event.action, event.actor) == ("directory.hsds.import", None)
    assert event.detail["command"] == "import_hsds" and event.detail["path"] == str(folder.resolve())
    assert event.detail["records"] == 5 and event.detail["created"]["organization"] == 1


@pytest.mark.django_db
def test_a_refused_import_writes_nothing_and_logs_nothing(tmp_path):
    with pytest.raises(CommandError, match="nope"):
        call_command("import_hsds", str(tmp_path / "nope"))
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_an_export_logs_whether_it_holds_confidential_places(tmp_path, capsys):
    call_command("export_hsds", str(tmp_path / "public"))
    call_command("export_hsds", str(tmp_path / "internal"), include_confidential=True)
    public, internal = AuditEvent.objects.filter(action="directory.hsds.export").order_by("id")
    assert (public.detail["confidential_places"], internal.detail["confidential_places"]) == (False, True)
    assert internal.detail["folder"] == str((tmp_path / "internal").resolve())
