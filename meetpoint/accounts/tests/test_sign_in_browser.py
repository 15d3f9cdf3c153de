import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from meetpoint.testworld import PASSWORD, current_code


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_partner_signs_in_on_a_phone(browser_page):
    from meetpoint.testworld import make_world

    make_world()
    page = browser_page
    page.goto("/account/sign-in/")
    page.get_by_label("Username").fill("riverbend-staff")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # Staff see participant-level records: the first sign-in sets up an authenticator app.
    page.wait_for_url("**/account/two-factor/**")
    secret = page.locator("#totp-secret").inner_text()
    assert len(secret) >= 16 and page.locator(".qr svg").count() == 1
    assert page.locator("#otpauth-link").get_attribute("href").startswith("otpauth://totp/")
    device = TOTPDevice.objects.get(user__username="riverbend-staff")
    page.get_by_label("Code", exact=True).fill(current_code(device))
    page.get_by_role("button", name="Continue").click()
    # Ten recovery codes, shown once, then on to the work.
    assert page.locator("#recovery-codes li").count() == 10
    page.get_by_role("link", name="I have kept them, continue").click()
    assert page.get_by_role("heading", name="Riverbend Harm Reduction").is_visible()
