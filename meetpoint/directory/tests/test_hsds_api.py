"""The HSDS API at /api/v1/hsds/: root, paged lists with the HSDS filters (alone and combined), details, 404s and
400s, and the confidential rule (the public sees the approximate area; signed-in partner members the place)."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from meetpoint.directory.hsds.testing import HIDDEN_LAT, HIDDEN_STREET, PUBLIC_AREA, build_hsds_directory
from meetpoint.directory.hsds.validation import problems
from meetpoint.directory.models import Service, TaxonomyTerm

API = "/api/v1/hsds"


@pytest.fixture
def hsds(world):
    return build_hsds_directory(world)


def ids(answer) -> set[str]:
    return {item["id"] for item in answer.json()["contents"]}


def term_id(code: str) -> str:
    return str(TaxonomyTerm.objects.get(code=code).pk)


@pytest.mark.django_db
def test_root_answers_version_profile_and_openapi_url(client):
    body = client.get(f"{API}/").json()
    assert body["version"] == "3.1"
    assert body["profile"].startswith("https://")
    assert body["openapi_url"].endswith("/api/v1/schema/")
    assert client.get("/api/v1/schema/").status_code == 200


def test_services_list_uses_the_hsds_paged_wrapper(world, hsds, client):
    first = client.get(f"{API}/services", {"per_page": 1})
    assert first.status_code == 200
    body = first.json()
    assert {
        k: body[k]
        for k in ("total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty")
    } == {
        "total_items": 2,
        "total_pages": 2,
        "page_number": 1,
        "size": 1,
        "first_page": True,
        "last_page": False,
        "empty": False,
    }
    second = client.get(f"{API}/services", {"per_page": 1, "page": 2}).json()
    assert second["last_page"] and not second["first_page"]
    assert ids(first) | {c["id"] for c in second["contents"]} == {str(hsds.naloxone.pk), str(hsds.detox.pk)}
    past_the_end = client.get(f"{API}/services", {"per_page": 1, "page": 9}).json()
    assert past_the_end["contents"] == [] and not past_the_end["empty"] and past_the_end["total_items"] == 2
    nothing = client.get(f"{API}/services", {"search": "no such thing anywhere"}).json()
    assert nothing["empty"] and nothing["total_items"] == 0 and nothing["contents"] == []


def test_each_services_filter_narrows_the_list(world, hsds, client):
    naloxone, detox = str(hsds.naloxone.pk), str(hsds.detox.pk)
    assert ids(client.get(f"{API}/services", {"search": "naloxone"})) == {naloxone}
    # a parent term includes its children (naloxone is under harm-reduction)
    assert ids(client.get(f"{API}/services", {"taxonomy_term_id": term_id("harm-reduction")})) == {naloxone}
    assert ids(client.get(f"{API}/services", {"organization_id": str(world.outsider.organization.pk)})) == {
        detox
    }
    future = (timezone.now() + timedelta(days=1)).isoformat()
    past = (timezone.now() - timedelta(days=1)).isoformat()
    assert ids(client.get(f"{API}/services", {"modified_after": future})) == set()
    assert ids(client.get(f"{API}/services", {"modified_after": past})) == {naloxone, detox}
    assert ids(client.get(f"{API}/services", {"proximity": "40.60,-80.30", "radius_km": 5})) == {detox}
    assert ids(client.get(f"{API}/services", {"postcode": "15222"})) == {detox}


def test_filters_combine_cumulatively(world, hsds, client):
    naloxone = str(hsds.naloxone.pk)
    both = {"taxonomy_term_id": term_id("naloxone"), "organization_id": str(world.outsider.organization.pk)}
    assert ids(client.get(f"{API}/services", both)) == set()
    near_home = {"search": "naloxone", "proximity": f"{HIDDEN_LAT},-79.9987", "radius_km": 3}
    assert ids(client.get(f"{API}/services", near_home)) == {naloxone}
    assert ids(client.get(f"{API}/services", {**near_home, "postcode": "15222"})) == set()


def test_full_services_validate_against_the_official_schema(world, hsds, client):
    body = client.get(f"{API}/services", {"full": "true"}).json()
    assert body["contents"] and all("service_at_locations" in s for s in body["contents"])
    for service in body["contents"]:
        assert problems(service, "service") == []


def test_anonymous_sees_a_confidential_site_only_as_its_area(world, hsds, client):
    body = client.get(f"{API}/services/{hsds.naloxone.pk}").json()
    assert problems(body, "service") == []
    site = next(
        s["location"]
        for s in body["service_at_locations"]
        if s["location"]["id"] == str(hsds.confidential_site.pk)
    )
    assert site["description"] == PUBLIC_AREA
    assert "addresses" not in site and "transportation" not in site
    assert site["latitude"] == round(HIDDEN_LAT, 2) and site["latitude"] != HIDDEN_LAT
    assert HIDDEN_STREET not in str(body)


@pytest.mark.parametrize("side", ["home", "outsider"])
def test_signed_in_partner_members_see_the_exact_site(world, hsds, side, named_partner):
    member = getattr(world, side).viewer
    for client, headers in ((world.client(member), {}), (world.client(), world.token(member))):
        body = client.get(f"{API}/services/{hsds.naloxone.pk}", headers=headers).json()
        site = next(
            s["location"]
            for s in body["service_at_locations"]
            if s["location"]["id"] == str(hsds.confidential_site.pk)
        )
        assert site["latitude"] == HIDDEN_LAT
        assert site["addresses"][0]["address_1"] == HIDDEN_STREET


def test_members_of_an_unnamed_organization_see_only_the_approximate_site(world, hsds):
    member = (
        world.outsider.viewer
    )  # e.g. a police viewer: signed in, but not named by the site's organization
    for client, headers in ((world.client(member), {}), (world.client(), world.token(member))):
        body = client.get(f"{API}/services/{hsds.naloxone.pk}", headers=headers).json()
        site = next(
            s["location"]
            for s in body["service_at_locations"]
            if s["location"]["id"] == str(hsds.confidential_site.pk)
        )
        assert site["latitude"] == round(HIDDEN_LAT, 2) and "addresses" not in site
        assert HIDDEN_STREET not in str(body) and "name" not in site


def test_a_bad_bearer_token_is_401_not_public_data(world, hsds, client):
    answer = client.get(f"{API}/services/{hsds.naloxone.pk}", headers={"Authorization": "Bearer nope"})
    assert answer.status_code == 401


def test_service_details_carry_schedules_stops_cost_and_terms(world, hsds, client):
    body = client.get(f"{API}/services/{hsds.naloxone.pk}").json()
    assert body["schedules"][0]["freq"] == "WEEKLY" and body["schedules"][0]["byday"] == "MO"
    assert body["schedules"][0]["opens_at"] == "09:00:00"
    van = next(
        s["location"] for s in body["service_at_locations"] if s["location"]["id"] == str(hsds.mobile_unit.pk)
    )
    stop = van["schedules"][0]
    assert stop["dtstart"] == stop["valid_from"] == stop["valid_to"] == "2026-12-02"
    assert stop["description"] == "Elm Park" and stop["timezone"] == -5
    assert body["cost_options"][0]["amount"] == 0
    assert body["attributes"][0]["taxonomy_term"]["code"] == "naloxone"
    assert body["languages"][0]["code"] == "es"


def test_unknown_and_malformed_ids_are_404(world, hsds, client):
    for kind in ("services", "organizations", "taxonomies", "taxonomy_terms", "service_at_locations"):
        unknown = client.get(f"{API}/{kind}/{uuid.uuid4()}")
        assert unknown.status_code == 404 and "No " in unknown.json()["detail"]
        malformed = client.get(f"{API}/{kind}/not-a-uuid")
        assert malformed.status_code == 404 and "UUID" in malformed.json()["detail"]


@pytest.mark.parametrize(
    ("params", "word"),
    [
        ({"page": 0}, "page"),
        ({"page": "two"}, "page"),
        ({"per_page": 0}, "per_page"),
        ({"per_page": 1000}, "per_page"),
        ({"proximity": "somewhere"}, "proximity"),
        ({"proximity": "95,10"}, "proximity"),
        ({"proximity": "40,-80", "radius_km": -1}, "radius_km"),
        ({"radius_km": 5}, "radius_km"),
        ({"taxonomy_term_id": "naloxone"}, "taxonomy_term_id"),
        ({"organization_id": "riverbend"}, "organization_id"),
        ({"modified_after": "last tuesday"}, "modified_after"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(world, hsds, client, params, word):
    answer = client.get(f"{API}/services", params)
    assert answer.status_code == 400
    assert word in str(answer.json())


def test_organizations_list_filters_and_details(world, hsds, client):
    body = client.get(f"{API}/organizations", {"search": "Lakeside"}).json()
    assert ids_of(body) == {str(world.outsider.organization.pk)}
    by_term = client.get(f"{API}/organizations", {"taxonomy_term_id": term_id("harm-reduction")}).json()
    assert ids_of(by_term) == {str(world.home.organization.pk)}
    assert client.get(f"{API}/organizations", {"per_page": 0}).status_code == 400
    detail = client.get(f"{API}/organizations/{world.home.organization.pk}").json()
    assert problems(detail, "organization") == []
    assert HIDDEN_STREET not in str(detail)
    member_view = (
        world.client(world.home.staff).get(f"{API}/organizations/{world.home.organization.pk}").json()
    )
    assert HIDDEN_STREET in str(member_view)


def ids_of(body) -> set[str]:
    return {item["id"] for item in body["contents"]}


def test_taxonomies_and_terms(world, hsds, client):
    taxonomies = client.get(f"{API}/taxonomies").json()
    assert taxonomies["total_items"] >= 1
    taxonomy = taxonomies["contents"][0]
    assert client.get(f"{API}/taxonomies/{taxonomy['id']}").json()["name"] == taxonomy["name"]
    children = client.get(
        f"{API}/taxonomy_terms", {"parent_id": term_id("harm-reduction"), "per_page": 100}
    ).json()
    codes = {t["code"] for t in children["contents"]}
    assert {"naloxone", "syringe-services", "fentanyl-test-strips"} <= codes
    top = client.get(f"{API}/taxonomy_terms", {"top_only": "true", "per_page": 100}).json()
    assert all("parent_id" not in t for t in top["contents"])
    term = client.get(f"{API}/taxonomy_terms/{term_id('naloxone')}").json()
    assert term["code"] == "naloxone" and problems(term, "taxonomy_term") == []
    assert client.get(f"{API}/taxonomy_terms", {"taxonomy_id": "x"}).status_code == 400


def test_service_at_locations_list_and_confidential_postcode(world, hsds, client, named_partner):
    body = client.get(f"{API}/service_at_locations").json()
    assert body["total_items"] == 3
    assert all(
        problems({k: v for k, v in s.items() if k != "service"}, "service_at_location") == []
        for s in body["contents"]
    )
    # the public cannot find a confidential site by its (secret) postcode; a member can
    assert client.get(f"{API}/service_at_locations", {"postcode": "15213"}).json()["total_items"] == 0
    member = world.client(named_partner.viewer)
    assert member.get(f"{API}/service_at_locations", {"postcode": "15213"}).json()["total_items"] == 1
    unnamed = world.client(world.coalition.viewer)
    assert unnamed.get(f"{API}/service_at_locations", {"postcode": "15213"}).json()["total_items"] == 0
    near = client.get(f"{API}/service_at_locations", {"proximity": "40.60,-80.30", "radius_km": 2}).json()
    assert ids_of(near) == {str(hsds.hospital_link.pk)}
    detail = client.get(f"{API}/service_at_locations/{hsds.confidential_link.pk}").json()
    assert detail["location"]["description"] == PUBLIC_AREA and detail["service"]["id"] == str(
        hsds.naloxone.pk
    )


def test_inactive_services_are_served_by_id_but_not_listed(world, hsds, client):
    Service.objects.filter(pk=hsds.detox.pk).update(status="inactive")
    assert str(hsds.detox.pk) not in ids(client.get(f"{API}/services"))
    assert client.get(f"{API}/services/{hsds.detox.pk}").json()["status"] == "inactive"


def test_the_openapi_document_describes_the_hsds_endpoints(client, db):
    document = client.get("/api/v1/schema/").json()
    for path in (
        "/api/v1/hsds/",
        "/api/v1/hsds/services",
        "/api/v1/hsds/services/{service_id}",
        "/api/v1/hsds/taxonomy_terms",
    ):
        assert path in document["paths"]
    names = set(document["components"]["schemas"])
    assert {"HsdsServicePage", "HsdsService", "HsdsLocation", "HsdsSchedule"} <= names
    assert "total_items" in document["components"]["schemas"]["HsdsServicePage"]["properties"]
