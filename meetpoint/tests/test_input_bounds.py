"""Integers beyond any real page, offset or count are a 400 that names the field, never a server error."""

import pytest

from meetpoint.education.models import Event

pytestmark = pytest.mark.django_db

HUGE = str(10**20)
LISTS = [
    ("/", "page"),
    ("/map/", "page"),
    ("/api/v1/directory/search", "page"),
    ("/api/v1/hsds/services", "page"),
    ("/api/v1/hsds/organizations", "page"),
    ("/api/v1/screening/screenings", "page"),
    ("/api/v1/referrals/", "page"),
    ("/api/v1/inventory/movements", "offset"),
]


@pytest.mark.parametrize(("path", "parameter"), LISTS)
@pytest.mark.parametrize("who", ["staff", "outsider", "anonymous"])
def test_a_huge_page_or_offset_is_refused_not_a_server_error(world, path, parameter, who):
    member = {"staff": world.home.staff, "outsider": world.outsider.staff, "anonymous": None}[who]
    headers = world.token(member) if member is not None and path.startswith("/api/") else {}
    client = world.client(member) if not path.startswith("/api/") else world.client()
    answer = client.get(path, {parameter: HUGE}, headers=headers)
    if member is None and answer.status_code == 401:
        return  # a members-only list answers the anonymous caller before reading the query
    if path.startswith("/api/v1/hsds/"):
        # The HSDS API follows the official document: a page past the last is the empty page, never an error.
        assert answer.status_code == 200, (path, answer.status_code, answer.content[:300])
        assert answer.json()["contents"] == []
    elif path.startswith("/api/"):
        assert answer.status_code == 400, (path, answer.status_code, answer.content[:300])
        assert parameter in answer.content.decode()
    else:  # the search page answers with its form and no results, as for any page past the last
        assert answer.status_code in (200, 400)


def test_a_huge_attendance_count_is_refused(world):
    from datetime import timedelta

    from django.utils import timezone

    from meetpoint.education import actions

    event = actions.create_event(
        world.home.staff, title="Naloxone training", starts_at=timezone.now() - timedelta(days=1)
    )
    answer = world.client().post(
        f"/api/v1/education/events/{event.pk}/attendance",
        {"attendance_count": 760000000000000000000000},
        content_type="application/json",
        headers=world.token(world.home.staff),
    )
    assert answer.status_code == 400, answer.content
    assert "attendance_count" in answer.content.decode()
    assert Event.objects.get(pk=event.pk).attendance_count is None
    outsider = world.client().post(
        f"/api/v1/education/events/{event.pk}/attendance",
        {"attendance_count": 3},
        content_type="application/json",
        headers=world.token(world.outsider.staff),
    )
    assert outsider.status_code in (403, 404)
