"""The API applies the same rules as the forms: links are http(s) only, e-mail addresses are checked, schedule
times are local times; the refusal names the field and nothing is saved."""

import pytest

from meetpoint.directory.models import Schedule, Service

pytestmark = pytest.mark.django_db


@pytest.fixture
def service(world):
    return Service.objects.create(
        organization=world.home.organization, name="Drop-in", url="https://example.org"
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("url", "javascript:alert(1)"),
        ("url", "data:text/html,hi"),
        ("email", "not an address"),
        ("email", "a@"),
    ],
)
def test_a_service_patch_with_a_bad_link_or_address_is_refused(world, service, field, value):
    answer = world.client().patch(
        f"/api/v1/directory/services/{service.pk}",
        {field: value},
        content_type="application/json",
        headers=world.token(world.home.staff),
    )
    assert answer.status_code == 400, answer.content
    assert [error["field"] for error in answer.json()["errors"]] == [field]
    service.refresh_from_db()
    assert service.url == "https://example.org" and service.email == ""


def test_a_good_link_is_kept_and_the_outsider_cannot_patch(world, service):
    patch = {"url": "https://riverbend.example/drop-in", "email": "help@riverbend.example"}
    answer = world.client().patch(
        f"/api/v1/directory/services/{service.pk}",
        patch,
        content_type="application/json",
        headers=world.token(world.home.staff),
    )
    assert answer.status_code == 200, answer.content
    outsider = world.client().patch(
        f"/api/v1/directory/services/{service.pk}",
        {"url": "https://evil.example"},
        content_type="application/json",
        headers=world.token(world.outsider.staff),
    )
    assert outsider.status_code == 404
    anonymous = world.client().patch(
        f"/api/v1/directory/services/{service.pk}",
        {"url": "https://evil.example"},
        content_type="application/json",
    )
    assert anonymous.status_code == 401
    service.refresh_from_db()
    assert service.url == patch["url"]


def test_schedule_times_with_a_utc_offset_are_refused_naming_the_field(world, service):
    answer = world.client().post(
        f"/api/v1/directory/services/{service.pk}/schedules",
        {"weekday": 0, "opens_at": "09:00:00+02:00", "closes_at": "17:00:00"},
        content_type="application/json",
        headers=world.token(world.home.staff),
    )
    assert answer.status_code == 400, answer.content
    assert [error["field"] for error in answer.json()["errors"]] == ["opens_at"]
    assert not Schedule.objects.filter(service=service).exists()
