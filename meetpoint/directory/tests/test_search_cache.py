"""Remembered search answers: a person never sees an answer the directory no longer gives, nor one meant for
another kind of viewer."""

from datetime import time, timedelta

import pytest
from django.db import connection, transaction
from django.test import override_settings

from meetpoint.directory import actions, search_cache
from meetpoint.directory.models import Language, Schedule, Service, TaxonomyTerm
from meetpoint.directory.search import SearchQuery, search_services
from meetpoint.directory.tests.conftest import CENTRE, NOW, at

LAT, LON = CENTRE
NEAR = SearchQuery(latitude=LAT, longitude=LON, radius_km=10)


def names(page) -> list[str]:
    return [hit.service.name for hit in page.hits]


@pytest.fixture(autouse=True)
def _empty_store():
    search_cache.forget_all()
    yield
    search_cache.forget_all()


def test_the_same_search_is_answered_from_memory(directory):
    first = search_services(NEAR, now=NOW)
    hits_before = search_cache.answers.hits
    again = search_services(NEAR, now=NOW + timedelta(seconds=40))  # nothing opens or closes in between
    assert search_cache.answers.hits == hits_before + 1
    assert names(again) == names(first) and again.total == first.total


def _rename_organization(d):
    organization = d.naloxone.organization
    organization.name = "Zebra Outreach Collective"
    organization.save()


def _add_language(d):
    Language.objects.create(service=d.hospital_naloxone, code="vi", name="Vietnamese")


def _untag(d):
    d.hospital_naloxone.taxonomy_terms.clear()


def _rename_term(d):
    TaxonomyTerm.objects.filter(code="naloxone").update(name="Opioid reversal kits")


# Each change to a table that search reads, and a query whose answer it changes.
CHANGES = {
    "service renamed": (
        lambda d: Service.objects.filter(pk=d.hospital_naloxone.pk).update(name="Lakeside ED kits"),
        SearchQuery(text="kits"),
    ),
    "service made inactive": (
        lambda d: Service.objects.filter(pk=d.hospital_naloxone.pk).update(status="inactive"),
        SearchQuery(text="lakeside"),
    ),
    "organization renamed": (_rename_organization, SearchQuery(text="zebra")),
    "language added": (_add_language, SearchQuery(language="vi")),
    "service types removed": (_untag, SearchQuery(taxonomy_codes=["naloxone"])),
    "taxonomy term renamed": (_rename_term, SearchQuery(text="reversal")),
    "site moved": (
        lambda d: actions.save_location(
            d.hospital_site.organization,
            actions.LocationInput(name=d.hospital_site.name, latitude=LAT + 3, longitude=LON),
            location=d.hospital_site,
        ),
        NEAR,
    ),
    "postcode changed": (
        lambda d: d.public_site.addresses.update(postal_code="15999"),
        SearchQuery(postcode="15999"),
    ),
    "opening hours removed": (
        lambda d: Schedule.objects.filter(location=d.hospital_site).delete(),
        SearchQuery(open_now=True),
    ),
    "service no longer offered at a site": (
        lambda d: d.hospital_naloxone.service_at_locations.all().delete(),
        SearchQuery(latitude=LAT, longitude=LON, radius_km=10, text="lakeside"),
    ),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_every_change_to_what_search_reads_gives_a_fresh_answer(directory, change):
    write, query = CHANGES[change]
    before = search_services(query, now=NOW)
    search_services(query, now=NOW)  # now remembered
    write(directory)
    after = search_services(query, now=NOW)
    # The answer is what a search with nothing remembered gives, and it differs from the old one.
    search_cache.forget_all()
    fresh = search_services(query, now=NOW)
    assert (names(after), after.total) == (names(fresh), fresh.total)
    assert (names(after), after.total) != (names(before), before.total)


def test_a_change_rolled_back_leaves_no_answer_behind(directory):
    version = search_cache.version()
    with pytest.raises(RuntimeError), transaction.atomic():
        Service.objects.filter(pk=directory.hospital_naloxone.pk).update(name="Temporary name")
        assert names(search_services(SearchQuery(text="temporary"), now=NOW)) == ["Temporary name"]
        raise RuntimeError("roll back")
    assert search_cache.version() == version
    assert names(search_services(SearchQuery(text="temporary"), now=NOW)) == []


def test_an_answer_holds_until_something_it_read_opens_or_closes(directory):
    # The main street site is open Mon–Fri 9–17; nothing the query reads opens or closes between 16:00 and 17:00.
    query = SearchQuery(open_now=True, text="despensa")
    assert names(search_services(query, now=at(16))) == ["Despensa Riverbend"]
    hits_before = search_cache.answers.hits
    assert names(search_services(query, now=at(16, 59) + timedelta(seconds=59))) == ["Despensa Riverbend"]
    assert search_cache.answers.hits == hits_before + 1
    assert names(search_services(query, now=at(17, 0))) == []  # it closed: computed afresh
    assert names(search_services(query, now=at(8, 59))) == []  # before opening: not the 16:00 answer
    assert names(search_services(query, now=at(9, 0))) == ["Despensa Riverbend"]
    assert search_cache.answers.hits == hits_before + 1


def test_a_mobile_unit_moves_to_its_next_stop_on_time(directory):
    # The van stands at the far lot 10–12 and at the near lot 13–15 (conftest).
    query = SearchQuery(latitude=LAT, longitude=LON, radius_km=5, text="naloxone", open_now=True)
    at_noon_minus = search_services(query, now=at(11, 59))
    at_one = search_services(query, now=at(13, 0))
    assert "Riverbend Van" not in [hit.location.name for hit in at_noon_minus.hits]
    assert "Riverbend Van" in [hit.location.name for hit in at_one.hits]


def test_public_and_partner_answers_are_kept_apart(world, directory, named_partner):
    query = SearchQuery(text="syringe", latitude=LAT, longitude=LON, radius_km=10)
    public = search_services(query, None, now=NOW).hits[0]
    member = search_services(query, named_partner.viewer, now=NOW).hits[0]
    assert not search_services(query, world.coalition.viewer, now=NOW).hits[0].place.exact
    public_again = search_services(query, None, now=NOW).hits[0]
    assert member.place.exact and not public.place.exact and not public_again.place.exact
    assert public_again.distance_km == public.distance_km != member.distance_km


def test_a_schedule_added_through_the_editing_action_shows_at_once(directory):
    query = SearchQuery(open_now=True, text="syringe")
    evening = at(21)  # the confidential site is open 8–20
    assert names(search_services(query, now=evening)) == []
    actions.add_schedule(
        actions.ScheduleInput(opens_at=time(20), closes_at=time(23), weekday=evening.weekday()),
        location=directory.confidential_site,
    )
    assert names(search_services(query, now=evening)) == ["Riverbend syringe services"]


def test_memory_is_bounded_and_can_be_turned_off(directory):
    with override_settings(MEETPOINT_SEARCH_CACHE_ENTRIES=3):
        for page in range(1, 6):
            search_services(SearchQuery(per_page=1, page=page), now=NOW)
        assert len(search_cache.answers) == 3
    search_cache.forget_all()
    with override_settings(MEETPOINT_SEARCH_CACHE_ENTRIES=0):
        search_services(NEAR, now=NOW)
        search_services(NEAR, now=NOW)
        assert len(search_cache.answers) == 0 and search_cache.answers.hits == 0


def test_every_watched_table_carries_the_version_trigger(db):
    """A table that search reads but that does not replace the version would leave stale answers."""
    for table in search_cache.WATCHED:
        before = search_cache.version()
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET id = id WHERE 1 = 0")  # noqa: S608 — names from the module
        if connection.vendor == "postgresql":  # statement triggers fire for every statement
            assert search_cache.version() != before, table
    trigger_names = _trigger_names()
    for table in search_cache.WATCHED:
        assert any(table in name for name in trigger_names), table


def _trigger_names() -> list[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return [row[0] for row in cursor.fetchall()]


def test_the_search_page_is_remembered_per_viewer_kind_and_language(world, directory, named_partner):
    from django.urls import reverse

    url = reverse("directory:search")
    asked = {"q": "syringe", "lat": LAT, "lon": LON, "radius_km": 10}
    anonymous, partner = world.client(), world.client(world.outsider.viewer)
    for _ in range(2):  # the second round is answered from memory
        public = anonymous.get(url, asked).content.decode()
        member = partner.get(url, asked).content.decode()
        assert "Near Elm Park" in public and "100 Market St" not in public
        assert "100 Market St" in member
    spanish = world.client()
    spanish.post(reverse("set_language"), {"language": "es", "next": "/"})
    assert "Zona aproximada" in spanish.get(url, asked).content.decode()
    assert "Approximate area" in anonymous.get(url, asked).content.decode()


def test_the_search_page_and_api_show_a_renamed_service_at_once(world, directory):
    from django.urls import reverse

    client = world.client()
    asked = {"q": "lakeside"}
    assert "Lakeside ED naloxone" in client.get(reverse("directory:search"), asked).content.decode()
    assert client.get("/api/v1/directory/search", {"text": "lakeside"}).json()["total"] == 1
    Service.objects.filter(pk=directory.hospital_naloxone.pk).update(name="Harbor ED naloxone")
    page = client.get(reverse("directory:search"), asked).content.decode()
    assert "Lakeside ED naloxone" not in page and "Harbor ED naloxone" in page  # found by its organization
    assert client.get("/api/v1/directory/search", {"text": "harbor"}).json()["results"][0]["service"][
        "name"
    ] == ("Harbor ED naloxone")


def test_a_type_added_in_another_process_is_found_at_once(world, directory):
    from meetpoint.directory import taxonomy
    from meetpoint.directory.tests.conftest import service

    query = SearchQuery(taxonomy_codes=["naloxone"])
    search_services(query, now=NOW)
    held_by_another_worker = dict(taxonomy._cache)  # its tree of types, read before the change below
    naloxone = TaxonomyTerm.objects.filter(code="naloxone").first()
    TaxonomyTerm.objects.create(code="naloxone-vending", name="Naloxone vending machine", parent=naloxone)
    service(
        world.outsider.organization, "Lobby vending machine", ["naloxone-vending"], [directory.hospital_site]
    )
    taxonomy._cache.update(held_by_another_worker)  # this process now holds the old tree, as another would
    assert "Lobby vending machine" in names(search_services(query, now=NOW))
