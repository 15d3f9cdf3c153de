from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from meetpoint.testworld import PASSWORD, current_code


def signed_in_with_password_only(username: str) -> Client:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_staff_must_set_up_a_second_factor_before_any_page(world):
    client = signed_in_with_password_only("riverbend-staff")
    response = client.get(reverse("accounts:home"))
    assert response.status_code == 302 and reverse("accounts:two_factor") in response["Location"]
    page = client.get(reverse("accounts:two_factor")).content.decode()
    assert 'id="totp-secret"' in page and "<svg" in page


def test_half_signed_in_staff_get_nothing_from_the_api(world):
    client = signed_in_with_password_only("riverbend-staff")
    assert client.get("/api/v1/outreach/summary").status_code == 401


def test_correct_code_confirms_the_authenticator_and_opens_the_pages(world):
    client = signed_in_with_password_only("riverbend-admin")
    client.get(reverse("accounts:two_factor"))
    device = TOTPDevice.objects.get(user__username="riverbend-admin", confirmed=False)
    response = client.post(
        reverse("accounts:two_factor"), {"code": current_code(device), "next": "/account/"}
    )
    assert response.status_code == 200 and 'id="recovery-codes"' in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("accounts:home")).status_code == 200


def test_wrong_code_is_refused_with_a_message(world):
    client = signed_in_with_password_only("riverbend-staff")
    response = client.post(reverse("accounts:two_factor"), {"code": "000000"})
    assert response.status_code == 400
    assert "did not match" in response.content.decode()
    assert client.get(reverse("accounts:home")).status_code == 302


def test_aggregate_roles_sign_in_with_a_password(world):
    client = signed_in_with_password_only("riverbend-analyst")
    assert client.get(reverse("accounts:home")).status_code == 200


def test_outside_redirects_are_not_followed(world):
    client = signed_in_with_password_only("riverbend-staff")
    client.get(reverse("accounts:two_factor"))
    device = TOTPDevice.objects.get(user__username="riverbend-staff")
    response = client.post(
        reverse("accounts:two_factor"), {"code": current_code(device), "next": "https://evil.example/"}
    )
    assert 'href="/account/"' in response.content.decode() and "evil.example" not in response.content.decode()


def test_anonymous_is_sent_to_sign_in_from_the_two_factor_page(world):
    assert world.client().get(reverse("accounts:two_factor"))["Location"] == reverse("accounts:login")


def test_pages_carry_a_strict_content_security_policy(world):
    response = world.client().get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
