from datetime import time

import pytest

from meetpoint.directory import actions
from meetpoint.directory.search import SearchError, SearchQuery, search_services
from meetpoint.directory.tests.conftest import CENTRE, NOW, at, site, weekly

LAT, LON = CENTRE


def names(page) -> list[str]:
    return [hit.service.name for hit in page.hits]


def test_text_matches_name_description_organization_and_type(directory):
    assert names(search_services(SearchQuery(text="despensa"), now=NOW)) == ["Despensa Riverbend"]
    assert "Riverbend naloxone kits" in names(search_services(SearchQuery(text="nasal training"), now=NOW))
    assert set(names(search_services(SearchQuery(text="lakeside"), now=NOW))) == {"Lakeside ED naloxone"}
    # "overdose" is only in the taxonomy's name of naloxone distribution; Spanish names match too.
    assert set(names(search_services(SearchQuery(text="overdose"), now=NOW))) == {
        "Riverbend naloxone kits",
        "Lakeside ED naloxone",
    }
    assert "Lakeside ED naloxone" in names(search_services(SearchQuery(text="naloxona"), now=NOW))
    assert names(search_services(SearchQuery(text="naloxone bicycle"), now=NOW)) == []


def test_taxonomy_includes_children(directory):
    found = set(names(search_services(SearchQuery(taxonomy_codes=["harm-reduction"]), now=NOW)))
    assert found == {"Riverbend naloxone kits", "Riverbend syringe services", "Lakeside ED naloxone"}
    assert names(search_services(SearchQuery(taxonomy_codes=["social-services"]), now=NOW)) == [
        "Despensa Riverbend"
    ]


def test_unknown_taxonomy_and_bad_coordinates_are_refused(directory):
    with pytest.raises(SearchError) as problem:
        search_services(SearchQuery(taxonomy_codes=["unicorns"]))
    assert problem.value.field == "taxonomy"
    with pytest.raises(SearchError) as problem:
        search_services(SearchQuery(latitude=91, longitude=0, radius_km=5))
    assert problem.value.field == "lat"
    with pytest.raises(SearchError) as problem:
        search_services(SearchQuery(latitude=40, longitude=-80, radius_km=5000))
    assert problem.value.field == "radius_km"


def test_language_and_free_filters(directory):
    assert names(search_services(SearchQuery(language="es"), now=NOW)) == ["Despensa Riverbend"]
    assert "Despensa Riverbend" not in names(search_services(SearchQuery(free_only=True), now=NOW))
    assert "Riverbend naloxone kits" in names(search_services(SearchQuery(free_only=True), now=NOW))


def test_inactive_services_are_not_found(directory):
    directory.spanish_food.status = "inactive"
    directory.spanish_food.save()
    assert names(search_services(SearchQuery(text="despensa"), now=NOW)) == []


def test_open_now_follows_weekly_hours(directory):
    # Wednesday 10:30: the main street site (Mon-Fri 9-17) and the hospital are open.
    at_1030 = set(names(search_services(SearchQuery(open_now=True), now=NOW)))
    assert "Despensa Riverbend" in at_1030 and "Lakeside ED naloxone" in at_1030
    # Wednesday 18:00: main street closed, the confidential site (8-20) still open.
    evening = set(names(search_services(SearchQuery(open_now=True), now=at(18))))
    assert "Despensa Riverbend" not in evening
    assert "Riverbend syringe services" in evening
    # Saturday 10:30: main street is closed on weekends.
    assert "Despensa Riverbend" not in names(
        search_services(SearchQuery(open_now=True), now=at(10, 30, day=28))
    )


def test_open_now_reads_hours_in_the_schedules_time_zone(world, taxonomy):
    organization = world.home.organization
    pacific = site(organization, "West Coast Office", LAT, LON)
    weekly(pacific, [2], time(9), time(12), tz="America/Los_Angeles")
    actions.save_service(
        organization,
        actions.ServiceInput(
            name="Pacific hotline", taxonomy_codes=("naloxone",), location_ids=(str(pacific.pk),)
        ),
    )
    # 10:30 in New York is 07:30 in Los Angeles: not open yet; 13:30 New York is 10:30 there: open.
    assert names(search_services(SearchQuery(open_now=True), now=at(10, 30))) == []
    assert names(search_services(SearchQuery(open_now=True), now=at(13, 30))) == ["Pacific hotline"]


def test_mobile_unit_is_open_and_located_at_its_current_stop(directory):
    near = SearchQuery(taxonomy_codes=["naloxone"], latitude=LAT + 0.2, longitude=LON, radius_km=2)
    page = search_services(near, now=NOW)  # 10:30: the van stands at the far lot, 22 km north
    assert names(page) == ["Riverbend naloxone kits"]
    hit = page.hits[0]
    assert hit.location == directory.mobile_unit and hit.open_now and hit.stop.stop_name == "Far Lot"
    assert hit.distance_km < 0.1
    # 13:30: the van has moved to the near lot, so it is no longer near the far lot.
    assert names(search_services(near, now=at(13, 30))) == []
    open_now_at_night = SearchQuery(open_now=True, taxonomy_codes=["naloxone"])
    assert names(search_services(open_now_at_night, now=at(22))) == ["Lakeside ED naloxone"]


def test_radius_and_sorted_by_distance(directory):
    query = SearchQuery(taxonomy_codes=["harm-reduction"], latitude=LAT, longitude=LON, radius_km=10)
    page = search_services(query, directory.public_site.organization.memberships.first(), now=at(9, 5))
    distances = [hit.distance_km for hit in page.hits]
    assert distances == sorted(distances)
    assert names(page)[0] == "Riverbend naloxone kits"  # at the site 1.1 km away (the van is far)
    assert page.hits[0].location == directory.public_site
    assert abs(page.hits[0].distance_km - 1.11) < 0.02
    assert "Lakeside ED naloxone" in names(page)
    small = search_services(SearchQuery(latitude=LAT, longitude=LON, radius_km=2), now=at(9, 5))
    assert set(names(small)) == {"Riverbend naloxone kits", "Despensa Riverbend"}


def test_pagination(directory):
    first = search_services(SearchQuery(per_page=2, page=1), now=NOW)
    second = search_services(SearchQuery(per_page=2, page=2), now=NOW)
    assert first.total == second.total == 4 and first.total_pages == 2
    assert len(first.hits) == 2 and len(second.hits) == 2
    assert not set(names(first)) & set(names(second))
    spatial = [
        search_services(SearchQuery(latitude=LAT, longitude=LON, radius_km=50, per_page=3, page=n), now=NOW)
        for n in (1, 2)
    ]
    assert spatial[0].total == 4 and [len(p.hits) for p in spatial] == [3, 1]


def test_confidential_site_is_approximate_for_the_public_and_exact_for_members(
    world, directory, named_partner
):
    query = SearchQuery(text="syringe", latitude=LAT, longitude=LON, radius_km=10)
    public = search_services(query, None, now=NOW).hits[0]
    member = search_services(query, named_partner.viewer, now=NOW).hits[0]
    unnamed = search_services(query, world.coalition.viewer, now=NOW).hits[0]
    assert unnamed.place == public.place
    exact = directory.confidential_site
    assert not public.place.exact and public.place.area == "Near Elm Park"
    assert (public.place.latitude, public.place.longitude) != (exact.latitude, exact.longitude)
    assert member.place.exact and (member.place.latitude, member.place.longitude) == (
        exact.latitude,
        exact.longitude,
    )
    # The public's distance is measured from the approximate point, not the door.
    assert abs(member.distance_km - 3.85) < 0.05
    assert abs(public.distance_km - member.distance_km) > 0.2


def test_postcode_and_organization_filters(world, directory):
    assert names(search_services(SearchQuery(postcode="15299"), now=NOW)) == ["Lakeside ED naloxone"]
    own = search_services(SearchQuery(organization_id=str(world.outsider.organization.pk)), now=NOW)
    assert names(own) == ["Lakeside ED naloxone"]
