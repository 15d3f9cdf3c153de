"""Backup and restore of the whole database as one portable archive (docs/operations-backup.md).

The archive is a ZIP file: `tables/NNN-<table>.jsonl` (one canonical JSON line per row, tables in dependency
order) and `manifest.json` (format, Django version, database vendor, applied migrations, and for every table its
columns, row count and SHA-256 of its rows). The same archive restores on SQLite and on PostgreSQL, so it also
moves a site from one to the other. The manifest is written last and the file is renamed into place only when
complete, so an interrupted backup never leaves a file that looks whole.
"""

import contextlib
import importlib
import json
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import django
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.migrations.recorder import MigrationRecorder

from meetpoint.maintenance.tables import (
    SEEDED_BY_MIGRATIONS,
    Table,
    TableDigest,
    data_tables,
    decode_value,
    existing_table_names,
    row_line,
    stored_value,
    table_lines,
    table_rows,
)
from meetpoint.maintenance.targets import TARGETS, table_fit

FORMAT = "meetpoint-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
INSERT_BATCH = 500
# Tables outside the models that the database derives from them (kept by triggers): not copied, rebuilt from the
# restored rows inside the restore's transaction, by the owning module's `rebuild(connection)`.
DERIVED = ("meetpoint.directory.search_index",)

Progress = Callable[[str], None]


class BackupError(Exception):
    """Something a site administrator must fix; the message says what."""


def _quiet(message: str) -> None:
    pass


@dataclass
class Summary:
    tables: int = 0
    rows: int = 0
    problems: list[str] = field(default_factory=list)
    unfit: list[str] = field(default_factory=list)  # values a target database cannot hold (targets.py)


def _applied_migrations() -> list[list[str]]:
    recorder = MigrationRecorder(connection)
    return sorted([app, name] for app, name in recorder.applied_migrations())


def _snapshot() -> None:
    # PostgreSQL: every table read from the same snapshot. SQLite's transaction already is one.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")


def back_up(path: str | Path, progress: Progress = _quiet) -> Summary:
    """Write the whole database to `path` (a new ZIP archive)."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    summary = Summary()
    tables = data_tables()
    present = existing_table_names()
    missing = [table.name for table in tables if table.name not in present]
    if missing:
        raise BackupError(f"The database lacks table(s) {', '.join(missing)}: run `meetpoint migrate` first.")
    outermost = not connection.in_atomic_block
    try:
        with (
            transaction.atomic(),
            zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive,
        ):
            if outermost:
                _snapshot()
            entries = []
            for number, table in enumerate(tables, start=1):
                member = f"tables/{number:03d}-{table.name}.jsonl"
                digest = TableDigest()
                fit = table_fit(
                    {"model": table.label, "table": table.name, "columns": table.columns}, TARGETS
                )
                with archive.open(member, "w", force_zip64=True) as out:
                    for row in table_rows(table):
                        line = row_line(row)
                        digest.add(line)
                        fit.add(digest.rows, row)
                        out.write(line.encode("utf-8") + b"\n")
                summary.unfit.extend(fit.problems())
                entries.append(
                    {
                        "model": table.label,
                        "table": table.name,
                        "file": member,
                        "columns": table.columns,
                        "rows": digest.rows,
                        "sha256": digest.hexdigest(),
                    }
                )
                summary.tables += 1
                summary.rows += digest.rows
                progress(f"{table.name}: {digest.rows:,} rows")
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created_at": datetime.now(UTC).isoformat(),
                "django": django.get_version(),
                "vendor": connection.vendor,
                "migrations": _applied_migrations(),
                "tables": entries,
            }
            archive.writestr(MANIFEST, json.dumps(manifest, indent=1))
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return summary


def _open(path: str | Path) -> tuple[zipfile.ZipFile, dict]:
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError as error:
        raise BackupError(f"{path}: no such file.") from error
    except (zipfile.BadZipFile, OSError) as error:
        raise BackupError(
            f"{path} is not a readable Meetpoint backup (corrupt or truncated archive: {error})."
        ) from error
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError as error:
        archive.close()
        raise BackupError(f"{path} has no {MANIFEST}: not a Meetpoint backup.") from error
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        archive.close()
        raise BackupError(f"{path}: the manifest is corrupt ({error}).") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        archive.close()
        raise BackupError(f"{path} is not a Meetpoint backup (its manifest names no {FORMAT!r} format).")
    if manifest.get("format_version") != FORMAT_VERSION:
        archive.close()
        raise BackupError(
            f"{path} is format version {manifest.get('format_version')}; this Meetpoint reads version "
            f"{FORMAT_VERSION}."
        )
    return archive, manifest


def _lines(archive: zipfile.ZipFile, entry: dict):
    try:
        with archive.open(entry["file"]) as source:
            for raw in source:
                yield raw.decode("utf-8").rstrip("\n")
    except KeyError as error:
        raise BackupError(f"The archive lacks {entry['file']} (truncated?).") from error
    except (zipfile.BadZipFile, OSError, EOFError, UnicodeDecodeError) as error:
        raise BackupError(f"{entry['file']} in the archive is corrupt: {error}.") from error


def verify_archive(
    path: str | Path, progress: Progress = _quiet, targets: tuple[str, ...] = ()
) -> tuple[dict, Summary]:
    """Read every table of the archive and check its row count and checksum against the manifest, and that
    every value fits each of the `targets` databases ("sqlite", "postgresql"; meetpoint/maintenance/targets.py).
    `summary.problems` holds the checksum problems; `summary.unfit` what a target database cannot hold."""
    archive, manifest = _open(path)
    summary = Summary()
    with archive:
        for entry in manifest.get("tables", []):
            digest = TableDigest()
            fit = table_fit(entry, targets) if targets else None
            for line in _lines(archive, entry):
                digest.add(line)
                if fit is not None:
                    with contextlib.suppress(ValueError):  # an unreadable line fails the checksum below
                        fit.add(digest.rows, json.loads(line))
            if digest.rows != entry["rows"] or digest.hexdigest() != entry["sha256"]:
                summary.problems.append(
                    f"{entry['table']}: the archive holds {digest.rows} rows whose checksum does not match the "
                    f"manifest ({entry['rows']} rows)"
                )
            if fit is not None:
                summary.unfit.extend(fit.problems())
            summary.tables += 1
            summary.rows += digest.rows
            progress(f"{entry['table']}: {digest.rows:,} rows checked")
    return manifest, summary


def user_data_tables(tables: list[Table]) -> list[str]:
    """The tables (beyond those `migrate` fills) that hold rows: what makes a database non-empty."""
    return [
        table.name
        for table in tables
        if table.label not in SEEDED_BY_MIGRATIONS and table.model._base_manager.exists()
    ]


def _check_compatible(manifest: dict, tables: dict[str, Table]) -> None:
    here = _applied_migrations()
    there = manifest.get("migrations", [])
    if here != there:
        only_there = sorted({tuple(m) for m in there} - {tuple(m) for m in here})
        only_here = sorted({tuple(m) for m in here} - {tuple(m) for m in there})
        detail = []
        if only_there:
            detail.append("the backup has " + ", ".join(f"{a}.{n}" for a, n in only_there[:5]))
        if only_here:
            detail.append("this database has " + ", ".join(f"{a}.{n}" for a, n in only_here[:5]))
        raise BackupError(
            "The backup was made at another migration state ("
            + "; ".join(detail)
            + "). Restore it with the Meetpoint version that made it, then run `meetpoint migrate`."
        )
    for entry in manifest.get("tables", []):
        table = tables.get(entry["table"])
        if table is None:
            raise BackupError(f"The backup holds table {entry['table']}, which this Meetpoint does not have.")
        if entry["columns"] != table.columns:
            raise BackupError(
                f"Table {entry['table']} has other columns in the backup than in this database."
            )


def _insert(table: Table, entry: dict, archive: zipfile.ZipFile) -> int:
    fields = table.fields
    quote = connection.ops.quote_name
    # Table and column names come from the models, never from the archive (checked in _check_compatible).
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(table.name),
        ", ".join(quote(column) for column in table.columns),
        ", ".join(["%s"] * len(fields)),
    )
    batch, count = [], 0
    with connection.cursor() as cursor:
        for line in _lines(archive, entry):
            try:
                values = json.loads(line)
                row = [
                    stored_value(field, decode_value(field, value), connection)
                    for field, value in zip(fields, values, strict=True)
                ]
            except (ValueError, TypeError) as error:
                raise BackupError(f"{entry['file']}, row {count + 1}: unreadable ({error}).") from error
            batch.append(row)
            count += 1
            if len(batch) >= INSERT_BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
    return count


def restore(path: str | Path, *, force: bool = False, progress: Progress = _quiet) -> Summary:
    """Replace the database's content by the archive's, in one transaction, checked against the manifest."""
    progress("checking the archive…")
    manifest, checked = verify_archive(path)
    if checked.problems:
        raise BackupError("The archive is corrupt: " + "; ".join(checked.problems) + ". Nothing was changed.")
    all_tables = data_tables()
    present = existing_table_names()
    missing = [table.name for table in all_tables if table.name not in present]
    if missing:
        raise BackupError(
            f"This database lacks table(s) {', '.join(missing[:5])}: run `meetpoint migrate` first. Nothing was "
            "changed."
        )
    by_name = {table.name: table for table in all_tables}
    _check_compatible(manifest, by_name)
    entries = {entry["table"]: entry for entry in manifest["tables"]}
    summary = Summary()
    archive, _ = _open(path)
    try:
        with archive, transaction.atomic():
            # Counting inside the transaction: nothing can slip in between the check and the load.
            occupied = user_data_tables(all_tables)
            if occupied and not force:
                raise BackupError(
                    f"The database is not empty ({len(occupied)} table(s) hold data, e.g. "
                    f"{', '.join(occupied[:3])}). Restore into a freshly migrated database, or pass --force "
                    "to replace everything in it."
                )
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            with connection.cursor() as cursor:
                for table in reversed(all_tables):
                    cursor.execute(f"DELETE FROM {connection.ops.quote_name(table.name)}")  # noqa: S608
            progress(f"cleared {len(all_tables)} tables")
            for table in all_tables:
                entry = entries.get(table.name)
                if entry is None:
                    continue  # a table the backup did not know stays empty
                rows = _insert(table, entry, archive)
                summary.tables += 1
                summary.rows += rows
                progress(f"{table.name}: {rows:,} rows loaded")
            _reset_sequences(all_tables)
            _check_references(all_tables)
            _rebuild_derived(progress)
            progress("verifying row counts and checksums…")
            for table in all_tables:
                entry = entries.get(table.name, {"rows": 0, "sha256": TableDigest().hexdigest()})
                digest = TableDigest()
                for line in table_lines(table):
                    digest.add(line)
                if digest.rows != entry["rows"] or digest.hexdigest() != entry["sha256"]:
                    summary.problems.append(
                        f"{table.name}: {digest.rows} rows after loading, {entry['rows']} in the backup"
                        + ("" if digest.rows != entry["rows"] else " (same count, different checksum)")
                    )
            if summary.problems:
                raise BackupError(
                    "The restored data do not match the backup: "
                    + "; ".join(summary.problems[:5])
                    + ". Rolled back: the database is as it was."
                )
    except IntegrityError as error:
        raise BackupError(f"The backup's rows break a database constraint ({error}). Rolled back.") from error
    except DatabaseError as error:
        raise BackupError(f"The database refused the restore ({error}). Rolled back.") from error
    ContentType.objects.clear_cache()
    return summary


def _rebuild_derived(progress: Progress) -> None:
    for module_name in DERIVED:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        rebuilt = module.rebuild(connection)
        progress(f"rebuilt {module_name}: {rebuilt:,} entries")


def _reset_sequences(tables: list[Table]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), [table.model for table in tables])
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def _check_references(tables: list[Table]) -> None:
    """Surface a dangling reference now, inside the transaction, rather than at commit."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    else:
        connection.check_constraints(table_names=[table.name for table in tables])
