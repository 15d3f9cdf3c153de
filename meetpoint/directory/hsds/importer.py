"""`import_hsds`: read HSDS input, check it, and write it in one transaction (a bad file writes nothing)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, transaction

from meetpoint.directory.hsds.batch import Batch
from meetpoint.directory.hsds.load import Loader, Summary
from meetpoint.directory.hsds.problems import ImportFailed, Problem, Problems
from meetpoint.directory.hsds.readers import UnsafeInput, read_path

DEFAULT_MAX_FILE_MB = 100

__all__ = ["ImportFailed", "ImportResult", "UnsafeInput", "max_file_bytes", "run_import"]


@dataclass
class ImportResult:
    summary: Summary
    problems: list[Problem]  # warnings only: an import with errors raises ImportFailed
    files: list[str]
    records: int
    notes: list[str]
    refused: list[Problem] = field(default_factory=list)  # --partial: the errors of the refused records


def max_file_bytes(megabytes: float | None = None) -> int:
    if megabytes is None:
        megabytes = float(getattr(settings, "MEETPOINT_HSDS_MAX_FILE_MB", DEFAULT_MAX_FILE_MB))
    return int(megabytes * 1024 * 1024)


def run_import(
    path: Path,
    *,
    source: str = "",
    strict: bool = False,
    partial: bool = False,
    max_bytes: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Import everything under `path`. Raises UnsafeInput (refused before reading), FileNotFoundError, or
    ImportFailed with every problem (nothing written).

    With `partial`, every record that is valid on its own is imported and a refused record takes only itself
    and the records that depend on it along (the result's `refused` lists them); ImportFailed then means that
    no record at all could be imported."""
    batch = Batch(problems=Problems(strict=strict))
    read_path(Path(path), batch, max_bytes or max_file_bytes())
    if not batch.files:
        raise FileNotFoundError(f"{path}: no .json or .csv files to import.")
    # Even when reading found errors, the records are checked too (in a transaction that is rolled back), so
    # that one run reports every problem.
    try:
        with transaction.atomic():
            summary = Loader(batch, source=source, progress=progress, partial=partial).run()
            problems = batch.problems
            written = sum(summary.created.values()) + sum(summary.updated.values())
            if (problems.errors and not partial) or (partial and problems.errors and not written):
                raise ImportFailed(problems)
    except DatabaseError as exc:
        # A value the checks above missed: still one clear error and nothing written, never a traceback.
        batch.problems.error("(database)", "", "", f"the database refused a value: {exc}")
        raise ImportFailed(batch.problems) from None
    return ImportResult(
        summary,
        batch.problems.warnings,
        batch.files,
        batch.count(),
        batch.notes,
        batch.problems.errors,
    )
