from django.test import Client
from django.urls import reverse

from meetpoint.accounts.models import AuditEvent
from meetpoint.testworld import PASSWORD


def sign_in_from(address: str, username: str, password: str):
    client = Client(REMOTE_ADDR=address)
    return client, client.post(reverse("accounts:login"), {"username": username, "password": password})


def fail_from(address: str, username: str, times: int) -> None:
    for _ in range(times):
        sign_in_from(address, username, "wrong")


def test_a_colleague_cannot_be_locked_out_from_another_address(world, settings):
    settings.MEETPOINT_LOCKOUT_FAILURES = 3
    fail_from("10.0.0.66", "riverbend-analyst", 20)
    _, from_attacker = sign_in_from("10.0.0.66", "riverbend-analyst", PASSWORD)
    assert from_attacker.status_code == 200 and "Too many failed sign-ins" in from_attacker.content.decode()
    client, from_colleague = sign_in_from("10.0.0.7", "riverbend-analyst", PASSWORD)
    assert from_colleague.status_code == 302
    assert client.get(reverse("accounts:home")).status_code == 200


def test_the_wait_grows_with_each_further_failure(world, settings):
    from meetpoint.accounts.lockout import seconds_to_wait

    settings.MEETPOINT_LOCKOUT_FAILURES = 3
    fail_from("10.0.0.66", "riverbend-viewer", 3)
    first = seconds_to_wait("riverbend-viewer", "10.0.0.66")
    fail_from("10.0.0.66", "riverbend-viewer", 2)
    assert 0 < first < seconds_to_wait("riverbend-viewer", "10.0.0.66")
    assert seconds_to_wait("riverbend-viewer", "10.0.0.7") == 0


def test_an_admin_unlocks_a_member_and_it_is_audited(world, settings):
    settings.MEETPOINT_LOCKOUT_FAILURES = 3
    fail_from("10.0.0.66", "riverbend-viewer", 3)
    admin = world.client(world.home.admin)
    page = admin.get(reverse("accounts:members")).content.decode()
    assert "must wait to sign in" in page
    assert admin.post(reverse("accounts:unlock", args=[world.home.viewer.pk])).status_code == 302
    _, answer = sign_in_from("10.0.0.66", "riverbend-viewer", PASSWORD)
    assert answer.status_code == 302
    event = AuditEvent.objects.get(action="account.unlocked")
    assert event.organization == world.home.organization and event.detail["failures_forgotten"] == 3


def test_unlock_by_a_non_admin_or_an_outsider_is_refused(world, settings):
    settings.MEETPOINT_LOCKOUT_FAILURES = 3
    fail_from("10.0.0.66", "riverbend-viewer", 3)
    target = reverse("accounts:unlock", args=[world.home.viewer.pk])
    assert world.client(world.home.staff).post(target).status_code == 403
    for role in ("admin", "staff", "analyst", "viewer"):
        assert world.client(world.outsider.members[role]).post(target).status_code == 404
    assert reverse("accounts:login") in world.client().post(target)["Location"]
    _, answer = sign_in_from("10.0.0.66", "riverbend-viewer", PASSWORD)
    assert "Too many failed sign-ins" in answer.content.decode()
    assert not AuditEvent.objects.filter(action="account.unlocked").exists()


def test_unlock_through_the_api(world, settings):
    settings.MEETPOINT_LOCKOUT_FAILURES = 3
    fail_from("10.0.0.66", "riverbend-viewer", 3)
    path = f"/api/v1/accounts/members/{world.home.viewer.pk}/unlock"
    assert world.client().post(path).status_code == 401
    assert world.client().post(path, headers=world.token(world.outsider.admin)).status_code == 404
    answer = world.client().post(path, headers=world.token(world.home.admin))
    assert answer.status_code == 200 and answer.json() == {
        "username": "riverbend-viewer",
        "failures_forgotten": 3,
    }
