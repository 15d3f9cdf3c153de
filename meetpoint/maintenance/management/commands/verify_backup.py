from django.core.management.base import BaseCommand, CommandError

from meetpoint.maintenance.archive import BackupError, verify_archive


class Command(BaseCommand):
    help = (
        "Reads a `meetpoint backup` archive without touching the database and checks every table's row count "
        "and checksum against its manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="PATH", help="The archive written by `meetpoint backup`.")

    def handle(self, *args, **options):
        try:
            manifest, summary = verify_archive(options["path"], progress=self.stderr.write)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if summary.problems:
            raise CommandError("The archive is corrupt: " + "; ".join(summary.problems) + ".")
        self.stdout.write(
            f"{options['path']}: {summary.tables} tables, {summary.rows:,} rows, made {manifest['created_at']} "
            f"from {manifest['vendor']} with Django {manifest['django']}; every checksum matches."
        )
