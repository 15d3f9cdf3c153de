"""The search index (search_index.py) follows every way the directory is written: the actions, plain ORM
updates and deletes that send no signals, bulk inserts, the HSDS import and the demo loader. A stale index
would make a type + place search miss a service or find one that moved away, so each test also searches."""

import uuid

import pytest
from django.db import connection

from meetpoint.demo.region import Region
from meetpoint.directory import actions, demo, search_index
from meetpoint.directory.hsds.importer import run_import
from meetpoint.directory.hsds.testing import shared_hsds
from meetpoint.directory.models import Location, Service, ServiceAtLocation, TaxonomyTerm
from meetpoint.directory.search import SearchQuery, search_services
from meetpoint.directory.taxonomy import term_id
from meetpoint.directory.tests.conftest import CENTRE, NOW

LAT, LON = CENTRE


def in_sync() -> list:
    found = search_index.entries()
    assert found == search_index.expected_entries()
    return found


def near(codes, lat=LAT, lon=LON, radius_km=10.0, **extra) -> list[str]:
    query = SearchQuery(taxonomy_codes=codes, latitude=lat, longitude=lon, radius_km=radius_km, **extra)
    return [hit.service.name for hit in search_services(query, now=NOW).hits]


def test_the_index_holds_one_entry_per_place_and_type_of_each_service(directory):
    found = in_sync()
    naloxone = term_id("naloxone")
    at_sites = {(row[2], row[3]) for row in found if row[1] == directory.naloxone.pk}
    assert at_sites == {(directory.public_site.pk, naloxone), (directory.mobile_unit.pk, naloxone)}


def test_moving_a_site_moves_its_services_in_search(directory):
    assert "Lakeside ED naloxone" in near(["naloxone"])
    far = actions.LocationInput(
        name="Lakeside Emergency",
        latitude=LAT + 1.0,
        longitude=LON,
        address_1="1 Lake Rd",
        city="Lakeside",
        state_province="PA",
        postal_code="15299",
    )
    actions.save_location(directory.hospital_site.organization, far, directory.hospital_site)
    in_sync()
    assert "Lakeside ED naloxone" not in near(["naloxone"])
    assert near(["naloxone"], lat=LAT + 1.0) == ["Lakeside ED naloxone"]
    # A plain queryset update (no save(), no signal) is followed as well.
    Location.objects.filter(pk=directory.hospital_site.pk).update(latitude=LAT - 0.05)
    in_sync()
    assert "Lakeside ED naloxone" in near(["naloxone"])


def test_changing_a_services_types_and_places_is_followed(directory):
    home = directory.naloxone.organization
    data = actions.ServiceInput(
        name="Riverbend naloxone kits",
        taxonomy_codes=("fentanyl-test-strips",),
        location_ids=(str(directory.confidential_site.pk),),
    )
    actions.save_service(home, data, directory.naloxone)
    in_sync()
    assert "Riverbend naloxone kits" not in near(["naloxone"])
    assert "Riverbend naloxone kits" in near(["fentanyl-test-strips"])
    assert "Riverbend naloxone kits" in near(["harm-reduction"])  # children of the type still count
    # Terms added and removed through the many-to-many manager, outside the actions.
    directory.naloxone.taxonomy_terms.add(TaxonomyTerm.objects.get(code="wound-care"))
    in_sync()
    assert "Riverbend naloxone kits" in near(["wound-care"])
    directory.naloxone.taxonomy_terms.clear()
    in_sync()
    assert "Riverbend naloxone kits" not in near(["harm-reduction"])


def test_deletes_and_bulk_inserts_are_followed(directory):
    directory.hospital_site.delete()  # cascades to its service-at-location links
    in_sync()
    assert "Lakeside ED naloxone" not in near(["naloxone"])
    ServiceAtLocation.objects.bulk_create(
        [ServiceAtLocation(service=directory.hospital_naloxone, location=directory.public_site)]
    )
    in_sync()
    assert "Lakeside ED naloxone" in near(["naloxone"])
    Service.objects.filter(pk=directory.hospital_naloxone.pk).delete()
    assert all(row[1] != directory.hospital_naloxone.pk for row in in_sync())
    ServiceAtLocation.objects.all().delete()
    assert in_sync() == []


def test_rebuild_restores_an_emptied_index(directory):
    expected = in_sync()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {search_index.TABLE}")  # noqa: S608
    assert search_index.entries() == []
    assert search_index.rebuild() == len(expected)
    assert in_sync() == expected


@pytest.mark.django_db
def test_the_hsds_import_and_a_reimport_keep_the_index_in_sync():
    run_import(shared_hsds() / "3.1/examples", partial=True)
    first = in_sync()
    assert first  # the examples place typed services at locations
    run_import(shared_hsds() / "3.1/examples", partial=True)
    assert in_sync() == first  # updated in place: nothing duplicated


@pytest.mark.django_db
def test_the_demo_region_is_indexed_and_found_by_type_near_a_point():
    region = Region()
    demo.load(region)
    assert in_sync()
    site = region.extra["ssp_site"]
    query = SearchQuery(
        taxonomy_codes=["syringe-services"], latitude=site.latitude, longitude=site.longitude, radius_km=5
    )
    services = {hit.service.organization_id for hit in search_services(query).hits}
    assert site.organization_id in services


def test_a_type_search_with_every_filter_matches_the_same_search_without_a_type(directory):
    """The indexed path (a type is given) and the plain path agree: same services, distances and badges."""
    for text in ("", "naloxone", "riverbend"):
        with_type = search_services(
            SearchQuery(
                text=text, taxonomy_codes=["harm-reduction"], latitude=LAT, longitude=LON, radius_km=30
            ),
            now=NOW,
        )
        plain = search_services(SearchQuery(text=text, latitude=LAT, longitude=LON, radius_km=30), now=NOW)
        harm_reduction = {term_id(code) for code in ("naloxone", "syringe-services", "harm-reduction")}
        expected = [
            (hit.service.pk, hit.location.pk if hit.location else None, hit.distance_km, hit.open_now)
            for hit in plain.hits
            if {term.pk for term in hit.service.taxonomy_terms.all()} & harm_reduction
        ]
        assert [
            (hit.service.pk, hit.location.pk if hit.location else None, hit.distance_km, hit.open_now)
            for hit in with_type.hits
        ] == expected
        assert all(isinstance(hit.service.pk, uuid.UUID) for hit in with_type.hits)
