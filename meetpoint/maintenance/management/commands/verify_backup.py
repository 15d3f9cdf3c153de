from django.core.management.base import BaseCommand, CommandError

from meetpoint.maintenance.archive import BackupError, verify_archive
from meetpoint.maintenance.targets import TARGETS, target_name


class Command(BaseCommand):
    help = (
        "Reads a `meetpoint backup` archive without touching the database, checks every table's row count and "
        "checksum against its manifest, and checks that every value can be restored into the target database "
        "(both SQLite and PostgreSQL unless --target names one)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="PATH", help="The archive written by `meetpoint backup`.")
        parser.add_argument(
            "--target",
            action="append",
            metavar="postgres|sqlite",
            help="A database the archive must restore into (repeatable; default: both).",
        )

    def handle(self, *args, **options):
        try:
            targets = tuple(dict.fromkeys(target_name(name) for name in options["target"] or TARGETS))
        except ValueError as error:
            raise CommandError(f"--target: {error}.") from error
        try:
            manifest, summary = verify_archive(options["path"], progress=self.stderr.write, targets=targets)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if summary.problems:
            raise CommandError("The archive is corrupt: " + "; ".join(summary.problems) + ".")
        if summary.unfit:
            raise CommandError(
                "The archive is intact but would not restore: " + "; ".join(summary.unfit[:10]) + "."
            )
        self.stdout.write(
            f"{options['path']}: {summary.tables} tables, {summary.rows:,} rows, made {manifest['created_at']} "
            f"from {manifest['vendor']} with Django {manifest['django']}; every checksum matches and every value "
            f"fits {' and '.join(targets)}."
        )
