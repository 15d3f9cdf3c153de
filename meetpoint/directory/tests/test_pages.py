from django.urls import reverse

from meetpoint.directory.tests.conftest import CENTRE

LAT, LON = CENTRE


def test_public_search_page_needs_no_login_and_shows_results(world, directory):
    page = world.client().get(
        reverse("directory:search"), {"q": "naloxone", "lat": LAT, "lon": LON, "radius_km": 10}
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "Riverbend naloxone kits" in text and "Lakeside ED naloxone" in text
    assert "km away" in text
    assert 'for="id_q"' in text  # labelled inputs


def test_search_page_reports_bad_input_without_failing(world, directory):
    page = world.client().get(reverse("directory:search"), {"lat": 95, "lon": LON, "radius_km": 10})
    assert page.status_code == 200
    assert "outside -90..90" in page.content.decode()
    page = world.client().get(reverse("directory:search"), {"lat": LAT, "lon": LON, "radius_km": 9999})
    assert "at most 500 km" in page.content.decode()


def test_search_page_paginates(world, directory, settings):
    settings.MEETPOINT_PAGE_SIZE = 3
    client = world.client()
    first = client.get(reverse("directory:search"), {"q": ""}).content.decode()
    assert "4 services found" in first and "Page 1 of 2" in first
    assert 'rel="next"' in first and 'rel="prev"' not in first
    second = client.get(reverse("directory:search"), {"q": "", "page": 2}).content.decode()
    assert "Page 2 of 2" in second and 'rel="prev"' in second
    assert second.count('class="card hit"') == 1


def test_confidential_address_hidden_from_public_shown_to_partners(world, directory, named_partner):
    url = reverse("directory:service", args=[directory.syringes.pk])
    public = world.client().get(url).content.decode()
    assert "Near Elm Park" in public and "100 Market St" not in public
    assert "Riverbend Hidden Door" not in public  # the name is not public unless the organization says so
    partner = world.client(named_partner.viewer).get(url).content.decode()
    assert "100 Market St" in partner and "Confidential site" in partner
    assert "Riverbend Hidden Door" in partner
    unnamed = world.client(world.coalition.viewer).get(url).content.decode()
    assert "Near Elm Park" in unnamed and "100 Market St" not in unnamed
    assert "Riverbend Hidden Door" not in unnamed


def test_service_detail_shows_hours_languages_phones(world, directory):
    page = world.client().get(reverse("directory:service", args=[directory.spanish_food.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Riverbend Harm Reduction" in text and "Monday" in text and "09:00–17:00" in text
    assert "es" in text


def test_missing_or_inactive_service_is_404(world, directory):
    directory.naloxone.status = "defunct"
    directory.naloxone.save()
    assert world.client().get(reverse("directory:service", args=[directory.naloxone.pk])).status_code == 404


def test_map_page_has_markers_in_the_list(world, directory):
    text = world.client().get(reverse("directory:map"), {"taxonomy": "naloxone"}).content.decode()
    assert 'id="map"' in text and "leaflet.js" in text
    assert "data-lat=" in text and "Lakeside ED naloxone" in text


def test_mobile_units_today_lists_stops(world, directory):
    from unittest import mock

    from meetpoint.directory.tests.conftest import NOW

    with mock.patch("django.utils.timezone.now", return_value=NOW):
        text = world.client().get(reverse("directory:mobile_today")).content.decode()
    assert "Riverbend Van" in text and "Far Lot" in text and "Near Lot" in text
    assert text.index("Far Lot") < text.index("Near Lot")  # in time order
    assert "Here now" in text


def test_public_directory_in_spanish(world, directory):
    client = world.client()
    client.post(reverse("set_language"), {"language": "es", "next": "/"})
    text = client.get(reverse("directory:search"), {"taxonomy": "naloxone"}).content.decode()
    assert 'lang="es"' in text
    assert "Buscar" in text
    assert "Educación sobre sobredosis y distribución de naloxona" in text  # taxonomy name_es
    detail = client.get(reverse("directory:service", args=[directory.spanish_food.pk])).content.decode()
    assert "Alimentos" in detail and "Dónde y cuándo" in detail


def test_refer_button_only_for_members_who_may_refer(world):
    from django.urls import reverse

    from meetpoint.directory.models import Service

    service = Service.objects.create(organization=world.outsider.organization, name="Syringe services")
    url = reverse("directory:service", args=[service.pk])
    refer = reverse("referrals:new")
    assert refer in world.client(world.home.staff).get(url).content.decode()
    assert refer not in world.client(world.home.viewer).get(url).content.decode()
    assert refer not in world.client().get(url).content.decode()


def test_capacity_is_shown_as_of_its_source_time_and_flagged_when_stale(world, directory, settings):
    from datetime import timedelta

    from django.utils import timezone

    from meetpoint.directory.models import ServiceCapacity

    settings.MEETPOINT_CAPACITY_STALE_DAYS = 7
    capacity = ServiceCapacity.objects.create(
        service=directory.spanish_food, unit_name="places", available=12
    )
    url = reverse("directory:service", args=[directory.spanish_food.pk])
    fresh = world.client().get(url).content.decode()
    assert "12 places available" in fresh and "as of" in fresh and "may be out of date" not in fresh
    # a two-year-old figure from a feed keeps its own time, and the page says it may be out of date
    ServiceCapacity.objects.filter(pk=capacity.pk).update(updated=timezone.now() - timedelta(days=730))
    stale = world.client().get(url).content.decode()
    assert "may be out of date" in stale
