"""A backup (a copy of everything) and a restore each leave one summary event in the audit log."""

import pytest
from django.core.management import call_command

from meetpoint.accounts.audit import verify_chain
from meetpoint.accounts.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_backup_and_restore_are_logged_with_their_file_and_counts(populated, tmp_path):
    path = tmp_path / "site.zip"
    call_command("backup", str(path))
    backup = AuditEvent.objects.order_by("-id").first()
    assert (backup.action, backup.detail["command"], backup.detail["file"]) == (
        "maintenance.backup",
        "backup",
        str(path.resolve()),
    )
    assert backup.detail["rows"] > 0 and backup.detail["tables"] > 0

    call_command("restore", str(path), force=True)
    restore = AuditEvent.objects.order_by("-id").first()
    assert (restore.action, restore.detail["file"], restore.detail["force"]) == (
        "maintenance.restore",
        str(path),
        True,
    )
    assert (restore.detail["tables"], restore.detail["rows"]) == (
        backup.detail["tables"],
        backup.detail["rows"],
    )
    assert verify_chain()[0]
