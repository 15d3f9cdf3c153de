"""Near a ZIP code or a town: the public search takes a US ZIP code (centroids shipped by the zipcodes package)
or a town as the place to search near, says so when it does not know one, and the HSDS API's postcode stays an
exact filter."""

import pytest
from django.urls import reverse

from meetpoint.directory.near import place_for


@pytest.mark.django_db
def test_zip_codes_and_towns_have_centroids_and_unknown_ones_none():
    assert place_for("15201").label == "15201 (Pittsburgh, PA)"
    assert place_for("15201-1234").label == "15201 (Pittsburgh, PA)"
    assert place_for("Springfield, IL").label == "Springfield, IL"
    assert place_for("00000") is None and place_for("") is None


@pytest.mark.django_db
def test_a_zip_code_with_a_distance_is_a_place_to_search_near(world, directory):
    client = world.client()
    body = client.get(reverse("directory:search"), {"q": "naloxone", "postcode": "15201", "radius_km": "30"})
    text = body.content.decode()
    assert body.status_code == 200
    assert "Near 15201 (Pittsburgh, PA)" in text
    assert "Riverbend naloxone kits" in text and "km away" in text
    assert "Give a latitude and longitude" not in text


@pytest.mark.django_db
def test_a_town_of_the_directory_is_a_place_and_an_unknown_zip_says_so(world, directory):
    client = world.client()
    town = client.get(reverse("directory:search"), {"postcode": "Pittsburgh, PA", "radius_km": "30"})
    assert "Near Pittsburgh, PA" in town.content.decode()
    unknown = client.get(reverse("directory:search"), {"postcode": "00000", "radius_km": "5"})
    assert unknown.status_code == 200
    assert "We do not know the ZIP code or town “00000”." in unknown.content.decode()


@pytest.mark.django_db
def test_the_hsds_api_keeps_postcode_as_an_exact_filter(world, directory):
    answer = world.client().get("/api/v1/hsds/services", {"postcode": "00000"})
    assert answer.status_code == 200
    assert answer.json()["contents"] == []
