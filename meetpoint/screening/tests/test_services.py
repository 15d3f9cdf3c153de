"""From result to help: the result page lists directory services of the types the risk level calls for, near
the screening site, in the person's language, each with one "Refer" action."""

from django.urls import reverse

NO_NEEDS = [0, [7], 2, 2, 1, 1, 0, 0, 0, 0]


def test_overdose_risk_lists_nearby_naloxone_with_a_refer_link(world, services, record):
    screening = record(instrument="overdose-risk", answers=[False] * 5, location_id=services["clinic"].pk)
    page = (
        world.client(world.home.staff).get(reverse("screening:detail", args=[screening.pk])).content.decode()
    )
    assert "Offer naloxone" in page
    assert "Lakeside naloxone" in page and "Open now" in page
    assert "Faraway naloxone" not in page  # 200 km away, outside the default 25 km
    assert f"/referrals/new/?service={services['naloxone'].pk}&amp;screening={screening.pk}" in page
    assert "Lakeside pantry" not in page  # food is not what this result calls for


def test_a_larger_radius_finds_the_far_service(world, services, record):
    screening = record(instrument="overdose-risk", answers=[False] * 5, location_id=services["clinic"].pk)
    url = reverse("screening:detail", args=[screening.pk]) + "?radius_km=400"
    assert "Faraway naloxone" in world.client(world.home.staff).get(url).content.decode()


def test_each_positive_ahc_domain_lists_its_services(world, services, record):
    answers = list(NO_NEEDS)
    answers[2] = 0  # often worried food would run out
    screening = record(instrument="ahc-hrsn", answers=answers, location_id=services["clinic"].pk)
    page = (
        world.client(world.home.staff).get(reverse("screening:detail", args=[screening.pk])).content.decode()
    )
    assert "Food insecurity" in page and "Lakeside pantry" in page
    assert "Lakeside naloxone" not in page


def test_services_in_the_persons_language(world, services, record):
    screening = record(
        instrument="overdose-risk", answers=[False] * 5, location_id=services["clinic"].pk, language="es"
    )
    client = world.client(world.home.staff)
    page = client.get(reverse("screening:detail", args=[screening.pk]) + "?radius_km=400").content.decode()
    assert "Lakeside naloxone" in page and "Faraway naloxone" not in page  # only the first speaks Spanish


def test_a_service_that_takes_no_referrals_has_no_refer_action(world, services, record):
    screening = record(
        instrument="overdose-risk",
        answers=[False, False, False, False, True],
        location_id=services["clinic"].pk,
    )
    page = (
        world.client(world.home.staff).get(reverse("screening:detail", args=[screening.pk])).content.decode()
    )
    assert "Walk-in test strips" in page and "Takes no referrals" in page
    assert f"service={services['no_referrals'].pk}" not in page


def test_services_api_lists_the_same_help(world, services, record):
    screening = record(instrument="overdose-risk", answers=[False] * 5, location_id=services["clinic"].pk)
    url = f"/api/v1/screening/screenings/{screening.pk}/services"
    groups = world.client().get(url, headers=world.token(world.home.staff)).json()
    naloxone = next(group for group in groups if "naloxone" in group["recommendation"]["taxonomy_codes"])
    assert [service["name"] for service in naloxone["services"]] == ["Lakeside naloxone"]
    assert naloxone["services"][0]["refer_url"].endswith(f"&screening={screening.pk}")
    assert world.client().get(url, headers=world.token(world.outsider.staff)).status_code == 404
    assert world.client().get(url, headers=world.token(world.home.analyst)).status_code == 403
    assert world.client().get(url).status_code == 401


def test_open_now_first_then_opening_later_today(world, services, record):
    from datetime import datetime, time

    from django.utils import timezone

    from meetpoint.directory import actions as directory
    from meetpoint.screening.services import Near, help_for

    from .conftest import _service, _site

    later = _site(world.outsider.organization, "Lakeside day clinic", 40.4406, -79.9959 + 0.001)
    for day in range(7):
        directory.add_schedule(
            directory.ScheduleInput(opens_at=time(9), closes_at=time(17), weekday=day), location=later
        )
    _service(world.outsider.organization, "Day clinic naloxone", ["naloxone"], later)
    screening = record(instrument="overdose-risk", answers=[False] * 5, location_id=services["clinic"].pk)
    six_am = timezone.make_aware(datetime.combine(timezone.localdate(), time(6)))
    near = Near(latitude=40.4406, longitude=-79.9959, radius_km=25)
    groups = help_for(screening.result, near, world.home.staff, now=six_am)
    naloxone = next(group for group in groups if group.recommendation["reason"] == "always")
    assert [hit.service.name for hit in naloxone.hits] == ["Lakeside naloxone", "Day clinic naloxone"]
    assert naloxone.hits[0].open_now is True
    assert naloxone.hits[1].open_now is False and naloxone.hits[1].opens_later_today == time(9)
    assert "naloxone" in naloxone.type_names[0].lower()


def test_staff_can_look_near_another_of_their_sites(world, services, record):
    from .conftest import _site

    far_site = _site(world.home.organization, "Riverbend north van stop", 40.4406 + 1.8, -79.9959)
    screening = record(instrument="overdose-risk", answers=[False] * 5, location_id=services["clinic"].pk)
    url = reverse("screening:detail", args=[screening.pk])
    client = world.client(world.home.staff)
    page = client.get(url, {"site": str(far_site.pk)}).content.decode()
    assert "Faraway naloxone" in page and "Lakeside naloxone" not in page
    other = _site(world.outsider.organization, "Lakeside annex", 40.0, -80.0)
    assert "Choose one of your organization" in client.get(url, {"site": str(other.pk)}).content.decode()
