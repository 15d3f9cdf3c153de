"""Validation against the official HSDS 3.1 JSON Schemas vendored in schema/3.1/ (unchanged, CC BY-SA 4.0).

The schemas reference each other by relative file name ("phone.json"), so all of them are loaded into one
`referencing` registry under their file names."""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_DIR = Path(__file__).resolve().parent / "schema" / "3.1"
HSDS_VERSION = "3.1"

# The object types Meetpoint reads and writes, by schema file.
OBJECT_SCHEMAS = {
    "service": "service.json",
    "organization": "organization.json",
    "location": "location.json",
    "service_at_location": "service_at_location.json",
    "taxonomy": "taxonomy.json",
    "taxonomy_term": "taxonomy_term.json",
}


@dataclass(frozen=True)
class SchemaProblem:
    path: str  # the field, e.g. "service_at_locations[0].location.latitude"
    message: str
    rule: str = ""  # the JSON Schema keyword broken ("required", "type", "format:uuid" …)


@cache
def schema_documents() -> dict[str, dict]:
    return {
        path.name: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(SCHEMA_DIR.glob("*.json"))
        if path.name != "openapi.json"
    }


@cache
def registry() -> Registry:
    return Registry().with_resources(
        (name, Resource.from_contents(document, default_specification=DRAFT202012))
        for name, document in schema_documents().items()
    )


@cache
def validator(object_type: str) -> jsonschema.Draft202012Validator:
    schema = registry().contents(OBJECT_SCHEMAS.get(object_type, f"{object_type}.json"))
    return jsonschema.Draft202012Validator(
        schema, registry=registry(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def _path(parts) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def problems(obj, object_type: str) -> list[SchemaProblem]:
    """Every way `obj` breaks the official schema of `object_type` (empty when valid)."""
    found = []
    for error in validator(object_type).iter_errors(obj):
        path = _path(error.absolute_path)
        if error.validator == "required":
            missing = error.message.split("'")[1] if "'" in error.message else ""
            path = f"{path}.{missing}" if path else missing
        rule = str(error.validator)
        if rule == "format":
            rule = f"format:{error.validator_value}"
        found.append(SchemaProblem(path or "(object)", error.message, rule))
    return sorted(found, key=lambda p: p.path)
