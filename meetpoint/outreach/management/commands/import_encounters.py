import csv

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from meetpoint.accounts import audit
from meetpoint.accounts.queries import organization_by_ref
from meetpoint.outreach.importer import EncounterImport, LayoutError


class Command(BaseCommand):
    help = (
        "Imports encounters from a CSV file (one encounter a row; columns in docs/outreach.md). Every bad row "
        "is reported with its line number; by default nothing is written when any row is bad."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="CSV", help="The CSV file (UTF-8, header on the first line).")
        parser.add_argument("--org", required=True, help="The organization's slug or HSDS id.")
        parser.add_argument(
            "--skip-bad-rows",
            action="store_true",
            help="Write the good rows; copy the bad ones to --rejects.",
        )
        parser.add_argument(
            "--rejects", help="Where bad rows go with --skip-bad-rows (default: CSV.rejects.csv)."
        )
        parser.add_argument("--chunk-size", type=int, default=5000)

    def handle(self, *args, **options):
        path, skip_bad_rows = options["path"], options["skip_bad_rows"]
        try:
            organization = organization_by_ref(options["org"])
        except Http404 as error:
            raise CommandError(str(error)) from error
        if options["chunk_size"] < 1:
            raise CommandError("--chunk-size must be at least 1.")
        rejects_path = (options["rejects"] or f"{path}.rejects.csv") if skip_bad_rows else None
        try:
            source = open(path, newline="", encoding="utf-8-sig")  # noqa: SIM115 — closed below
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        rejects_file = open(rejects_path, "w", newline="", encoding="utf-8") if rejects_path else None  # noqa: SIM115
        importer = EncounterImport(organization, chunk_size=options["chunk_size"])

        def report_bad(line: int, reason: str) -> None:
            self.stderr.write(f"{path}:{line}: {reason}")

        def progress(result) -> None:
            self.stderr.write(f"… {result.rows:,} rows read, {result.written:,} written, {result.bad:,} bad")

        def log(result) -> None:
            audit.record_command(
                "outreach.encounters.import",
                command="import_encounters",
                organization=organization,
                detail={
                    "file": path,
                    "rows": result.rows,
                    "written": result.written,
                    "supply_lines": result.supply_lines,
                    "new_participants": result.new_participants,
                    "already_stored": result.already_stored,
                    "bad": result.bad,
                },
            )

        try:
            result = importer.run(
                csv.reader(source),
                skip_bad_rows=skip_bad_rows,
                rejects=rejects_file,
                report_bad=report_bad,
                progress=progress,
                log=log,
            )
        except LayoutError as error:
            raise CommandError(str(error)) from error
        except csv.Error as error:
            raise CommandError(f"{path} is not a readable CSV file: {error}.") from error
        except UnicodeDecodeError as error:
            raise CommandError(f"{path} is not UTF-8 text: {error.reason}.") from error
        finally:
            source.close()
            if rejects_file:
                rejects_file.close()
        if result.bad and not skip_bad_rows:
            raise CommandError(
                f"{result.bad} bad row(s) of {result.rows}; nothing was written. Fix them, or use --skip-bad-rows."
            )
        summary = (
            f"{result.written} encounters written ({result.supply_lines} supply lines, {result.new_participants} "
            f"new participants), {result.already_stored} already stored, {result.bad} bad"
        )
        if result.bad:
            summary += f" (copied to {rejects_path})"
        self.stdout.write(summary + ".")
