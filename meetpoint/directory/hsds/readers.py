"""Reading HSDS input into a Batch: HSDS 3.x JSON (one object, a list, a paged API response, the tabular JSON
form, or a folder of such files), the HSDS 3.x tabular CSV form (a folder of CSVs, with or without its
datapackage.json) and the HSDS 1.x/2.x CSV data package.

Input is checked before it is read: no symlinks, nothing outside the folder being imported (a datapackage.json
`path` of "../x" is refused), and no file larger than the configured limit."""

import csv
import io
import json
from pathlib import Path

from meetpoint.directory.hsds import legacy
from meetpoint.directory.hsds.batch import Batch
from meetpoint.directory.hsds.serialize import CONFIDENTIAL_FLAG, PUBLIC_AREA_FIELD
from meetpoint.directory.hsds.validation import problems as schema_problems
from meetpoint.directory.hsds.validation import schema_documents


class UnsafeInput(Exception):
    """The input path is a trick (symlink, traversal) or too large: refused before anything is read."""


# Nested HSDS 3.1 objects: (parent type, key) -> (child type, how it links). "child:<fk>" sets the fk on each
# child to the parent's id; "parent:<fk>" sets the fk on the parent to the child's id.
NESTING = {
    "service": {
        "organization": ("organization", "parent:organization_id"),
        "program": ("program", "parent:program_id"),
        "phones": ("phone", "child:service_id"),
        "schedules": ("schedule", "child:service_id"),
        "service_areas": ("service_area", "child:service_id"),
        "service_at_locations": ("service_at_location", "child:service_id"),
        "languages": ("language", "child:service_id"),
        "funding": ("funding", "child:service_id"),
        "cost_options": ("cost_option", "child:service_id"),
        "required_documents": ("required_document", "child:service_id"),
        "contacts": ("contact", "child:service_id"),
        "capacities": ("service_capacity", "child:service_id"),
        "attributes": ("attribute", "child:link_id"),
        "additional_urls": ("url", "child:service_id"),
        "metadata": ("metadata", "child:resource_id"),
    },
    "service_at_location": {
        "service": ("service", "parent:service_id"),
        "location": ("location", "parent:location_id"),
        "service_areas": ("service_area", "child:service_at_location_id"),
        "contacts": ("contact", "child:service_at_location_id"),
        "phones": ("phone", "child:service_at_location_id"),
        "schedules": ("schedule", "child:service_at_location_id"),
        "attributes": ("attribute", "child:link_id"),
        "metadata": ("metadata", "child:resource_id"),
    },
    "location": {
        "languages": ("language", "child:location_id"),
        "addresses": ("address", "child:location_id"),
        "contacts": ("contact", "child:location_id"),
        "accessibility": ("accessibility", "child:location_id"),
        "phones": ("phone", "child:location_id"),
        "schedules": ("schedule", "child:location_id"),
        "attributes": ("attribute", "child:link_id"),
        "metadata": ("metadata", "child:resource_id"),
    },
    "organization": {
        "funding": ("funding", "child:organization_id"),
        "contacts": ("contact", "child:organization_id"),
        "phones": ("phone", "child:organization_id"),
        "locations": ("location", "child:organization_id"),
        "programs": ("program", "child:organization_id"),
        "organization_identifiers": ("organization_identifier", "child:organization_id"),
        "attributes": ("attribute", "child:link_id"),
        "additional_websites": ("url", "child:organization_id"),
        "metadata": ("metadata", "child:resource_id"),
    },
    "contact": {"phones": ("phone", "child:contact_id"), "attributes": ("attribute", "child:link_id")},
    "phone": {"languages": ("language", "child:phone_id"), "attributes": ("attribute", "child:link_id")},
    "taxonomy_term": {"taxonomy_detail": ("taxonomy", "parent:taxonomy_id")},
    "attribute": {"taxonomy_term": ("taxonomy_term", "parent:taxonomy_term_id")},
    "service_capacity": {"unit": ("unit", "parent:unit_id")},
    "address": {"attributes": ("attribute", "child:link_id")},
    "schedule": {"attributes": ("attribute", "child:link_id")},
}

# File names (without .json, "_full"/"_list") that name an object type.
FILE_HINTS = {
    "service": "service",
    "services": "service",
    "organization": "organization",
    "organizations": "organization",
    "location": "location",
    "locations": "location",
    "service_at_location": "service_at_location",
    "service_at_locations": "service_at_location",
    "taxonomy": "taxonomy",
    "taxonomies": "taxonomy",
    "taxonomy_term": "taxonomy_term",
    "taxonomy_terms": "taxonomy_term",
}

CONFIDENTIAL_MARKER = "meetpoint_confidential_locations"  # written by export.datapackage (partner-internal)

SCHEMA_CHECKED = {"service", "organization", "location", "service_at_location", "taxonomy", "taxonomy_term"}


def csv_tables_31() -> dict[str, str]:
    """3.1 CSV file name -> object type, from the official schemas' own `path` ("schedules.csv" -> schedule)."""
    return {doc["path"]: doc["name"] for doc in schema_documents().values() if "path" in doc}


# --- paths ------------------------------------------------------------------------------------------------


def check_file(path: Path, root: Path, max_bytes: int) -> None:
    if path.is_symlink():
        raise UnsafeInput(f"{path}: refusing a symbolic link; copy the file itself.")
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        raise UnsafeInput(f"{path}: refusing a file outside {root}.") from None
    if not path.is_file():
        raise UnsafeInput(f"{path}: not a regular file.")
    size = path.stat().st_size
    if size > max_bytes:
        raise UnsafeInput(
            f"{path}: {size:,} bytes is over the {max_bytes:,}-byte limit "
            "(raise it with --max-file-mb or MEETPOINT_HSDS_MAX_FILE_MB)."
        )


def gather(path: Path, max_bytes: int) -> list[tuple[Path, list[Path], list[Path]]]:
    """(folder, its JSON files, its CSV files) for the input: one file, or a folder walked without following
    symlinks. Raises UnsafeInput on any symlink, escape or oversize file."""
    if path.is_symlink():
        raise UnsafeInput(f"{path}: refusing a symbolic link.")
    if path.is_file():
        check_file(path, path.parent, max_bytes)
        if path.suffix.lower() == ".csv":
            return [(path.parent, [], [path])]
        if path.name == "datapackage.json":
            return gather(path.parent, max_bytes)
        return [(path.parent, [path], [])]
    if not path.is_dir():
        raise FileNotFoundError(f"{path}: no such file or folder.")
    root = path
    groups = []
    for folder in sorted([root, *[p for p in root.rglob("*") if p.is_dir() or p.is_symlink()]]):
        if folder.is_symlink():
            raise UnsafeInput(f"{folder}: refusing a symbolic link inside the import folder.")
        if not folder.is_dir():
            continue
        json_files, csv_files = [], []
        for item in sorted(folder.iterdir()):
            if item.is_dir() and not item.is_symlink():
                continue
            suffix = item.suffix.lower()
            if suffix not in (".json", ".csv"):
                continue
            check_file(item, root, max_bytes)
            (csv_files if suffix == ".csv" else json_files).append(item)
        if json_files or csv_files:
            groups.append((folder, json_files, csv_files))
    return groups


# --- JSON -------------------------------------------------------------------------------------------------


def infer_type(obj: dict) -> str | None:
    keys = set(obj)
    if "location_type" in keys or "addresses" in keys or "accessibility" in keys:
        return "location"
    if "status" in keys or "service_at_locations" in keys or "capacities" in keys or "cost_options" in keys:
        return "service"
    if ("service" in keys or "location" in keys or "service_id" in keys or "location_id" in keys) and (
        "name" not in keys
    ):
        return "service_at_location"
    if keys & {"code", "parent_id", "taxonomy_detail", "term_uri", "taxonomy_id"}:
        return "taxonomy_term"
    if keys & {
        "website",
        "tax_status",
        "tax_id",
        "year_incorporated",
        "legal_status",
        "locations",
        "programs",
        "organization_identifiers",
        "funding",
        "logo",
        "additional_websites",
        "parent_organization_id",
    }:
        return "organization"
    if (
        "name" in keys
        and "description" in keys
        and keys <= {"id", "name", "description", "uri", "version", "metadata"}
    ):
        return "taxonomy"
    if "organization_id" in keys and "name" in keys:
        return "service"
    if "name" in keys and "description" in keys:
        return "organization"
    return None


def hint_from_name(path: Path) -> str | None:
    stem = path.stem.lower()
    for suffix in ("_full", "_list", "_example", "_examples"):
        stem = stem.removesuffix(suffix)
    return FILE_HINTS.get(stem)


def flatten(
    obj: dict, table: str, batch: Batch, file: str, parent_link: tuple[str, str] | None = None
) -> str:
    """Add `obj` and everything nested in it to the batch; returns its id."""
    nesting = NESTING.get(table, {})
    values = {k: v for k, v in obj.items() if k not in nesting}
    pinned = set()
    if parent_link:
        fk, parent_id = parent_link
        values[fk] = parent_id
        pinned.add(fk)
        if table == "attribute":
            pinned.add("link_entity")
    obj_id = obj.get("id")
    for key, (child_table, link) in nesting.items():
        nested = obj.get(key)
        if nested in (None, "", []):
            continue
        kind, fk = link.split(":")
        if kind == "parent":
            if not isinstance(nested, dict):
                batch.problems.error(file, obj_id, key, f"must be an object, not {type(nested).__name__}")
                continue
            values[fk] = flatten(nested, child_table, batch, file)
            pinned.add(fk)
        else:
            if not isinstance(nested, list):
                batch.problems.error(file, obj_id, key, f"must be a list, not {type(nested).__name__}")
                continue
            for item in nested:
                if not isinstance(item, dict):
                    batch.problems.error(file, obj_id, key, "each item must be an object")
                    continue
                child_link = (fk, obj_id)
                if child_table == "attribute":
                    item = {**item, "link_entity": table}
                flatten(item, child_table, batch, file, child_link)
    batch.add(table, values, file, frozenset(pinned))
    return obj_id


def read_json_document(path: Path, batch: Batch) -> None:
    file = str(path)
    try:
        document = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        batch.problems.error(file, "", "", f"not valid JSON: {exc}")
        return
    hint = hint_from_name(path)
    if isinstance(document, dict) and "contents" in document and "total_items" in document:
        document = document["contents"]  # a paged HSDS API response
    if isinstance(document, dict) and document and all(str(k).endswith(".csv") for k in document):
        read_tabular_json(document, batch, file)  # the tabular form as JSON (examples/tabular.json)
        return
    if isinstance(document, dict) and (
        "openapi" in document or ("properties" in document and document.get("type") == "object")
    ):
        batch.notes.append(f"{file}: a JSON Schema or OpenAPI document, not HSDS data; skipped")
        return
    if isinstance(document, dict) and "openapi_url" in document and "version" in document:
        batch.notes.append(
            f"{file}: an HSDS API root document (version, profile, openapi_url); no records in it"
        )
        return
    items = document if isinstance(document, list) else [document]
    for index, item in enumerate(items):
        where = f"{file}[{index}]" if isinstance(document, list) else file
        if not isinstance(item, dict):
            batch.problems.error(where, "", "", "expected an HSDS object")
            continue
        table = hint or infer_type(item)
        if table is None:
            batch.problems.error(
                where,
                item.get("id", ""),
                "",
                "cannot tell which HSDS object this is (service, organization, …)",
            )
            continue
        if table in SCHEMA_CHECKED:
            for problem in schema_problems(item, table):
                if problem.rule == "format:uuid":
                    continue  # non-UUID ids are accepted: they become uuid5 ids (see ids.py)
                batch.problems.error(where, item.get("id", ""), problem.path, problem.message)
        flatten(item, table, batch, where)


def read_tabular_json(document: dict, batch: Batch, file: str) -> None:
    names = csv_tables_31()
    for name, rows in document.items():
        table = names.get(name)
        if table is None:
            batch.problems.warning(file, "", name, "not an HSDS 3.1 table; skipped")
            continue
        if not isinstance(rows, list):
            batch.problems.error(file, "", name, "must be a list of rows")
            continue
        for row in rows:
            if isinstance(row, dict):
                batch.add(table, dict(row), f"{file} {name}")


# --- CSV --------------------------------------------------------------------------------------------------


def read_csv(path: Path, batch: Batch) -> list[dict] | None:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        batch.problems.error(str(path), "", "", f"not UTF-8 text: {exc}")
        return None
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        rows = []
        start = 2  # the line a record starts on (a quoted value may span lines); line 1 is the header
        for row in reader:
            if None in row:
                batch.problems.error(str(path), row.get("id", ""), "", "more values than columns", start)
                row.pop(None)
            values = {k.strip(): (v.strip() if isinstance(v, str) else v) for k, v in row.items() if k}
            values["_line"] = start  # Batch.add keeps it as the row's line
            rows.append(values)
            start = reader.line_num + 1
        return rows
    except csv.Error as exc:
        batch.problems.error(str(path), "", "", f"not valid CSV: {exc}")
        return None


def datapackage_paths(folder: Path, batch: Batch, root: Path) -> tuple[dict | None, dict[str, Path]]:
    """The folder's datapackage.json (if any) and the CSV paths its resources name, each checked to stay inside."""
    package_file = folder / "datapackage.json"
    if not package_file.exists():
        return None, {}
    try:
        package = json.loads(package_file.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        batch.problems.error(str(package_file), "", "", f"not valid JSON: {exc}")
        return None, {}
    paths = {}
    for resource in package.get("resources", []) if isinstance(package, dict) else []:
        rel = str(resource.get("path", ""))
        if not rel:
            continue
        candidate = folder / rel
        if ".." in Path(rel).parts or Path(rel).is_absolute():
            raise UnsafeInput(f"{package_file}: resource path {rel!r} leaves the folder; refused.")
        try:
            candidate.resolve().relative_to(root.resolve())
        except ValueError:
            raise UnsafeInput(f"{package_file}: resource path {rel!r} leaves the folder; refused.") from None
        paths[candidate.name] = candidate
    return package, paths


def is_legacy(package: dict | None, names: set[str]) -> bool:
    """HSDS 1.x/2.x: the datapackage says so, or the tables have the old names."""
    version = str((package or {}).get("version", ""))
    if version[:1] in ("1", "2"):
        return True
    if version[:1] == "3":
        return False
    return bool(names & legacy.LEGACY_ONLY_FILES) and not (names & {"schedules.csv", "addresses.csv"})


def read_csv_folder(folder: Path, csv_files: list[Path], batch: Batch, root: Path) -> None:
    package, _resource_paths = datapackage_paths(folder, batch, root)  # checks its paths stay inside
    files = {p.name: p for p in csv_files}
    if is_legacy(package, set(files)):
        tables = {}
        for name, path in files.items():
            rows = read_csv(path, batch)
            if rows is not None:
                tables[name] = (str(path), rows)
        legacy.read_legacy_tables(tables, batch)
        return
    names = csv_tables_31()
    for name, path in sorted(files.items()):
        table = names.get(name)
        if table is None:
            batch.problems.warning(str(path), "", "", "not an HSDS 3.1 table name; skipped")
            continue
        rows = read_csv(path, batch)
        for row in rows or []:
            batch.add(table, row, str(path))
    read_confidential_marker(package, folder, batch)


def read_confidential_marker(package: dict | None, folder: Path, batch: Batch) -> None:
    """A Meetpoint partner-internal package lists its confidential locations (the CSV columns cannot say it):
    they are imported confidential, with their public area."""
    marked = (package or {}).get(CONFIDENTIAL_MARKER)
    if not isinstance(marked, list):
        return
    file = str(folder / "datapackage.json")
    locations = batch.tables.get("location", {})
    for entry in marked:
        if not isinstance(entry, dict) or str(entry.get("id", "")) not in locations:
            continue
        values = {"id": str(entry["id"]), CONFIDENTIAL_FLAG: True}
        if entry.get("public_area"):
            values[PUBLIC_AREA_FIELD] = str(entry["public_area"])
        batch.add("location", values, file)
    batch.notes.append(
        f"{file}: a partner-internal export; its {len(marked)} confidential location(s) stay confidential"
    )


def read_path(path: Path, batch: Batch, max_bytes: int) -> None:
    """Read everything under `path` into the batch (raises UnsafeInput before reading anything unsafe)."""
    groups = gather(path, max_bytes)
    root = path if path.is_dir() else path.parent
    for folder, json_files, csv_files in groups:
        for json_file in json_files:
            if json_file.name == "datapackage.json":
                continue
            batch.files.append(str(json_file))
            read_json_document(json_file, batch)
        if csv_files:
            batch.files.extend(str(p) for p in csv_files)
            read_csv_folder(folder, csv_files, batch, root)
