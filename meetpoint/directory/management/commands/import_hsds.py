"""meetpoint import_hsds PATH — read HSDS 3.x JSON / CSV or an HSDS 1.x/2.x data package into the directory."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from meetpoint.accounts import audit
from meetpoint.directory.hsds.importer import ImportFailed, UnsafeInput, max_file_bytes, run_import
from meetpoint.directory.hsds.problems import write_report


class Command(BaseCommand):
    help = (
        "Import HSDS data: a JSON file (one object, a list, a paged API response), a folder of JSON files, an "
        "HSDS 3.x tabular CSV folder (with or without datapackage.json) or an HSDS 1.x/2.x CSV data package. "
        "Records keep their HSDS ids; re-importing updates them. One transaction: any error writes nothing, "
        "unless --partial imports the valid records."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="a .json/.csv file or a folder")
        parser.add_argument(
            "--source",
            default="",
            help="a name for this data's origin, mixed into the Meetpoint id of records whose HSDS id is not a "
            "UUID (so two feeds that both use id '1' do not overwrite each other). Use the same name every time.",
        )
        parser.add_argument("--strict", action="store_true", help="treat every warning as an error")
        parser.add_argument(
            "--partial",
            action="store_true",
            help="import every record that is valid on its own; a refused record is skipped with the records "
            "that depend on it (see --problems). Without it, any error imports nothing.",
        )
        parser.add_argument(
            "--problems",
            metavar="CSV",
            default="",
            help="write every problem to this CSV file (level, file, line, record_id, field, problem, "
            "what_was_done) and print only their counts",
        )
        parser.add_argument(
            "--max-file-mb",
            type=float,
            default=None,
            help="refuse any file larger than this (default MEETPOINT_HSDS_MAX_FILE_MB or 100)",
        )
        parser.add_argument("--quiet-warnings", action="store_true", help="print only the count of warnings")

    def handle(self, *args, path, source, strict, partial, problems, max_file_mb, quiet_warnings, **options):
        if max_file_mb is not None and max_file_mb <= 0:
            self.stderr.write("--max-file-mb must be more than 0")
            sys.exit(2)
        report = Path(problems) if problems else None
        if report is not None and not report.parent.is_dir():
            self.stderr.write(f"--problems: the folder {report.parent} does not exist")
            sys.exit(2)
        quiet_warnings = quiet_warnings or report is not None
        refused_done = "record not imported" if partial else "nothing was imported"
        show_progress = sys.stderr.isatty() or options.get("verbosity", 1) >= 2

        def progress(done: int, total: int) -> None:
            # A live counter on a terminal; in a log (cron, CI) a line every 5,000 records and the last one.
            if show_progress or done == total or done % 5000 == 0:
                end = "\r" if show_progress and done != total else "\n"
                sys.stderr.write(f"imported {done:,}/{total:,} records{end}")
                sys.stderr.flush()

        try:
            result = run_import(
                Path(path),
                source=source,
                strict=strict,
                partial=partial,
                max_bytes=max_file_bytes(max_file_mb),
                progress=progress,
            )
        except UnsafeInput as exc:
            raise CommandError(str(exc)) from None
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from None
        except ImportFailed as exc:
            if report is not None:
                self.write_report(report, exc.problems.items, "nothing was imported")
            for problem in exc.problems.errors if report is not None else exc.problems.items:
                self.stderr.write(str(problem))
            errors = len(exc.problems.errors)
            if partial:
                raise CommandError(f"{errors} error(s) and no valid record; nothing was imported.") from None
            raise CommandError(
                f"{errors} error(s); nothing was imported. Fix them and run the import again"
                " (or import the valid records with --partial)."
            ) from None
        warnings = result.problems
        if report is not None:
            self.write_report(report, result.refused + warnings, refused_done)
        for problem in result.refused:
            self.stderr.write(str(problem))
        if quiet_warnings:
            if warnings:
                self.stderr.write(f"{len(warnings)} warning(s)")
        else:
            for problem in warnings:
                self.stderr.write(str(problem))
        for note in result.notes:
            self.stdout.write(note)
        audit.record_command(
            "directory.hsds.import",
            command="import_hsds",
            detail={
                "path": str(Path(path).resolve()),
                "files": len(result.files),
                "records": result.records,
                "created": dict(result.summary.created),
                "updated": dict(result.summary.updated),
                "warnings": len(warnings),
                "refused": len(result.refused),
            },
        )
        created = ", ".join(f"{n} {t}" for t, n in sorted(result.summary.created.items())) or "nothing"
        updated = ", ".join(f"{n} {t}" for t, n in sorted(result.summary.updated.items())) or "nothing"
        self.stdout.write(
            f"Imported {result.records} HSDS record(s) from {len(result.files)} file(s). "
            f"Created: {created}. Updated: {updated}. Warnings: {len(warnings)}."
            + (f" Refused (not imported): {len(result.refused)} problem(s)." if result.refused else "")
        )

    def write_report(self, path: Path, problems: list, refused_done: str) -> None:
        with path.open("w", encoding="utf-8", newline="") as out:
            count = write_report(problems, out, refused_done=refused_done)
        self.stdout.write(f"Wrote {count} problem(s) to {path}.")
