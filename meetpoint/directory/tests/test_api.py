import json

from meetpoint.directory.models import Schedule, Service
from meetpoint.directory.tests.conftest import CENTRE

LAT, LON = CENTRE
SEARCH = "/api/v1/directory/search"


def test_search_api_matches_the_page(world, directory):
    params = {"text": "naloxone", "lat": LAT, "lon": LON, "radius_km": 10}
    answer = world.client().get(SEARCH, params)
    assert answer.status_code == 200
    body = answer.json()
    assert body["total"] == 2 and body["page"] == 1
    assert [r["service"]["name"] for r in body["results"]] == [
        "Riverbend naloxone kits",
        "Lakeside ED naloxone",
    ]
    distances = [r["distance_km"] for r in body["results"]]
    assert distances == sorted(distances)
    page = (
        world.client().get("/", {"q": "naloxone", "lat": LAT, "lon": LON, "radius_km": 10}).content.decode()
    )
    assert page.index("Riverbend naloxone kits") < page.index("Lakeside ED naloxone")


def test_search_api_hides_confidential_places_from_the_public(world, directory, named_partner):
    params = {"taxonomy": "syringe-services", "lat": LAT, "lon": LON, "radius_km": 10}
    public = world.client().get(SEARCH, params).json()["results"][0]["location"]
    assert public["exact"] is False and public["address"] is None and public["area"] == "Near Elm Park"
    assert public["latitude"] != directory.confidential_site.latitude
    unnamed = world.client().get(SEARCH, params, headers=world.token(world.coalition.viewer)).json()
    assert unnamed["results"][0]["location"] == public
    partner = world.client().get(SEARCH, params, headers=world.token(named_partner.viewer)).json()
    place = partner["results"][0]["location"]
    assert place["exact"] is True and place["latitude"] == directory.confidential_site.latitude
    assert place["address"]["address_1"] == "100 Market St"


def test_search_api_refuses_bad_parameters(world, directory):
    client = world.client()
    for params, field in (
        ({"lat": 100, "lon": 0, "radius_km": 5}, "lat"),
        ({"lat": 40, "lon": 200, "radius_km": 5}, "lon"),
        ({"lat": 40, "lon": -80, "radius_km": 501}, "radius_km"),
        ({"taxonomy": "no-such-code"}, "taxonomy"),
    ):
        answer = client.get(SEARCH, params)
        assert answer.status_code == 400, params
        assert answer.json()["errors"][0]["field"] == field
    assert client.get(SEARCH, {"lat": "north"}).status_code == 400


def test_search_api_pages(world, directory):
    body = world.client().get(SEARCH, {"per_page": 3, "page": 2}).json()
    assert body["total"] == 4 and body["total_pages"] == 2 and len(body["results"]) == 1


def test_mobile_today_api(world, directory):
    from unittest import mock

    from meetpoint.directory.tests.conftest import NOW

    with mock.patch("django.utils.timezone.now", return_value=NOW):
        units = world.client().get("/api/v1/directory/mobile-today").json()
    assert [unit["name"] for unit in units] == ["Riverbend Van"]
    stops = units[0]["stops"]
    assert [stop["name"] for stop in stops] == ["Far Lot", "Near Lot"]
    assert [stop["open_now"] for stop in stops] == [True, False]
    assert units[0]["services"][0]["name"] == "Riverbend naloxone kits"


def _put(client, url, payload, headers=None):
    return client.put(url, json.dumps(payload), content_type="application/json", headers=headers or {})


def test_staff_updates_own_schedule_through_the_api(world, directory):
    stop = directory.stop_now
    payload = {"date": "2026-11-25", "opens_at": "10:00", "closes_at": "12:30", "stop_name": "Far Lot"}
    answer = _put(
        world.client(), f"/api/v1/directory/schedules/{stop.pk}", payload, world.token(world.home.staff)
    )
    assert answer.status_code == 200 and answer.json()["closes_at"] == "12:30:00"
    stop.refresh_from_db()
    assert stop.closes_at.strftime("%H:%M") == "12:30"


def test_schedule_writes_refuse_outsiders_readers_anonymous_and_bad_hours(world, directory):
    stop = directory.stop_now
    url = f"/api/v1/directory/schedules/{stop.pk}"
    payload = {"date": "2026-11-25", "opens_at": "06:00", "closes_at": "07:00"}
    client = world.client()
    assert _put(client, url, payload).status_code == 401
    assert _put(client, url, payload, world.token(world.outsider.admin)).status_code == 404
    assert _put(client, url, payload, world.token(world.home.analyst)).status_code == 403
    inverted = _put(
        client, url, payload | {"opens_at": "12:00", "closes_at": "11:00"}, world.token(world.home.staff)
    )
    assert inverted.status_code == 400 and inverted.json()["errors"][0]["field"] == "closes_at"
    overlap = _put(
        client, url, payload | {"opens_at": "12:00", "closes_at": "14:00"}, world.token(world.home.staff)
    )
    assert overlap.status_code == 400 and "overlap" in overlap.json()["errors"][0]["message"]
    stop.refresh_from_db()
    assert stop.opens_at.strftime("%H:%M") == "10:00"


def test_add_service_schedule_through_the_api(world, directory):
    url = f"/api/v1/directory/services/{directory.naloxone.pk}/schedules"
    body = {"weekday": 5, "opens_at": "10:00", "closes_at": "14:00"}
    client = world.client()
    answer = client.post(
        url, json.dumps(body), content_type="application/json", headers=world.token(world.home.admin)
    )
    assert answer.status_code == 201
    assert Schedule.objects.filter(service=directory.naloxone, weekday=5).count() == 1
    other = f"/api/v1/directory/services/{directory.hospital_naloxone.pk}/schedules"
    assert (
        client.post(
            other, json.dumps(body), content_type="application/json", headers=world.token(world.home.admin)
        ).status_code
        == 404
    )
    bad = body | {"stop_latitude": 99, "stop_longitude": 0}
    answer = client.post(
        url, json.dumps(bad), content_type="application/json", headers=world.token(world.home.admin)
    )
    assert answer.status_code == 400 and answer.json()["errors"][0]["field"] == "stop_latitude"


def test_patch_service_through_the_api(world, directory):
    url = f"/api/v1/directory/services/{directory.naloxone.pk}"
    client = world.client()
    headers = world.token(world.home.staff)
    bad = client.patch(
        url, json.dumps({"taxonomy_codes": ["nope"]}), content_type="application/json", headers=headers
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "taxonomy_codes"
    good = client.patch(
        url,
        json.dumps({"is_free": False, "name": "Naloxone kits"}),
        content_type="application/json",
        headers=headers,
    )
    assert good.status_code == 200 and good.json()["name"] == "Naloxone kits"
    service = Service.objects.get(pk=directory.naloxone.pk)
    assert not service.is_free and service.service_at_locations.count() == 2  # locations kept
    assert (
        client.patch(
            url, "{}", content_type="application/json", headers=world.token(world.outsider.staff)
        ).status_code
        == 404
    )


def test_openapi_document_describes_the_directory(world):
    schema = world.client().get("/api/v1/schema/").json()
    assert "/api/v1/directory/search" in schema["paths"]
    assert "/api/v1/directory/schedules/{schedule_id}" in schema["paths"]
