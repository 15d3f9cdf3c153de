"""Fuzzing the JSON API with schemathesis, in CI: every operation of /api/v1/schema/, as the anonymous public and
as each role of the home organization, with a small, seeded number of generated requests. No answer may be a
server error, and every answer must pass every check schemathesis has (positive and negative data), with the
narrow exceptions named in SEMANTIC_RULES and LENIENT_BODIES below.

Bounds (docs/security-testing.md): FUZZ_EXAMPLES examples per operation and role (FUZZ_EXAMPLES_HEAVY for the
heavy operations), derandomized so CI sees the same requests every run, no shrinking, no example database.
Set MEETPOINT_FUZZ_EXAMPLES to explore more locally.
"""

from __future__ import annotations

import enum
import json
import os
import typing

import jsonschema
import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from pydantic import BaseModel
from schemathesis import GenerationMode
from schemathesis.checks import (
    negative_data_rejection,
    positive_data_acceptance,
)

from meetpoint.api import api

FUZZ_EXAMPLES = int(os.environ.get("MEETPOINT_FUZZ_EXAMPLES", "6"))
FUZZ_EXAMPLES_HEAVY = max(2, FUZZ_EXAMPLES // 3)
# Operations that run a whole report or FHIR bundle per request: fewer examples keep the suite bounded.
HEAVY = {
    "GET /api/v1/outcomes/report",
    "GET /api/v1/referrals/metrics",
    "POST /api/v1/outreach/sync",
    "GET /api/v1/needs/ranking",
}
ROLES = ("anonymous", "viewer", "analyst", "staff", "admin")
# The project's error answers (meetpoint/api.py): {"detail": "..."} and, for 400, the fields that are wrong.
GENERIC_ERRORS = {400, 401, 403, 404, 409}


@schemathesis.check
def documented_status_or_project_error(ctx, response, case):
    """A status the operation documents, or one of the project's generic error answers with its error body.

    Most operations do not yet document their 400/401/403/404/409 answers (finding F1 in
    docs/security-testing.md, checked strictly by test_every_operation_documents_its_error_answers); until
    they do, such an answer passes here only in the project's error shape, so a stray status still fails."""
    documented = set(case.operation.definition.raw.get("responses", {}))
    status = response.status_code
    if str(status) in documented or "default" in documented:
        return None
    assert status in GENERIC_ERRORS, f"Undocumented status code {status} (documented: {sorted(documented)})"
    try:
        body = json.loads(response.content)
    except ValueError:
        raise AssertionError(f"Undocumented status {status} without a JSON error body") from None
    assert isinstance(body, dict) and isinstance(body.get("detail"), str), (
        f"Undocumented status {status} whose body is not the project's error shape: {body!r:.200}"
    )
    return None


# Rules no OpenAPI schema can state: a request the schema allows but these rules refuse is a correct 400, so
# for these operations (and only these) the check that schema-valid data is accepted is not applied; every other
# check still runs on them. Each entry says which rule.
SEMANTIC_RULES: dict[str, str] = {
    "GET /api/v1/directory/search": "a radius needs a point (lat and lon together)",
    "GET /api/v1/hsds/services": "radius_km needs proximity; codes must name taxonomy terms",
    "GET /api/v1/hsds/service_at_locations": "radius_km needs proximity; codes must name taxonomy terms",
    "GET /api/v1/education/calendar": "end on or after start, at most 400 days later",
    "GET /api/v1/outreach/summary": "'to' on or after 'from'",
    "GET /api/v1/outcomes/report": "'to' on or after 'from'; sites and services of the organization",
    "GET /api/v1/inventory/balances": "item must be a code of the supply catalog (data, not schema)",
    "POST /api/v1/inventory/thresholds": "item must be a code of the supply catalog",
    "POST /api/v1/inventory/receipts": "item must be a code of the supply catalog",
    "POST /api/v1/inventory/adjustments": "item must be a code of the supply catalog",
    "POST /api/v1/inventory/transfers": "item must be a code of the supply catalog; source differs from destination",
    "POST /api/v1/education/events": "surveys must name survey files; ends after it starts",
    "POST /api/v1/education/invitations": "exactly one of event_id and take_back_id",
    "POST /api/v1/education/take-back": "partner_ids must name organizations",
    "POST /api/v1/outreach/encounters": "street outreach needs a site, a block group or a grid cell",
    "POST /api/v1/outreach/overdoses": "the place matching place_kind must be given",
    "POST /api/v1/policy/policies": "a title that is not only white space",
    "POST /api/v1/referrals/": "service_id must name a service; reason_category from the list",
    "POST /api/v1/screening/score": "instrument must name an instrument file, answers its items",
    "POST /api/v1/screening/screenings": "instrument must name an instrument file, answers its items",
    "GET /api/v1/hsds/organizations": "modified_after is an ISO 8601 date or date-time (either form)",
    "GET /api/v1/hsds/taxonomy_terms": "taxonomy_id and parent_id: a UUID or a term code",
    "GET /api/v1/inventory/movements": "item must be a code of the supply catalog",
    "GET /api/v1/referrals/": "state must be one of the referral states",
    "POST /api/v1/outcomes/agreements": "recipient must name an organization; indicators from the catalog",
    "GET /api/v1/needs/areas": "the period must have ended (relative to today)",
    "GET /api/v1/needs/ranking": "the period must have ended (relative to today)",
    "POST /api/v1/alerts/samples": "collected within the last year; a known site, block group or point; "
    "substances of the catalog (data, not schema)",
    "POST /api/v1/alerts/subscriptions": "an area the organization may see; an HTTPS webhook unless allowed",
}
# Bodies the code deliberately reads leniently: the check that schema-violating data is refused is not applied.
LENIENT_BODIES: dict[str, str] = {
    "POST /api/v1/referrals/notifications/read": "a null or empty body marks every notification read",
}

# Known findings: (operation, role or "*") -> reason. The case is xfail(strict=True) until it is fixed.
# F2-F4 (schema classes of different apps sharing a name) are fixed: each class now has an app-specific name.
FINDINGS: dict[tuple[str, str], str] = {}


def _raw_schema() -> dict:
    # Through JSON, as a client would read /api/v1/schema/ (plain types only).
    return json.loads(json.dumps(api.get_openapi_schema(), default=str))


RAW = _raw_schema()
OPERATIONS = sorted(f"{method.upper()} {path}" for path, item in RAW["paths"].items() for method in item)


@pytest.fixture(scope="module")
def fuzz_schema():
    schema = schemathesis.openapi.from_dict(RAW)
    schema.app = get_wsgi_application()
    # A NUL is refused at the edge with a 400 (docs/security.md): not schema-valid data for this API.
    schema.config.generation.update(allow_x00=False)
    schema.location = "/api/v1/schema/"
    # As Django's test client does: the WSGI handler would otherwise close the test's database connection at
    # the end of each request (it is inside the test's transaction), losing the home world on PostgreSQL.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schema
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _cases():
    for operation in OPERATIONS:
        for role in ROLES:
            reason = FINDINGS.get((operation, role)) or FINDINGS.get((operation, "*"))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            yield pytest.param(operation, role, id=f"{operation} [{role}]", marks=marks)


@pytest.mark.django_db
@pytest.mark.parametrize(("operation", "role"), list(_cases()))
def test_fuzzed_requests_get_documented_answers_and_never_a_server_error(
    home_world, fuzz_schema, operation, role
):
    method, path = operation.split(" ", 1)
    api_operation = fuzz_schema[path][method]
    headers = {} if role == "anonymous" else home_world.tokens[f"home.{role}"]
    examples = FUZZ_EXAMPLES_HEAVY if operation in HEAVY else FUZZ_EXAMPLES
    strategy = api_operation.as_strategy(GenerationMode.POSITIVE) | api_operation.as_strategy(
        GenerationMode.NEGATIVE
    )

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    @given(case=strategy)
    def fuzz(case):
        response = case.call(headers=headers)
        # Every check schemathesis has, with the project's own on top (SEMANTIC_RULES above: the one exception).
        case.validate_response(
            response,
            additional_checks=[documented_status_or_project_error],
            excluded_checks=[
                *([positive_data_acceptance] if operation in SEMANTIC_RULES else []),
                *([negative_data_rejection] if operation in LENIENT_BODIES else []),
            ],
            headers=headers,
        )

    fuzz()


def _missing_error_documentation() -> dict[str, list[int]]:
    missing = {}
    for path, item in RAW["paths"].items():
        for method, operation in item.items():
            documented = {int(code) for code in operation.get("responses", {}) if code.isdigit()}
            needed = set()
            if operation.get("security"):
                needed |= {401, 403}
            if "{" in path:
                needed.add(404)
            if operation.get("requestBody") or any(
                p["in"] == "query" for p in operation.get("parameters", [])
            ):
                needed.add(400)
            if needed - documented:
                missing[f"{method.upper()} {path}"] = sorted(needed - documented)
    return missing


def test_every_operation_documents_its_error_answers():
    """Clients generate code from /api/v1/schema/: every error an operation answers with must be in it."""
    missing = _missing_error_documentation()
    assert not missing, f"{len(missing)} operations answer errors they do not document: {missing}"


# ---- real answers, not only generated ones ---------------------------------------------------------------
# Generated ids rarely name an existing object, so the fuzzer mostly meets 404s. Here every API read of the
# authorization matrix is called as the home organization's own member on its real objects, and the body is
# validated against the documented schema of the status it answers with.

FINDINGS_REAL: dict[str, str] = {}


def _documented_schema(operation: str, status: int) -> dict | None:
    method, path = operation.split(" ", 1)
    responses = RAW["paths"][path][method.lower()].get("responses", {})
    response = responses.get(str(status)) or responses.get("default")
    if response is None:
        return None
    content = response.get("content", {}).get("application/json")
    return {**content["schema"], "components": RAW["components"]} if content else {}


def _real_cases():
    from meetpoint.tests.authorization_matrix import API

    for key, entry in API.items():
        if key.startswith("GET ") and entry.home_status is not None:
            marks = (
                [pytest.mark.xfail(strict=True, reason=FINDINGS_REAL[key])] if key in FINDINGS_REAL else []
            )
            yield pytest.param(key, id=key, marks=marks)


@pytest.mark.django_db
@pytest.mark.parametrize("key", list(_real_cases()))
def test_answers_on_real_objects_match_the_openapi_document(home_world, key):
    from meetpoint.tests.authorization_matrix import API
    from meetpoint.tests.test_authorization_matrix import _call

    entry = API[key]
    _, _, response = _call(
        home_world, key, entry, membership=None, token=home_world.tokens[f"home.{entry.home_role}"]
    )
    schema = _documented_schema(key, response.status_code)
    assert schema is not None, f"{key} answered {response.status_code}, which it does not document"
    if schema:
        errors = sorted(
            jsonschema.Draft202012Validator(schema).iter_errors(json.loads(response.content)),
            key=lambda error: list(error.absolute_path),
        )
        assert not errors, f"{key}: the body does not match its documented schema: " + "; ".join(
            f"{'/'.join(map(str, error.absolute_path))}: {error.message[:160]}" for error in errors[:5]
        )


def _models_of(annotation, found: set) -> None:
    if isinstance(annotation, type) and issubclass(annotation, (BaseModel, enum.Enum)):
        if annotation in found:
            return
        found.add(annotation)
        if issubclass(annotation, BaseModel):
            for model_field in annotation.model_fields.values():
                _models_of(model_field.annotation, found)
    for argument in typing.get_args(annotation):
        _models_of(argument, found)


def test_every_schema_name_in_the_openapi_document_means_one_class():
    """django-ninja names each component after its class: two classes with one name overwrite each other."""
    found: set = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in [*(operation.response_models or {}).values(), *(operation.models or [])]:
                    _models_of(model, found)
    by_name: dict[str, set[str]] = {}
    for cls in found:
        by_name.setdefault(cls.__name__, set()).add(f"{cls.__module__}.{cls.__qualname__}")
    clashes = {name: sorted(classes) for name, classes in by_name.items() if len(classes) > 1}
    assert not clashes, f"Component names used by more than one class: {clashes}"
