"""The HSDS API honours every parameter the official OpenAPI document lists (taxonomy_id, minimal, full_service,
format=ndjson), answers a page far past the end with an empty page (never a 500), and allows cross-origin GETs
of the public directory, always as the public."""

import json
import uuid

import pytest

from meetpoint.directory.hsds.testing import HIDDEN_LAT, build_hsds_directory
from meetpoint.directory.hsds.validation import problems
from meetpoint.directory.models import TaxonomyTerm

API = "/api/v1/hsds"
LIST_ENDPOINTS = ("services", "organizations", "taxonomies", "taxonomy_terms", "service_at_locations")


@pytest.fixture
def hsds(world):
    return build_hsds_directory(world)


def ids(answer) -> set[str]:
    assert answer.status_code == 200, answer.content
    return {item["id"] for item in answer.json()["contents"]}


def test_taxonomy_id_narrows_services_organizations_and_links(world, hsds, client):
    taxonomy = str(TaxonomyTerm.objects.get(code="naloxone").taxonomy_id)
    both = {str(hsds.naloxone.pk), str(hsds.detox.pk)}
    assert ids(client.get(f"{API}/services", {"taxonomy_id": taxonomy})) == both
    unknown = str(uuid.uuid4())
    for endpoint in ("services", "organizations", "service_at_locations"):
        assert ids(client.get(f"{API}/{endpoint}", {"taxonomy_id": unknown})) == set()
    naloxone_term = str(TaxonomyTerm.objects.get(code="naloxone").pk)
    assert ids(
        client.get(f"{API}/services", {"taxonomy_id": taxonomy, "taxonomy_term_id": naloxone_term})
    ) == {str(hsds.naloxone.pk)}
    answer = client.get(f"{API}/services", {"taxonomy_id": "not-a-uuid"})
    assert answer.status_code == 400 and "taxonomy_id" in answer.json()["detail"]


def test_minimal_services_carry_only_id_and_last_modified(world, hsds, client):
    body = client.get(f"{API}/services", {"minimal": "true"}).json()
    assert body["contents"]
    for service in body["contents"]:
        assert set(service) == {"id", "name", "status", "last_modified"}
        assert service["last_modified"].endswith("Z")
        assert problems(service, "service") == []
    assert client.get(f"{API}/services", {"minimal": "true", "full": "true"}).status_code == 400


def test_an_organization_carries_its_services(world, hsds, client):
    home = world.home.organization
    detail = client.get(f"{API}/organizations/{home.pk}").json()
    assert [s["id"] for s in detail["services"]] == [str(hsds.naloxone.pk)]
    assert "service_at_locations" not in detail["services"][0]
    full = client.get(f"{API}/organizations/{home.pk}", {"full_service": "true"}).json()
    assert full["services"][0]["service_at_locations"]
    listed = client.get(f"{API}/organizations", {"full_service": "true", "search": home.name}).json()
    assert listed["contents"][0]["services"][0]["id"] == str(hsds.naloxone.pk)


def test_ndjson_streams_every_result_without_paging(world, hsds, client):
    for endpoint in LIST_ENDPOINTS:
        answer = client.get(f"{API}/{endpoint}", {"format": "ndjson", "per_page": 1})
        assert answer.status_code == 200
        assert answer["Content-Type"] == "application/x-ndjson"
        lines = [json.loads(line) for line in b"".join(answer.streaming_content).decode().splitlines()]
        paged = client.get(f"{API}/{endpoint}", {"per_page": 100}).json()
        assert {item["id"] for item in lines} == {item["id"] for item in paged["contents"]}
    answer = client.get(f"{API}/services", {"format": "xml"})
    assert answer.status_code == 400 and "format" in answer.json()["detail"]


@pytest.mark.parametrize("endpoint", LIST_ENDPOINTS)
def test_a_page_far_past_the_end_is_an_empty_page_not_a_server_error(world, hsds, client, endpoint):
    answer = client.get(f"{API}/{endpoint}", {"page": 9223372036854775807})
    assert answer.status_code == 200
    body = answer.json()
    assert body["contents"] == [] and body["last_page"] and body["page_number"] == 9223372036854775807


def test_the_public_directory_may_be_read_from_another_origin(world, hsds, client):
    answer = client.get(f"{API}/services", HTTP_ORIGIN="https://app.example.org")
    assert answer["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        f"{API}/services",
        HTTP_ORIGIN="https://app.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Methods"] == "GET"
    # no credentials and no Authorization header across origins: such an app only ever sees the public view
    assert "Access-Control-Allow-Headers" not in preflight
    assert "Access-Control-Allow-Credentials" not in preflight
    # the rest of the API is not opened
    assert "Access-Control-Allow-Origin" not in client.get("/api/v1/schema/", HTTP_ORIGIN="https://x.org")


@pytest.mark.parametrize("side", ["home", "outsider", "named partner"])
def test_the_ndjson_stream_keeps_the_confidential_rule(world, hsds, side):
    """The public gets the approximate area of a confidential site; the exact place is need-to-know: the site's
    own organization and the partners it names, not every signed-in member."""
    from meetpoint.directory import actions as directory

    public = b"".join(
        world.client().get(f"{API}/service_at_locations", {"format": "ndjson"}).streaming_content
    )
    assert str(HIDDEN_LAT).encode() not in public
    if side == "named partner":
        directory.name_exact_place_partner(world.home.admin, world.outsider.organization.pk)
    member = world.client((world.home if side == "home" else world.outsider).viewer)
    exact = b"".join(member.get(f"{API}/service_at_locations", {"format": "ndjson"}).streaming_content)
    assert (str(HIDDEN_LAT).encode() in exact) == (side != "outsider")
