"""Events: creating, recording attendance, registrations kept by the host only, who may change what."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from meetpoint.education import actions
from meetpoint.education.models import Event, Registration


def _new_event_form(**overrides) -> dict:
    starts = timezone.localtime() + timedelta(days=2)
    return {
        "title": "Overdose response for store staff",
        "kind": "overdose_response",
        "audience": "businesses",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "venue": "Main Street business association",
        "area_code": "42003",
        **overrides,
    }


def test_staff_creates_an_event_inviting_a_co_host(world):
    client = world.client(world.home.staff)
    response = client.post(
        reverse("education:event_new"),
        _new_event_form(co_host_ids=[str(world.coalition.organization.pk)], surveys=["overdose-knowledge"]),
    )
    event = Event.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("education:event", args=[event.pk])
    assert event.host == world.home.organization
    assert event.co_hosts == []  # invited: a co-host once the coalition accepts
    assert [(i.organization, i.status) for i in event.invitations.all()] == [
        (world.coalition.organization, "pending")
    ]
    assert event.surveys == ["overdose-knowledge"]


def test_bad_event_input_is_shown_and_nothing_saved(world):
    client = world.client(world.home.staff)
    starts = timezone.localtime() + timedelta(days=2)
    response = client.post(
        reverse("education:event_new"),
        _new_event_form(ends_at=(starts - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")),
    )
    assert response.status_code == 400
    assert "The event must end after it starts." in response.content.decode()
    response = client.post(reverse("education:event_new"), _new_event_form(area_code="4200"))
    assert response.status_code == 400
    assert "ZIP3" in response.content.decode()
    assert not Event.objects.exists()


def test_viewer_and_analyst_may_not_create_and_anonymous_must_sign_in(world):
    assert world.client(world.home.viewer).get(reverse("education:event_new")).status_code == 403
    assert (
        world.client(world.home.analyst).post(reverse("education:event_new"), _new_event_form()).status_code
        == 403
    )
    response = world.client().get(reverse("education:event_new"))
    assert response.status_code == 302 and "/account/" in response["Location"]
    assert not Event.objects.exists()


def test_host_records_attendance_and_kits(world, event):
    client = world.client(world.home.staff)
    response = client.post(
        reverse("education:event_attendance", args=[event.pk]), {"attendance_count": 24, "naloxone_kits": 30}
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.attendance_count, event.naloxone_kits) == (24, 30)
    assert "24" in client.get(reverse("education:event", args=[event.pk])).content.decode()


def test_co_host_and_outsider_may_not_record_attendance_or_edit(world, event):
    for membership in (world.coalition.admin, world.outsider.staff):
        client = world.client(membership)
        url = reverse("education:event_attendance", args=[event.pk])
        assert client.post(url, {"attendance_count": 1}).status_code == 404
        assert client.get(reverse("education:event_edit", args=[event.pk])).status_code == 404
    event.refresh_from_db()
    assert event.attendance_count is None


def test_registration_list_is_kept_by_the_host_only(world, event):
    actions.add_registration(world.home.staff, event, name="Officer Dana Reyes", contact="dreyes@example.org")
    actions.add_registration(world.home.staff, event, name="Sgt. Lee Park")
    host_page = (
        world.client(world.home.staff).get(reverse("education:event", args=[event.pk])).content.decode()
    )
    assert "Officer Dana Reyes" in host_page

    for membership in (world.coalition.admin, world.outsider.admin, world.home.analyst, world.home.viewer):
        page = world.client(membership).get(reverse("education:event", args=[event.pk])).content.decode()
        assert "Dana Reyes" not in page and "dreyes@example.org" not in page
        assert 'id="registered">2<' in page  # the count, never the list


def test_registration_list_api_is_host_only(world, event):
    actions.add_registration(world.home.staff, event, name="Officer Dana Reyes")
    url = f"/api/v1/education/events/{event.pk}/registrations"
    client = world.client()
    assert client.get(url, headers=world.token(world.home.staff)).json()[0]["name"] == "Officer Dana Reyes"
    assert client.get(url, headers=world.token(world.coalition.admin)).status_code == 403
    assert client.get(url, headers=world.token(world.outsider.admin)).status_code == 403
    assert client.get(url).status_code == 401
    event_body = client.get(
        f"/api/v1/education/events/{event.pk}", headers=world.token(world.coalition.admin)
    )
    assert event_body.json()["registration_count"] == 1


def test_ticking_registrants_who_came_counts_them(world, event):
    first = actions.add_registration(world.home.staff, event, name="A. Officer")
    actions.add_registration(world.home.staff, event, name="B. Officer")
    client = world.client(world.home.staff)
    client.post(reverse("education:event_registration", args=[event.pk]), {"attended": ["", str(first.pk)]})
    event.refresh_from_db()
    assert event.attendance_count == 1
    assert list(Registration.objects.filter(attended=True)) == [first]
    outsider = world.client(world.outsider.staff)
    response = outsider.post(reverse("education:event_registration", args=[event.pk]), {"name": "Snoop"})
    assert response.status_code == 404
    assert Registration.objects.count() == 2


def test_materials_are_links_or_file_names(world, event):
    client = world.client(world.home.staff)
    url = reverse("education:event_material", args=[event.pk])
    client.post(url, {"title": "Slides", "url": "https://example.org/slides.pdf", "media_type": "slides"})
    assert client.post(url, {"title": "Handout"}).status_code == 400
    page = (
        world.client(world.outsider.viewer).get(reverse("education:event", args=[event.pk])).content.decode()
    )
    assert "https://example.org/slides.pdf" in page


def test_partners_only_event_is_hidden_from_the_public(world, event, public_event):
    anonymous = world.client()
    assert anonymous.get(reverse("education:event", args=[event.pk])).status_code == 404
    assert anonymous.get(reverse("education:event", args=[public_event.pk])).status_code == 200
    assert (
        world.client(world.outsider.viewer).get(reverse("education:event", args=[event.pk])).status_code
        == 200
    )
    assert anonymous.get(f"/api/v1/education/events/{event.pk}").status_code == 404


def test_event_list_needs_a_member(world, event):
    assert world.client().get(reverse("education:events")).status_code == 302
    page = world.client(world.outsider.viewer).get(reverse("education:events")).content.decode()
    assert "Naloxone training for officers" in page
    assert "New event" not in page


def test_api_creates_events_for_editors_only(world):
    payload = {
        "title": "School staff naloxone training",
        "kind": "overdose_response",
        "audience": "schools",
        "starts_at": (timezone.now() + timedelta(days=9)).isoformat(),
        "is_public": True,
    }
    client = world.client()
    created = client.post(
        "/api/v1/education/events",
        payload,
        content_type="application/json",
        headers=world.token(world.home.staff),
    )
    assert created.status_code == 201
    assert created.json()["host"] == "Riverbend Harm Reduction"
    forbidden = client.post(
        "/api/v1/education/events",
        payload,
        content_type="application/json",
        headers=world.token(world.home.viewer),
    )
    assert forbidden.status_code == 403
    assert (
        client.post("/api/v1/education/events", payload, content_type="application/json").status_code == 401
    )
    bad = client.post(
        "/api/v1/education/events",
        {**payload, "area_code": "12"},
        content_type="application/json",
        headers=world.token(world.home.staff),
    )
    assert bad.status_code == 400
    assert Event.objects.count() == 1
    event_id = created.json()["id"]
    attendance = client.post(
        f"/api/v1/education/events/{event_id}/attendance",
        {"attendance_count": 12},
        content_type="application/json",
        headers=world.token(world.outsider.staff),
    )
    assert attendance.status_code == 404


def test_host_edits_the_event_and_closes_its_surveys(world, event):
    client = world.client(world.home.admin)
    form = client.get(reverse("education:event_edit", args=[event.pk])).context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, "")}
    data["starts_at"] = timezone.localtime(event.starts_at).strftime("%Y-%m-%dT%H:%M")
    data.update(title="Naloxone training for officers (moved)", surveys_open="")
    data.pop("surveys_open")
    response = client.post(reverse("education:event_edit", args=[event.pk]), data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title.endswith("(moved)") and not event.surveys_open
    assert event.surveys == ["overdose-knowledge", "stigma-attitudes"]
    assert event.co_hosts == [world.coalition.organization]


def test_people_register_themselves_and_only_the_host_sees_them(world, event, public_event):
    url = reverse("education:event_register", args=[public_event.pk])
    closed = world.client().post(url, {"name": "Pat Neighbour"})
    assert closed.status_code == 409
    actions.update_event(world.home.staff, public_event, registration_open=True)
    page = world.client().get(reverse("education:event", args=[public_event.pk])).content.decode()
    assert 'id="register"' in page
    response = world.client().post(url, {"name": "Pat Neighbour", "contact": "pat@example.org"})
    assert response.status_code == 200 and "You are registered" in response.content.decode()
    assert Registration.objects.get().event == public_event
    for membership in (world.outsider.admin, None):
        body = (
            world.client(membership).get(reverse("education:event", args=[public_event.pk])).content.decode()
        )
        assert "Pat Neighbour" not in body
    assert (
        "Pat Neighbour"
        in world.client(world.home.staff)
        .get(reverse("education:event", args=[public_event.pk]))
        .content.decode()
    )
    # A partners-only event is not found by the public, even to register.
    actions.update_event(world.home.staff, event, registration_open=True)
    assert (
        world.client().post(reverse("education:event_register", args=[event.pk]), {"name": "X"}).status_code
        == 404
    )
    assert (
        world.client(world.outsider.viewer)
        .post(reverse("education:event_register", args=[event.pk]), {"name": "Officer from Lakeside"})
        .status_code
        == 200
    )
