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
`partner=True` (--include-confidential) writes exact places, for partner-internal use only: every file is
created readable by its owner only (0600, the folders 0700), the folder holds CONFIDENTIAL.txt naming the
organizations whose sites it exposes, and the command logs the export in each of their audit logs.
"""

import csv
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from meetpoint.directory.hsds import serialize
from meetpoint.directory.hsds.batch import Batch
from meetpoint.directory.hsds.readers import CONFIDENTIAL_MARKER, NESTING, flatten
from meetpoint.directory.hsds.serialize import CONFIDENTIAL_FLAG, PUBLIC_AREA_FIELD
from meetpoint.directory.hsds.validation import HSDS_VERSION, problems, schema_documents
from meetpoint.directory.models import Location, Taxonomy, TaxonomyTerm
from meetpoint.directory.visibility import EveryPlace

CONFIDENTIAL_NOTICE = "CONFIDENTIAL.txt"


def _private_opener(path, flags):
    """Opens a file of the confidential export for its owner alone (0600), also when it already existed."""
    descriptor = os.open(path, flags, 0o600)
    os.fchmod(descriptor, 0o600)
    return descriptor


class ExportInvalid(Exception):
    def __init__(self, found: list[str]):
        super().__init__(f"{len(found)} schema problem(s)")
        self.found = found


@dataclass
class ExportResult:
    counts: dict[str, int]
    files: list[Path]
    exposed: list = field(default_factory=list)  # organizations whose confidential sites are written exactly
    left_out: list[str] = field(default_factory=list)  # records that fail the schemas, each named with why


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


def without_invalid(objects: dict[str, list[dict]]) -> tuple[dict[str, list[dict]], list[str]]:
    """The objects that pass the official schemas, and a line naming each one left out and why: one partner's
    malformed record never stops the region's export. A service of a left-out organization goes too."""
    kept: dict[str, list[dict]] = {}
    left_out: list[str] = []
    for name, items in objects.items():
        kept[name] = []
        for index, item in enumerate(items):
            found = [f"{p.path}: {p.message}" for p in problems(item, SCHEMA_OF[name])]
            if found:
                label = item.get("name") or item.get("code") or ""
                left_out.append(
                    f"left out {name}.json[{index}] {label!r} (id {item.get('id')}): {'; '.join(found)}"
                )
            else:
                kept[name].append(item)
    gone = {item.get("id") for item in objects.get("organizations", [])} - {
        item.get("id") for item in kept.get("organizations", [])
    }
    if gone and "services" in kept:
        orphans = [item for item in kept["services"] if item.get("organization_id") in gone]
        for item in orphans:
            left_out.append(
                f"left out services.json {item.get('name')!r} (id {item.get('id')}): its organization was left out"
            )
        kept["services"] = [item for item in kept["services"] if item not in orphans]
    return kept, left_out


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
    "CONFIDENTIAL — PARTNER-INTERNAL, do not publish: Meetpoint directory with exact confidential places"
    " (HSDS 3.1)"
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


def write_csv(objects: dict[str, list[dict]], folder: Path, *, private: bool = False) -> list[Path]:
    """Flatten the (already redacted) JSON objects into HSDS 3.1 tables, one CSV per table."""
    batch = Batch()
    for name, items in objects.items():
        for item in items:
            flatten(item, SCHEMA_OF[name], batch, name)
    _make_folder(folder, private)
    opener = _private_opener if private else None
    written = []
    for table in CSV_TABLES:
        path, columns = csv_columns(table)
        rows = batch.rows(table)
        with open(folder / path, "w", encoding="utf-8", newline="", opener=opener) as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            for row in sorted(rows, key=lambda r: r.raw_id):
                writer.writerow([_cell(row.values.get(c)) for c in columns])
        written.append(folder / path)
    confidential = None
    if private:
        confidential = [
            {"id": row.raw_id, "public_area": str(row.values.get(PUBLIC_AREA_FIELD) or "")}
            for row in sorted(batch.rows("location"), key=lambda r: r.raw_id)
            if row.values.get(CONFIDENTIAL_FLAG)
        ]
    package = datapackage(list(CSV_TABLES), confidential=confidential)
    _write(folder / "datapackage.json", json.dumps(package, indent=2) + "\n", private)
    written.append(folder / "datapackage.json")
    return written


def _make_folder(folder: Path, private: bool) -> None:
    folder.mkdir(mode=0o700 if private else 0o777, parents=True, exist_ok=True)
    if private:
        folder.chmod(0o700)


def _write(path: Path, text: str, private: bool) -> None:
    with open(path, "w", encoding="utf-8", opener=_private_opener if private else None) as handle:
        handle.write(text)


def export_directory(target: Path, *, partner: bool = False) -> ExportResult:
    """Write the export into `target` (created if absent). Raises ExportInvalid, writing nothing, if any object
    fails the official schemas."""
    membership = EveryPlace() if partner else None
    objects = build_objects(membership)
    dropped: list[str] = []
    for name, items in objects.items():
        for item in items:
            complete_required(item, SCHEMA_OF[name], dropped)
    objects, left_out = without_invalid(objects)
    if left_out and not any(objects.values()):
        raise ExportInvalid(left_out)
    exposed = list(exposed_organizations()) if partner else []
    _make_folder(target, partner)
    files = []
    if partner:
        notice = target / CONFIDENTIAL_NOTICE
        names = "\n".join(f"- {organization.name} ({organization.pk})" for organization in exposed)
        _write(
            notice,
            "CONFIDENTIAL: this export holds the exact addresses and points of confidential sites.\n"
            "Partner-internal use only; never publish it. Each organization below was told in its audit log.\n"
            f"{names}\n",
            True,
        )
        files.append(notice)
    for name, items in objects.items():
        path = target / f"{name}.json"
        _write(path, json.dumps(items, indent=2, ensure_ascii=False) + "\n", partner)
        files.append(path)
    files += write_csv(objects, target / "csv", private=partner)
    counts = {name: len(items) for name, items in objects.items()}
    counts["hsds_version"] = HSDS_VERSION
    counts["addresses_left_out"] = len(set(dropped))
    return ExportResult(counts, files, exposed, left_out)


def exposed_organizations():
    """The organizations that own a confidential site: a partner-internal export gives their places away."""
    from meetpoint.accounts.models import Organization

    owners = Location.objects.filter(is_confidential=True).values("organization_id")
    return Organization.objects.filter(pk__in=owners).order_by("name", "id")
