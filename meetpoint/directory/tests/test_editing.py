from django.urls import reverse

from meetpoint.directory.models import Schedule, Service


def test_anonymous_is_sent_to_sign_in(world, directory):
    for url in (reverse("directory:manage"), reverse("directory:service_edit", args=[directory.naloxone.pk])):
        response = world.client().get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_analyst_and_viewer_may_not_edit(world, directory):
    for member in (world.home.analyst, world.home.viewer):
        client = world.client(member)
        assert client.get(reverse("directory:manage")).status_code == 403
        url = reverse("directory:service_edit", args=[directory.naloxone.pk])
        assert client.post(url, {"name": "Hacked", "status": "active"}).status_code == 403
    assert Service.objects.get(pk=directory.naloxone.pk).name == "Riverbend naloxone kits"


def test_outsider_gets_404_for_another_organizations_objects(world, directory):
    client = world.client(world.outsider.admin)
    assert client.get(reverse("directory:service_edit", args=[directory.naloxone.pk])).status_code == 404
    assert client.get(reverse("directory:location_edit", args=[directory.public_site.pk])).status_code == 404
    stop = directory.stop_now
    assert client.post(reverse("directory:schedule_delete", args=[stop.pk])).status_code == 404
    assert Schedule.objects.filter(pk=stop.pk).exists()
    manage = client.get(reverse("directory:manage")).content.decode()
    assert "Lakeside ED naloxone" in manage and "Riverbend naloxone kits" not in manage


def test_staff_edits_own_service(world, directory):
    client = world.client(world.home.staff)
    url = reverse("directory:service_edit", args=[directory.spanish_food.pk])
    form = client.get(url)
    assert form.status_code == 200 and "Despensa Riverbend" in form.content.decode()
    response = client.post(
        url,
        {
            "name": "Despensa Riverbend",
            "status": "active",
            "taxonomy_codes": ["food", "transportation"],
            "languages": "es, en",
            "is_free": "on",
            "location_ids": [str(directory.public_site.pk)],
        },
    )
    assert response.status_code == 302
    service = Service.objects.get(pk=directory.spanish_food.pk)
    assert service.is_free and set(service.taxonomy_terms.values_list("code", flat=True)) == {
        "food",
        "transportation",
    }


def test_staff_adds_and_changes_a_mobile_stop(world, directory):
    client = world.client(world.home.staff)
    unit = directory.mobile_unit
    response = client.post(
        reverse("directory:location_hours_add", args=[unit.pk]),
        {
            "kind": "dated",
            "date": "2026-12-01",
            "opens_at": "09:00",
            "closes_at": "11:00",
            "stop_name": "Library",
            "stop_latitude": "40.45",
            "stop_longitude": "-79.99",
        },
    )
    assert response.status_code == 302
    stop = Schedule.objects.get(location=unit, stop_name="Library")
    response = client.post(
        reverse("directory:schedule_edit", args=[stop.pk]),
        {
            "kind": "dated",
            "date": "2026-12-01",
            "opens_at": "09:30",
            "closes_at": "11:00",
            "stop_name": "Library",
        },
    )
    assert response.status_code == 302
    stop.refresh_from_db()
    assert stop.opens_at.strftime("%H:%M") == "09:30"


def test_overlapping_hours_are_refused_with_a_message(world, directory):
    client = world.client(world.home.staff)
    before = Schedule.objects.count()
    page = client.post(
        reverse("directory:location_hours_add", args=[directory.public_site.pk]),
        {"kind": "weekly", "weekday": "0", "opens_at": "16:00", "closes_at": "18:00"},
    )
    assert page.status_code == 200
    assert "overlap 09:00–17:00" in page.content.decode()
    page = client.post(
        reverse("directory:location_hours_add", args=[directory.public_site.pk]),
        {"kind": "weekly", "weekday": "6", "opens_at": "22:00", "closes_at": "02:00"},
    )
    assert "two rows" in page.content.decode()
    assert Schedule.objects.count() == before


def test_staff_creates_a_location_with_validation(world, directory):
    client = world.client(world.home.admin)
    page = client.post(
        reverse("directory:location_new"), {"name": "Pier", "latitude": "123", "longitude": "-80"}
    )
    assert page.status_code == 200 and "outside -90 to 90" in page.content.decode()
    response = client.post(
        reverse("directory:location_new"),
        {
            "name": "Pier",
            "latitude": "40.44",
            "longitude": "-80",
            "address_1": "1 Pier Rd",
            "city": "Three Rivers",
            "postal_code": "15222",
        },
    )
    assert response.status_code == 302
    assert world.home.organization.locations.filter(name="Pier").exists()


def test_editing_pages_render_for_staff(world, directory):
    from datetime import time, timedelta

    from django.utils import timezone

    from meetpoint.directory import actions

    tomorrow = timezone.localdate() + timedelta(days=1)
    actions.add_schedule(
        actions.ScheduleInput(date=tomorrow, opens_at=time(9), closes_at=time(10), stop_name="Tomorrow Lot"),
        location=directory.mobile_unit,
    )
    client = world.client(world.home.staff)
    unit = client.get(reverse("directory:location_edit", args=[directory.mobile_unit.pk])).content.decode()
    assert "Stops of this mobile unit" in unit and "Tomorrow Lot" in unit
    assert "Far Lot" not in unit  # stops of past days are not listed for editing
    assert (
        client.get(reverse("directory:location_hours_add", args=[directory.mobile_unit.pk])).status_code
        == 200
    )
    assert client.get(reverse("directory:service_hours_add", args=[directory.naloxone.pk])).status_code == 200
    assert client.get(reverse("directory:schedule_edit", args=[directory.stop_now.pk])).status_code == 200
    assert client.get(reverse("directory:service_new")).status_code == 200
    manage = client.get(reverse("directory:manage")).content.decode()
    assert "Riverbend naloxone kits" in manage and "Riverbend Hidden Door" in manage
