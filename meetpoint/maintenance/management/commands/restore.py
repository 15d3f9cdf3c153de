from django.core.management.base import BaseCommand, CommandError

from meetpoint.accounts import audit
from meetpoint.maintenance.archive import BackupError, restore


class Command(BaseCommand):
    help = (
        "Loads a `meetpoint backup` archive into this database (SQLite or PostgreSQL, either way), in one "
        "transaction, then checks every table's row count and checksum against the archive's manifest. "
        "Refuses a database that already holds data unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="PATH", help="The archive written by `meetpoint backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace whatever the database holds now by the archive's content.",
        )

    def handle(self, *args, **options):
        try:
            summary = restore(options["path"], force=options["force"], progress=self.stderr.write)
        except BackupError as error:
            raise CommandError(str(error)) from error
        # Appended to the restored log, whose chain it continues: the restore itself stays on record.
        audit.record_command(
            "maintenance.restore",
            command="restore",
            detail={
                "file": options["path"],
                "tables": summary.tables,
                "rows": summary.rows,
                "force": options["force"],
            },
        )
        self.stdout.write(
            f"Restored {summary.tables} tables, {summary.rows:,} rows from {options['path']}; "
            "counts and checksums match the backup."
        )
