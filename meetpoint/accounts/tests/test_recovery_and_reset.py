import re

from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from meetpoint.accounts.models import AuditEvent, RecoveryCode, User
from meetpoint.testworld import PASSWORD, confirmed_device, current_code


def password_only(username: str) -> Client:
    client = Client()
    assert (
        client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD}).status_code
        == 302
    )
    return client


def enrol(client: Client, username: str) -> list[str]:
    client.get(reverse("accounts:two_factor"))
    device = TOTPDevice.objects.get(user__username=username, confirmed=False)
    page = client.post(reverse("accounts:two_factor"), {"code": current_code(device)}).content.decode()
    return re.findall(r"<code>([A-Z0-9]{5}-[A-Z0-9]{5})</code>", page)


def test_ten_recovery_codes_shown_once_hashed_and_single_use(world):
    codes = enrol(password_only("riverbend-staff"), "riverbend-staff")
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = list(RecoveryCode.objects.values_list("code_hash", flat=True))
    assert len(stored) == 10 and not any(code.replace("-", "") in "".join(stored) for code in codes)

    client = password_only("riverbend-staff")
    answer = client.post(reverse("accounts:two_factor"), {"code": "", "recovery": codes[0].lower()})
    assert answer.status_code == 302
    assert client.get(reverse("accounts:home")).status_code == 200
    again = password_only("riverbend-staff").post(reverse("accounts:two_factor"), {"recovery": codes[0]})
    assert again.status_code == 400 and "already used" in again.content.decode()


def test_a_code_of_a_step_already_used_says_so(world):
    client = password_only("riverbend-staff")
    enrol(client, "riverbend-staff")
    device = TOTPDevice.objects.get(user__username="riverbend-staff", confirmed=True)
    replay = password_only("riverbend-staff").post(
        reverse("accounts:two_factor"), {"code": current_code(device)}
    )
    assert replay.status_code == 400 and "already used" in replay.content.decode()


def test_a_try_right_after_a_wrong_one_says_to_wait(world):
    device = confirmed_device(world.home.staff.user)
    client = password_only("riverbend-staff")
    first = client.post(reverse("accounts:two_factor"), {"code": "000000"})
    assert "did not match" in first.content.decode()
    second = client.post(reverse("accounts:two_factor"), {"code": current_code(device)})
    assert second.status_code == 400 and "Too soon after a wrong code" in second.content.decode()


def test_a_used_account_cannot_enrol_by_password_alone(world):
    person = world.home.staff.user
    User.objects.filter(pk=person.pk).update(second_factor_open=False)
    client = password_only("riverbend-staff")
    page = client.get(reverse("accounts:two_factor"))
    assert page.status_code == 403 and "ask an admin" in page.content.decode()
    assert not TOTPDevice.objects.filter(user=person).exists()
    assert client.get(reverse("accounts:home")).status_code == 302


def test_an_admin_reset_sends_a_single_use_set_up_link_and_is_audited(world, mailoutbox):
    person = world.home.staff.user
    User.objects.filter(pk=person.pk).update(email="staff@example.org")
    confirmed_device(person)
    admin = world.client(world.home.admin)
    assert admin.post(reverse("accounts:reset_two_factor", args=[world.home.staff.pk])).status_code == 302
    assert not TOTPDevice.objects.filter(user=person).exists()
    event = AuditEvent.objects.get(action="account.two_factor.reset")
    assert event.organization == world.home.organization and event.detail["member"] == "riverbend-staff"
    link = re.search(r"https?://\S+", mailoutbox[0].body).group(0).split("testserver", 1)[1]

    # Someone with only the password, without the link, cannot enrol.
    assert password_only("riverbend-staff").get(reverse("accounts:two_factor")).status_code == 403
    client = password_only("riverbend-staff")
    assert client.get(link)["Location"] == reverse("accounts:two_factor")
    assert len(enrol(client, "riverbend-staff")) == 10
    other = password_only("riverbend-staff")
    assert other.get(link).status_code == 410  # the link is spent


def test_reset_by_a_non_admin_or_an_outsider_is_refused(world):
    confirmed_device(world.home.staff.user)
    target = reverse("accounts:reset_two_factor", args=[world.home.staff.pk])
    assert world.client(world.home.analyst).post(target).status_code == 403
    for role in ("admin", "staff", "analyst", "viewer"):
        assert world.client(world.outsider.members[role]).post(target).status_code == 404
    assert reverse("accounts:login") in world.client().post(target)["Location"]
    assert TOTPDevice.objects.filter(user=world.home.staff.user, confirmed=True).exists()
