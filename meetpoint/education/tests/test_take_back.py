"""Drug take-back events and the permanent boxes listed from the directory."""

from datetime import date

import pytest
from django.urls import reverse

from meetpoint.directory.models import Service, TaxonomyTerm
from meetpoint.education import actions, invitations
from meetpoint.education.models import TakeBackEvent


def _form(**overrides) -> dict:
    return {
        "title": "Fall take-back day",
        "date": "2026-10-25",
        "venue": "Police HQ",
        "is_public": "on",
        **overrides,
    }


def test_staff_records_a_take_back_event_with_the_police(world):
    client = world.client(world.home.staff)
    response = client.post(
        reverse("education:take_back_new"),
        _form(
            partner_ids=[str(world.outsider.organization.pk)],
            pounds_collected="182.5",
            people_dropped_off="64",
            sharps_pounds="12",
        ),
    )
    take_back = TakeBackEvent.objects.get()
    assert response.status_code == 302
    assert take_back.pounds_collected == 182.5 and take_back.people_dropped_off == 64
    page = world.client().get(reverse("education:take_back", args=[take_back.pk])).content.decode()
    assert "182.5" in page and "Lakeside Hospital" not in page  # invited, not yet a partner
    invitations.accept(world.outsider.admin, take_back.invitations.get())
    assert take_back.partners == [world.outsider.organization]
    page = world.client().get(reverse("education:take_back", args=[take_back.pk])).content.decode()
    assert "Lakeside Hospital" in page


def test_negative_weight_is_refused(world):
    response = world.client(world.home.staff).post(
        reverse("education:take_back_new"), _form(pounds_collected="-3")
    )
    assert response.status_code == 400
    assert "A weight cannot be negative." in response.content.decode()
    api = world.client().post(
        "/api/v1/education/take-back",
        {"title": "x", "date": "2026-10-25", "pounds_collected": -1},
        content_type="application/json",
        headers=world.token(world.home.staff),
    )
    assert api.status_code == 400
    assert not TakeBackEvent.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("sharps_pounds", 1.46e16), ("pounds_collected", 2_000_000), ("people_dropped_off", 10**12)],
)
def test_an_implausible_amount_is_refused_not_a_server_error(world, field, value):
    api = world.client().post(
        "/api/v1/education/take-back",
        {"title": "Fall take-back", "date": "2026-10-25", field: value},
        content_type="application/json",
        headers=world.token(world.home.staff),
    )
    assert api.status_code == 400
    assert "not a plausible amount" in api.content.decode()
    assert not TakeBackEvent.objects.exists()


def test_only_the_organizer_edits_and_viewers_may_not_record(world):
    take_back = actions.create_take_back(world.home.staff, title="Take-back", date=date(2026, 4, 26))
    url = reverse("education:take_back_edit", args=[take_back.pk])
    assert world.client(world.outsider.admin).get(url).status_code == 404
    assert world.client(world.home.viewer).get(url).status_code == 403
    assert world.client().get(url).status_code == 302
    assert (
        world.client(world.home.viewer).post(reverse("education:take_back_new"), _form()).status_code == 403
    )
    response = world.client(world.home.admin).post(
        url, _form(title="Take-back (edited)", pounds_collected="90")
    )
    assert response.status_code == 302
    take_back.refresh_from_db()
    assert take_back.pounds_collected == 90


def test_private_take_back_is_for_members_only(world):
    hidden = actions.create_take_back(
        world.home.staff, title="Internal sweep", date=date(2026, 4, 26), is_public=False
    )
    assert world.client().get(reverse("education:take_back", args=[hidden.pk])).status_code == 404
    assert (
        world.client(world.outsider.viewer).get(reverse("education:take_back", args=[hidden.pk])).status_code
        == 200
    )
    assert "Internal sweep" not in world.client().get(reverse("education:take_backs")).content.decode()


def test_permanent_boxes_come_from_the_directory(world):
    term = TaxonomyTerm.objects.filter(code="drug-take-back").first() or TaxonomyTerm.objects.create(
        code="drug-take-back", name="Drug take-back"
    )
    box = Service.objects.create(organization=world.outsider.organization, name="Lobby medication drop box")
    box.taxonomy_terms.add(term)
    Service.objects.create(organization=world.outsider.organization, name="Unrelated clinic")
    body = world.client().get(reverse("education:take_backs")).content.decode()
    assert "Lobby medication drop box" in body and "Unrelated clinic" not in body
    take_back = actions.create_take_back(
        world.home.staff, title="With box", date=date(2026, 4, 26), permanent_box_id=box.pk
    )
    assert take_back.permanent_box == box
