"""Schemathesis against the HSDS API with Open Referral's own OpenAPI document (the vendored
hsds/schema/3.1/openapi.json), not the one Meetpoint generates: every GET operation it lists, with generated
parameters, must never be a server error and must answer what that document says (status, content type, body
against the official HSDS 3.1 schemas).

The official document points its `$ref`s at the 3.0 schemas on the web (`.../3.0/schema/compiled/service.json`);
here they point at the vendored 3.1 schemas, put under components/schemas. One correction: it describes
`/service_at_locations/{id}` with the service schema although its text says "fully nested service_at_location";
the service_at_location schema is used. Meetpoint serves the GET operations only (the document's POST variants
of the list endpoints are the same searches and are answered 405)."""

import copy
import json
import os
import re

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance

from meetpoint.directory.hsds.testing import build_hsds_directory
from meetpoint.directory.hsds.validation import SCHEMA_DIR, schema_documents

PREFIX = "/api/v1/hsds"
EXAMPLES = int(os.environ.get("MEETPOINT_FUZZ_EXAMPLES", "8"))
REMOTE = re.compile(
    r"^https://raw\.githubusercontent\.com/openreferral/specification/[^/]+/schema/(?:compiled/)?"
)
CORRECTIONS = {"/service_at_locations/{id}": "service_at_location"}
CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]


def _local(node, target_of):
    """Point every $ref at components/schemas: remote 3.0 URLs and the schemas' relative file names."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and not value.startswith("#"):
                out[key] = f"#/components/schemas/{target_of(value)}"
            else:
                out[key] = _local(value, target_of)
        return out
    if isinstance(node, list):
        return [_local(item, target_of) for item in node]
    return node


def _name(ref: str) -> str:
    name = REMOTE.sub("", ref).removesuffix(".json")
    return name.removesuffix("_list")  # the list variants are the objects' one-to-one fields


def official_document() -> dict:
    document = copy.deepcopy(json.loads((SCHEMA_DIR / "openapi.json").read_text(encoding="utf-8")))
    for path, name in CORRECTIONS.items():
        document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"] = {
            "$ref": f"{name}.json"
        }
    paths = {}
    for path, item in document["paths"].items():
        item = {k: v for k, v in item.items() if k in ("get", "parameters")}
        paths[PREFIX + path] = item
    document["paths"] = paths
    document = _local(document, _name)
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for file_name, schema in schema_documents().items():
        schema = {k: v for k, v in schema.items() if k not in ("$schema", "$id")}
        schemas[file_name.removesuffix(".json")] = _local(schema, _name)
    return document


OFFICIAL = official_document()
OPERATIONS = sorted(path for path in OFFICIAL["paths"])


@pytest.fixture(scope="module")
def official_schema():
    schema = schemathesis.openapi.from_dict(OFFICIAL)
    schema.app = get_wsgi_application()
    # As Django's test client does: keep the test's database connection across requests (PostgreSQL).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schema
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def test_every_ref_points_at_a_vendored_schema():
    refs = set(re.findall(r'"\$ref": "([^"]+)"', json.dumps(OFFICIAL)))
    schemas = OFFICIAL["components"]["schemas"]
    for ref in refs:
        assert ref.startswith("#/components/"), ref
        kind, name = ref.split("/")[2:4]
        assert name in OFFICIAL["components"][kind], ref
    assert {"service", "organization", "service_at_location", "taxonomy", "taxonomy_term", "Page"} <= set(
        schemas
    )


@pytest.mark.django_db
@pytest.mark.parametrize("path", OPERATIONS)
def test_the_api_answers_what_the_official_openapi_document_says(world, official_schema, path):
    build_hsds_directory(world)
    operation = official_schema[path]["GET"]

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    @given(case=operation.as_strategy())
    def fuzz(case):
        response = case.call()
        case.validate_response(response, checks=CHECKS)

    fuzz()
