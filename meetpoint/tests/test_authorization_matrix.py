"""The authorization matrix, checked: every route of Meetpoint, aimed at the home organization's objects by every
role of an unrelated organization and by the anonymous public, is refused or shows nothing it must not; the home
organization's own members do reach the same routes (so the matrix cannot pass by everything being broken);
and a route without an entry in authorization_matrix.py fails the suite."""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.forms.models import model_to_dict
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver

from meetpoint.accounts.actions import issue_token
from meetpoint.accounts.models import Organization
from meetpoint.api import api
from meetpoint.tests.authorization_matrix import (
    API,
    NOT_FOUND,
    OWN,
    PAGES,
    PUBLIC,
    SHARED,
    SIGN_IN,
    Entry,
    Lit,
)

OUTSIDERS = ("anonymous", "viewer", "analyst", "staff", "admin")
API_PREFIX = "api/v1/"
API_PAGES = {"api/v1/", "api/v1/schema/", "api/v1/docs/"}  # the API's own pages, not operations


# ---- enumeration ----------------------------------------------------------------------------------------


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def url_routes() -> set[str]:
    """Every URL pattern Django resolves, as its full route ("screening/<uuid:screening_id>/")."""
    return set(_walk(get_resolver().url_patterns))


def page_routes() -> set[str]:
    """The page routes the matrix must cover: all but the Django admin (checked apart) and API operations."""
    return {
        "/" + route
        for route in url_routes()
        if not route.startswith("admin/") and (not route.startswith(API_PREFIX) or route in API_PAGES)
    }


def api_operations() -> set[str]:
    """Every API operation, as "METHOD /api/v1/path/{param}" from the OpenAPI document."""
    schema = api.get_openapi_schema()
    return {f"{method.upper()} {path}" for path, item in schema["paths"].items() for method in item}


def _route_of(key: str) -> str:
    return key.split(" ", 1)[1]


def test_every_page_route_has_an_entry_in_the_matrix():
    missing = sorted(page_routes() - {_route_of(key) for key in PAGES})
    assert not missing, (
        "Routes without an entry in meetpoint/tests/authorization_matrix.py PAGES (add one per method, see "
        f"docs/security-testing.md): {missing}"
    )


def test_every_api_operation_has_an_entry_in_the_matrix():
    missing = sorted(api_operations() - set(API))
    assert not missing, (
        "API operations without an entry in meetpoint/tests/authorization_matrix.py API (see "
        f"docs/security-testing.md): {missing}"
    )


def test_the_matrix_names_no_route_that_is_gone():
    stale = sorted(
        {key for key in PAGES if _route_of(key) not in page_routes()} | (set(API) - api_operations())
    )
    assert not stale, f"Matrix entries for routes that no longer exist (remove them): {stale}"


def test_every_api_url_pattern_is_an_operation_of_the_openapi_document():
    """The API's Django patterns and its OpenAPI paths are the same set, so walking either misses nothing."""
    documented = {_route_of(key) for key in api_operations()}
    undocumented = sorted(
        "/" + route
        for route in url_routes()
        if route.startswith(API_PREFIX)
        and route not in API_PAGES
        and re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", "/" + route) not in documented
    )
    assert not undocumented, f"API routes missing from /api/v1/schema/: {undocumented}"


# ---- acting on the home world ----------------------------------------------------------------------------


def _value(hw, kind: str) -> str:
    world = hw.world
    special = {
        "home_org": lambda: str(world.home.organization.pk),
        "home_org_slug": lambda: world.home.organization.slug,
        "home_membership": lambda: str(world.home.staff.pk),
        "open_dataset_slug": lambda: hw["open_dataset"].slug,
        "encounter_uuid": lambda: str(hw["encounter"].client_uuid),
        "overdose_uuid": lambda: str(hw["overdose"].client_uuid),
    }
    if kind in special:
        return special[kind]()
    return str(hw[kind].pk)


def _path(hw, key: str, entry: Entry) -> str:
    route = _route_of(key)

    def fill(match):
        name = match.group(1) or match.group(2)
        param = entry.params.get(name)
        assert param is not None, f"{key}: the entry names no value for the path parameter {name!r}"
        return param.value if isinstance(param, Lit) else _value(hw, param)

    return re.sub(r"<(?:\w+:)?(\w+)>|\{(\w+)\}", fill, route)


def _body(hw, body):
    if isinstance(body, dict):
        return {key: _body(hw, value) for key, value in body.items()}
    if isinstance(body, list):
        return [_body(hw, value) for value in body]
    if isinstance(body, str) and body.startswith("@"):
        return _value(hw, body[1:])
    return body


def _call(hw, key: str, entry: Entry, membership=None, token: dict | None = None):
    method = key.split(" ", 1)[0]
    path = _path(hw, key, entry)
    body = _body(hw, entry.body) if entry.body is not None else None
    if key in API:
        client = hw.world.client()
        payload = json.dumps(body) if body is not None else None
        kwargs = {"content_type": "application/json"} if payload is not None else {}
        if entry.query:
            path += "?" + urlencode(entry.query)
        response = client.generic(method, path, payload or "", headers=token or {}, **kwargs)
    else:
        client = _page_client(hw, membership, fresh=key in FRESH_CLIENT)
        if entry.query:
            path += "?" + urlencode(entry.query)
        response = client.get(path) if method == "GET" else client.post(path, body or {})
    return path, body, response


FRESH_CLIENT = {
    "POST /account/sign-out/",
    "POST /account/switch/",
    "POST /account/sign-in/",
    "POST /i18n/setlang/",
}


def _page_client(hw, membership, *, fresh: bool):
    """A signed-in client per membership, made with the world (its session row outlives each test's savepoint)."""
    if fresh or membership is None:
        return hw.world.client(membership)
    return hw.clients[membership.pk]


def _text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def _leaks(hw, response, path: str, body, *, anonymous: bool) -> list[str]:
    """Names of the home organization's secrets found in the answer (ignoring what the caller itself sent)."""
    sent = path + json.dumps(body or {})
    text = _text(response)
    # The confidential site's exact place is for the home organization and the partners it names (none here):
    # signed in or not, no caller of this check may see it.
    watched = {**hw.secrets, **hw.partner_only}
    return [name for name, value in watched.items() if value not in sent and value in text]


def _digest_plan(hw) -> list[tuple[type[models.Model], dict[str, Q]]]:
    """Per project model, the row counts to watch: rows pointing at the home organization or a home object."""
    targets: dict[type, set] = {Organization: {hw.world.home.organization.pk}}
    for obj in hw.objects.values():
        if isinstance(obj, models.Model):
            targets.setdefault(type(obj), set()).add(obj.pk)
    plan = []
    for model in apps.get_models(include_auto_created=True):  # with many-to-many tables (co-hosts, partners)
        if not model._meta.app_config.name.startswith("meetpoint."):
            continue
        watched = {
            f"{model.__name__}.{field.name}": Q(**{f"{field.attname}__in": targets[field.related_model]})
            for field in model._meta.concrete_fields
            if field.is_relation and field.related_model in targets
        }
        if watched:
            plan.append((model, watched))
    return plan


def home_digest(hw) -> dict:
    """What a refused write must not change: each home object's fields, and how many rows point at the home
    organization or at any home object (so a row added under another organization's name is seen too)."""
    if not hasattr(hw, "digest_plan"):
        hw.digest_plan = _digest_plan(hw)
    snapshot = {}
    for kind, obj in hw.objects.items():
        if isinstance(obj, models.Model):
            fresh = type(obj)._base_manager.filter(pk=obj.pk).first()
            snapshot[kind] = repr(model_to_dict(fresh)) if fresh is not None else None
    counts = {}
    for model, watched in hw.digest_plan:
        aliases = {f"n{index}": name for index, name in enumerate(watched)}
        found = model._base_manager.aggregate(
            **{alias: Count("pk", filter=watched[name]) for alias, name in aliases.items()}
        )
        counts.update({name: found[alias] for alias, name in aliases.items()})
    return {"objects": snapshot, "rows": counts}


def _untouched_digest(hw) -> dict:
    """The digest of the world as built (every test starts from it again: its writes are rolled back)."""
    if not hasattr(hw, "untouched"):
        hw.untouched = home_digest(hw)
    return hw.untouched


def _digest_changes(before: dict, after: dict) -> list[str]:
    changed = [kind for kind in before["objects"] if before["objects"][kind] != after["objects"][kind]]
    changed += [name for name in before["rows"] if before["rows"][name] != after["rows"][name]]
    return changed


def _signed_in_redirect(response) -> bool:
    login = resolve_url(settings.LOGIN_URL)
    return response.status_code == 302 and response["Location"].split("?")[0] == login


def _expectation(key: str, entry: Entry, role: str) -> str:
    """A readable statement of what `role` of the outsider (or the anonymous) must get."""
    is_api = key in API
    if role == "anonymous":
        if entry.access == PUBLIC:
            return f"status in {sorted(entry.ok)}"
        rule = SIGN_IN if entry.access not in (SHARED, OWN) else entry.anonymous
        if rule == SIGN_IN:
            return "401" if is_api else "redirect to sign-in"
        if rule == NOT_FOUND:
            return "404"
        return f"status in {sorted(entry.ok)}"
    if entry.access == PUBLIC:
        return f"status in {sorted(entry.ok)}"
    if entry.access == OWN:
        if role not in entry.roles or entry.refused == frozenset({403, 404}):
            return "403 or 404"
        return "404"
    return f"status in {sorted(entry.ok)}" if role in entry.roles else "403"


def _meets(response, expectation: str) -> bool:
    status = response.status_code
    if expectation == "redirect to sign-in":
        return _signed_in_redirect(response)
    if expectation == "403 or 404":
        return status in (403, 404)
    if expectation.startswith("status in "):
        return status in json.loads(expectation[len("status in ") :])
    return str(status) == expectation


def _cases():
    for key, entry in {**PAGES, **API}.items():
        for role in OUTSIDERS:
            marks = []
            if entry.xfail and (entry.xfail_roles is None or role in entry.xfail_roles):
                marks.append(pytest.mark.xfail(strict=True, reason=entry.xfail))
            yield pytest.param(key, role, id=f"{key} [{role}]", marks=marks)


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "role"), list(_cases()))
def test_an_unrelated_organization_is_refused_or_shown_nothing_of_the_home_organization(
    home_world, key, role
):
    hw = home_world
    entry = {**PAGES, **API}[key]
    method = key.split(" ", 1)[0]
    writes = method != "GET"
    anonymous = role == "anonymous"
    membership = None if anonymous else hw.world.outsider.members[role]
    token = None if anonymous else hw.tokens[f"outsider.{role}"]
    before = _untouched_digest(hw) if writes and entry.access != PUBLIC and not entry.touches_home else None

    path, body, response = _call(hw, key, entry, membership=membership, token=token)

    expectation = _expectation(key, entry, role)
    assert _meets(response, expectation), (
        f"{method} {path} as the outsider's {role}: expected {expectation}, got {response.status_code} "
        f"{_text(response)[:300]!r}"
    )
    assert response.status_code < 500
    leaks = _leaks(hw, response, path, body, anonymous=anonymous)
    assert not leaks, f"{method} {path} as the outsider's {role} shows the home organization's {leaks}"
    if before is not None:
        changed = _digest_changes(before, home_digest(hw))
        assert not changed, (
            f"{method} {path} as the outsider's {role} changed the home organization's {changed}"
        )


def _home_cases():
    for key, entry in {**PAGES, **API}.items():
        if key.startswith("GET ") and entry.home_status is not None:
            yield pytest.param(key, id=key)


@pytest.mark.django_db
@pytest.mark.parametrize("key", list(_home_cases()))
def test_the_home_organization_reaches_its_own_objects(home_world, key):
    """The positive control: the same route, as the home organization's own member, answers."""
    hw = home_world
    entry = {**PAGES, **API}[key]
    membership = hw.world.home.members[entry.home_role]
    path, _, response = _call(
        hw, key, entry, membership=membership, token=hw.tokens[f"home.{entry.home_role}"]
    )
    assert response.status_code == entry.home_status, (
        f"{path} as the home organization's {entry.home_role}: {response.status_code} {_text(response)[:300]!r}"
    )


def _admin_routes():
    return sorted(route for route in url_routes() if route.startswith("admin/"))


@pytest.mark.django_db
@pytest.mark.parametrize("role", OUTSIDERS)
def test_the_django_admin_turns_away_every_organization_member(home_world, role):
    """The admin site is for site operators (is_staff) only: every admin URL sends members and the anonymous
    to the admin's sign-in page, whatever object it names."""
    hw = home_world
    membership = None if role == "anonymous" else hw.world.outsider.members[role]
    client = hw.world.client(membership)
    home_object = str(hw["service"].pk)
    wrong = []
    for route in _admin_routes():
        if route in ("admin/login/", "admin/logout/"):
            continue  # the admin's own sign-in and sign-out pages
        path = "/" + re.sub(r"<(?:\w+:)?\w+>", home_object, route).replace("^", "").replace("$", "")
        if "(?P<" in path or "\\" in path:
            path = "/admin/"
        response = client.get(path)
        if (
            not (response.status_code == 302 and "/admin/login/" in response["Location"])
            and response.status_code != 404
        ):
            wrong.append(f"{path}: {response.status_code}")
    assert not wrong, f"admin pages answering the outsider's {role}: {wrong}"


SIGHTINGS = [
    # (who, route, secret names it must show): the markers are what the app really renders, so their absence
    # from an outsider's answer means something.
    ("home.staff", "/api/v1/referrals/{referral}", ["referral reason", "referral contact"]),
    ("home.staff", "/api/v1/screening/screenings/{screening}", ["screening id"]),
    (
        "home.staff",
        "/api/v1/education/events/{event}/registrations",
        ["registrant name", "registrant contact"],
    ),
    ("home.staff", "/api/v1/inventory/balances", ["stock lot number"]),
    ("home.admin", "/api/v1/outcomes/agreements/{agreement}", ["agreement id"]),
    ("home.admin", "/account/audit/?format=csv", ["screening id"]),
    (
        "home.viewer",
        "/api/v1/hsds/services/{service}",
        ["confidential latitude", "confidential longitude"],
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "route", "names"), SIGHTINGS, ids=[f"{w} {r}" for w, r, _ in SIGHTINGS])
def test_the_watched_secrets_are_what_the_app_shows_to_those_entitled(home_world, who, route, names):
    hw = home_world
    path = re.sub(r"\{(\w+)\}", lambda m: _value(hw, m.group(1)), route)
    side, role = who.split(".")
    if path.startswith("/api/"):
        response = hw.world.client().get(path, headers=hw.tokens[who])
    else:
        response = hw.clients[getattr(hw.world, side).members[role].pk].get(path)
    assert response.status_code == 200, f"{path}: {response.status_code}"
    watched = {**hw.secrets, **hw.partner_only}
    missing = [name for name in names if watched[name] not in _text(response)]
    assert not missing, f"{path} as {who} does not show {missing}: the marker does not match what is rendered"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route", ["/education/events/{public_event}/", "/api/v1/education/events/{public_event}"]
)
def test_a_public_event_shows_the_anonymous_neither_registrants_nor_private_places(home_world, route):
    """The matrix aims event routes at the partners-only training; the public event (with a person registered
    on its page) is shown to everyone, and must show them nobody's name or contact."""
    hw = home_world
    path = re.sub(r"\{(\w+)\}", lambda m: _value(hw, m.group(1)), route)
    response = hw.world.client().get(path)
    assert response.status_code == 200
    assert not _leaks(hw, response, path, None, anonymous=True)


# Organizations related to the home one see what the relation gives them, and nothing else: the referral's
# receiver sees that referral, the coalition (recipient of the sharing agreement) sees the agreement and the
# packages delivered to it. Every other home object is a 404 to them, as to a stranger.
RELATED_ALLOWED = {
    "receiver": {
        "GET /referrals/<uuid:referral_id>/",
        "GET /api/v1/referrals/{referral_id}",
        "GET /api/v1/referrals/{referral_id}/fhir",
    },
    "coalition": {
        "GET /outcomes/agreements/<str:agreement_id>/",
        "GET /api/v1/outcomes/agreements/{agreement_id}",
        "GET /outcomes/packages/<str:package_id>/",
        "GET /outcomes/packages/<str:package_id>/download.<str:kind>",
        "GET /api/v1/outcomes/packages/{package_id}",
    },
}


# Routes under an object the related organization may see, refused with 403 (nothing new is disclosed).
RELATED_FORBIDDEN = {
    "GET /referrals/<uuid:referral_id>/consent/",  # the sender records consent, not the receiver
    "GET /api/v1/education/events/{event_id}/registrations",  # partners see the event, not who registered
}


def _related_cases():
    for side in RELATED_ALLOWED:
        for key, entry in {**PAGES, **API}.items():
            if key.startswith("GET ") and entry.access == OWN:
                yield pytest.param(side, key, id=f"{side} {key}")


@pytest.mark.django_db
@pytest.mark.parametrize(("side", "key"), list(_related_cases()))
def test_a_related_organization_reaches_only_what_the_relation_gives_it(home_world, side, key):
    hw = home_world
    entry = {**PAGES, **API}[key]
    members = hw["receiver_side"].members if side == "receiver" else hw.world.coalition.members
    role = entry.home_role
    membership = members[role]
    token = {"Authorization": f"Bearer {issue_token(membership, 'matrix')}"} if key in API else None
    client = hw.world.client(membership)
    path = _path(hw, key, entry)
    response = client.get(path, headers=token or {})
    if key in RELATED_ALLOWED[side]:
        assert response.status_code == 200, f"{path} as the {side}'s {role}: {response.status_code}"
    else:
        refused = {403, 404} if key in RELATED_FORBIDDEN else {404}
        assert response.status_code in refused, f"{path} as the {side}'s {role}: {response.status_code}"
        assert not _leaks(hw, response, path, None, anonymous=False)
