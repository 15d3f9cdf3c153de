"""The whole path of a growing network, in a phone-sized browser: a site administrator adds an organization and
invites its admin by e-mail (read from a real SMTP server), who sets a password, enrols the authenticator with a
code the test computes, and invites a staff member, who later resets a forgotten password."""

import base64
import re

import pytest
from django_otp.oath import totp

from meetpoint.testworld import PASSWORD, sign_in

ADMIN_PASSWORD = "heron-lighthouse-velvet-31"  # noqa: S105 — test only
STAFF_PASSWORD = "maple-canyon-whistle-58"  # noqa: S105 — test only
STAFF_NEW_PASSWORD = "copper-tundra-sparrow-94"  # noqa: S105 — test only


def code_for(secret: str) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key):06d}"


def link_in(message, path_part: str) -> str:
    found = re.search(r"https?://[^/\s]+(" + re.escape(path_part) + r"\S*)", message.get_content())
    assert found, message.get_content()
    return found.group(1)


def accept_and_enrol(page, link: str, username: str, password: str) -> list[str]:
    """Opens an invitation, chooses a username and password, enrols the authenticator; returns the recovery codes."""
    page.goto(link)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Password again").fill(password)
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url("**/account/two-factor/**")
    assert page.locator("#otpauth-link").get_attribute("href").startswith("otpauth://totp/")
    page.get_by_label("Code", exact=True).fill(code_for(page.locator("#totp-secret").inner_text()))
    page.get_by_role("button", name="Continue").click()
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="I have kept them, continue").click()
    return codes


def sign_out(page) -> None:
    """Opens the phone's menu (a closed <details> on a narrow screen), then signs out from it, as a user would."""
    page.locator("#menu > summary").click()
    page.locator("nav").get_by_role("button", name="Sign out").click()
    # The sign-out first clears what the phone saved (layout.js), then posts: wait for the signed-out page itself.
    page.locator("body[data-signed-in=no]").wait_for()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_network_grows_without_a_site_administrator_at_every_step(browser_page, smtp_server):
    from meetpoint.accounts.models import User

    User.objects.create_superuser("operator", "operator@example.org", PASSWORD)
    page = browser_page

    # The site administrator signs in (enrolling an authenticator) and lands on their own home page.
    sign_in(page, "operator")
    page.wait_for_url("**/account/site/")
    page.get_by_label("Organization name").fill("Valley Peer Network")
    page.get_by_label("Kind of partner").select_option("peer_support")
    page.get_by_label("E-mail address of its first admin").fill("lead@example.org")
    page.get_by_role("button", name="Add and invite its admin").click()
    assert page.get_by_text("Invitation sent to lead@example.org.").is_visible()
    sign_out(page)

    # The new organization's admin accepts, sets a password and enrols two-step sign-in in one flow.
    invitation = smtp_server.wait_for(1)
    assert invitation["To"] == "lead@example.org"
    accept_and_enrol(page, link_in(invitation, "/account/invitation/"), "valley-lead", ADMIN_PASSWORD)
    assert page.get_by_role("heading", name="Valley Peer Network").is_visible()

    # … and invites a staff member.
    page.goto("/account/members/")
    page.get_by_label("E-mail address").fill("outreach@example.org")
    page.get_by_label("Role").select_option("staff")
    page.get_by_role("button", name="Send the invitation").click()
    assert page.get_by_text("Invitation sent to outreach@example.org.").is_visible()
    sign_out(page)

    staff_invitation = smtp_server.wait_for(2)
    codes = accept_and_enrol(
        page, link_in(staff_invitation, "/account/invitation/"), "valley-outreach", STAFF_PASSWORD
    )
    sign_out(page)

    # The staff member forgets the password and resets it by e-mail.
    page.goto("/account/sign-in/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("E-mail address").fill("outreach@example.org")
    page.get_by_role("button", name="Send the link").click()
    assert page.get_by_role("heading", name="Check your e-mail").is_visible()
    reset = smtp_server.wait_for(3)
    assert reset["To"] == "outreach@example.org"
    page.goto(link_in(reset, "/account/password/reset/"))
    page.get_by_label("New password", exact=True).fill(STAFF_NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(STAFF_NEW_PASSWORD)
    page.get_by_role("button", name="Save the password").click()
    page.get_by_role("link", name="Sign in").last.click()

    # Signing in with the new password; the phone is not at hand, so a recovery code is the second step.
    page.get_by_label("Username").fill("valley-outreach")
    page.get_by_label("Password").fill(STAFF_NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/account/two-factor/**")
    page.get_by_text("No phone at hand? Use a recovery code").click()
    page.get_by_label("Recovery code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_role("heading", name="Valley Peer Network").is_visible()
