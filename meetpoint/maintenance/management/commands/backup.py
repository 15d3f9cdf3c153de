from django.core.management.base import BaseCommand, CommandError

from meetpoint.accounts import audit
from meetpoint.maintenance.archive import BackupError, back_up


class Command(BaseCommand):
    help = (
        "Writes the whole database (every table, SQLite or PostgreSQL) to one portable archive with a manifest "
        "of row counts and SHA-256 checksums. Restore it with `meetpoint restore PATH` (docs/operations-backup.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", metavar="PATH", help="The archive to write, e.g. meetpoint-2026-11-27.zip."
        )
        parser.add_argument("--overwrite", action="store_true", help="Replace PATH if it exists.")

    def handle(self, *args, **options):
        from pathlib import Path

        path = Path(options["path"])
        if path.exists() and not options["overwrite"]:
            raise CommandError(f"{path} exists; choose another name or pass --overwrite.")
        if not path.parent.is_dir():
            raise CommandError(f"{path.parent} is not a directory.")
        try:
            summary = back_up(path, progress=self.stderr.write)
        except BackupError as error:
            raise CommandError(str(error)) from error
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror or error}.") from error
        audit.record_command(
            "maintenance.backup",
            command="backup",
            detail={"file": str(path.resolve()), "tables": summary.tables, "rows": summary.rows},
        )
        self.stdout.write(f"Backed up {summary.tables} tables, {summary.rows:,} rows to {path}.")
        if summary.unfit:
            # The archive restores into this kind of database; it is written, but the administrator must know
            # it cannot move to the other one until those values are corrected.
            self.stderr.write(
                "Warning: some values cannot be restored into every database:\n  "
                + "\n  ".join(summary.unfit)
            )
        else:
            self.stdout.write("Every value fits both SQLite and PostgreSQL.")
