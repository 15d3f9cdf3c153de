"""`export_hsds`: the directory as HSDS 3.1 JSON (validated against the official schemas before anything is
written) and as the HSDS 3.1 tabular CSV form with its datapackage.json.

Layout of DIR:
    services.json            a JSON list of fully nested services (organization, service_at_locations →
                             location, phones, schedules, languages, service_areas, capacities, contacts,
                             cost_options, attributes)
    organizations.json       organizations with their phones, contacts and locations
    taxonomies.json          taxonomies
    taxonomy_terms.json      taxonomy terms
    csv/datapackage.json     the tabular data package (tables and columns as the official schemas name them)
    csv/<table>.csv          organizations.csv, services.csv, locations.csv, service_at_location.csv, …

Public by default: confidential locations are redacted exactly as the public sees them (directory.visibility).
`partner=True` (--include-confidential) writes exact places, for partner-internal use only.
"""

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from meetpoint.directory.hsds import serialize
from meetpoint.directory.hsds.batch import Batch
from meetpoint.directory.hsds.readers import CONFIDENTIAL_MARKER, NESTING, flatten
from meetpoint.directory.hsds.serialize import CONFIDENTIAL_FLAG, PUBLIC_AREA_FIELD
from meetpoint.directory.hsds.validation import HSDS_VERSION, problems, schema_documents
from meetpoint.directory.models import Taxonomy, TaxonomyTerm


class PartnerViewer:
    """Stands for "a signed-in partner member" when exporting exact places (directory.visibility asks only
    whether there is a member)."""

    role = "viewer"

    def __bool__(self) -> bool:
        return True


class ExportInvalid(Exception):
    def __init__(self, found: list[str]):
        super().__init__(f"{len(found)} schema problem(s)")
        self.found = found


@dataclass
class ExportResult:
    counts: dict[str, int]
    files: list[Path]


CSV_TABLES = (
    "organization",
    "service",
    "location",
    "service_at_location",
    "address",
    "phone",
    "contact",
    "language",
    "schedule",
    "service_area",
    "service_capacity",
    "unit",
    "cost_option",
    "attribute",
    "taxonomy",
    "taxonomy_term",
)


def build_objects(membership) -> dict[str, list[dict]]:
    organizations = serialize.organization_queryset().order_by("name", "id")
    return {
        "services": [
            serialize.service_object(s, membership)
            for s in serialize.service_queryset().order_by("name", "id")
        ],
        "organizations": [serialize.organization_object(o, membership) for o in organizations],
        "taxonomies": [serialize.taxonomy_object(t) for t in Taxonomy.objects.order_by("name", "id")],
        "taxonomy_terms": [
            serialize.taxonomy_term_object(t)
            for t in TaxonomyTerm.objects.select_related("taxonomy").order_by("code", "id")
        ],
    }


# HSDS 3.1 requires a description of organizations and taxonomies (and their terms); Meetpoint does not, and in
# Table Schema an empty cell is a missing value. The export says plainly that none was given.
NO_DESCRIPTION = "No description given."
DESCRIBED = {"organization", "taxonomy", "taxonomy_term"}
ADDRESS_REQUIRED = ("address_1", "city", "state_province", "postal_code", "country")


def complete_required(obj: dict, table: str, dropped: list[str]) -> dict:
    """The object with a stated missing description, and without addresses that lack what HSDS requires of
    an address (an address without a street or city locates nothing); `dropped` collects their ids."""
    if table in DESCRIBED and not obj.get("description"):
        obj["description"] = NO_DESCRIPTION
    for key, (child, _link) in NESTING.get(table, {}).items():
        nested = obj.get(key)
        if isinstance(nested, dict):
            complete_required(nested, child, dropped)
        elif isinstance(nested, list):
            if child == "address":
                kept = [a for a in nested if all(a.get(k) for k in ADDRESS_REQUIRED)]
                dropped.extend(str(a.get("id")) for a in nested if a not in kept)
                obj[key] = nested = kept
            for item in nested:
                if isinstance(item, dict):
                    complete_required(item, child, dropped)
    return obj


SCHEMA_OF = {
    "services": "service",
    "organizations": "organization",
    "taxonomies": "taxonomy",
    "taxonomy_terms": "taxonomy_term",
}


def validate(objects: dict[str, list[dict]]) -> list[str]:
    found = []
    for name, items in objects.items():
        for index, item in enumerate(items):
            for problem in problems(item, SCHEMA_OF[name]):
                found.append(f"{name}.json[{index}] (id {item.get('id')}): {problem.path}: {problem.message}")
    return found


def csv_columns(table: str) -> tuple[str, list[str]]:
    """(file name, scalar columns in the official order) for a 3.1 table."""
    document = next(d for d in schema_documents().values() if d.get("name") == table)
    columns = [
        name
        for name, prop in document["properties"].items()
        if prop.get("type") not in ("array", "object") and "$ref" not in prop
    ]
    return document["path"], columns


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# How the CSV files are written (Python's csv defaults), declared so that Table Schema readers need not guess.
CSV_DIALECT = {
    "delimiter": ",",
    "quoteChar": '"',
    "doubleQuote": True,
    "lineTerminator": "\r\n",
    "header": True,
}
PUBLIC_TITLE = "Meetpoint shared directory (HSDS 3.1)"
PARTNER_TITLE = (
    "PARTNER-INTERNAL, do not publish: Meetpoint directory with exact confidential places (HSDS 3.1)"
)
# A partner-internal package names its confidential locations under readers.CONFIDENTIAL_MARKER:
# import_hsds keeps them confidential.


def foreign_keys(columns: list[str], tables: list[str]) -> list[dict]:
    """As in the official datapackage: each `<table>_id` column refers to that table's id."""
    return [
        {"fields": column, "reference": {"resource": column.removesuffix("_id"), "fields": "id"}}
        for column in columns
        if column.endswith("_id") and column.removesuffix("_id") in tables and column != "id"
    ]


def datapackage(tables: list[str], *, confidential: list[dict] | None = None) -> dict:
    """The tabular data package. `confidential` (a partner-internal export): the confidential locations'
    ids and public areas, also put in the title."""
    resources = []
    for table in tables:
        document = next(d for d in schema_documents().values() if d.get("name") == table)
        path, columns = csv_columns(table)
        required = set(document.get("required", [])) | set(document.get("tabular_required", []))
        fields = []
        for column in columns:
            prop = document["properties"][column]
            spec = {"name": column, "type": prop.get("datapackage_type") or prop.get("type", "string")}
            if prop.get("format") in ("uuid", "email", "uri"):
                spec["format"] = prop["format"]
            spec["constraints"] = {"required": column in required, "unique": column == "id"}
            if prop.get("enum"):
                spec["constraints"]["enum"] = prop["enum"]
            fields.append(spec)
        resources.append(
            {
                "name": table,
                "path": path,
                "description": document.get("description", ""),
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "profile": "tabular-data-resource",
                "dialect": CSV_DIALECT,
                "schema": {"primaryKey": "id", "fields": fields}
                | ({"foreignKeys": keys} if (keys := foreign_keys(columns, tables)) else {}),
            }
        )
    marker = {} if confidential is None else {CONFIDENTIAL_MARKER: confidential}
    return {
        **marker,
        "name": "meetpoint_directory",
        "title": PUBLIC_TITLE if confidential is None else PARTNER_TITLE,
        "profile": "tabular-data-package",
        "version": "3.1.0",
        "license": {
            "type": "CC-BY-SA-4.0",
            "name": "Creative Commons Attribution-ShareAlike 4.0",
            "url": "https://creativecommons.org/licenses/by-sa/4.0/",
        },
        "resources": resources,
    }


def write_csv(objects: dict[str, list[dict]], folder: Path, *, partner: bool = False) -> list[Path]:
    """Flatten the (already redacted) JSON objects into HSDS 3.1 tables, one CSV per table."""
    batch = Batch()
    for name, items in objects.items():
        for item in items:
            flatten(item, SCHEMA_OF[name], batch, name)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table in CSV_TABLES:
        path, columns = csv_columns(table)
        rows = batch.rows(table)
        with open(folder / path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            for row in sorted(rows, key=lambda r: r.raw_id):
                writer.writerow([_cell(row.values.get(c)) for c in columns])
        written.append(folder / path)
    confidential = None
    if partner:
        confidential = [
            {"id": row.raw_id, "public_area": str(row.values.get(PUBLIC_AREA_FIELD) or "")}
            for row in sorted(batch.rows("location"), key=lambda r: r.raw_id)
            if row.values.get(CONFIDENTIAL_FLAG)
        ]
    package = datapackage(list(CSV_TABLES), confidential=confidential)
    (folder / "datapackage.json").write_text(json.dumps(package, indent=2) + "\n")
    written.append(folder / "datapackage.json")
    return written


def export_directory(target: Path, *, partner: bool = False) -> ExportResult:
    """Write the export into `target` (created if absent). Raises ExportInvalid, writing nothing, if any object
    fails the official schemas."""
    membership = PartnerViewer() if partner else None
    objects = build_objects(membership)
    dropped: list[str] = []
    for name, items in objects.items():
        for item in items:
            complete_required(item, SCHEMA_OF[name], dropped)
    found = validate(objects)
    if found:
        raise ExportInvalid(found)
    target.mkdir(parents=True, exist_ok=True)
    files = []
    for name, items in objects.items():
        path = target / f"{name}.json"
        path.write_text(json.dumps(items, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        files.append(path)
    files += write_csv(objects, target / "csv", partner=partner)
    counts = {name: len(items) for name, items in objects.items()}
    counts["hsds_version"] = HSDS_VERSION
    counts["addresses_left_out"] = len(set(dropped))
    return ExportResult(counts, files)
