"""The shared test world: two unrelated partner organizations with a member of every role each, a coalition,
and helpers to act as any of them. Every view and endpoint test uses it, with the outsider and anonymous cases."""

import time
from dataclasses import dataclass, field

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from meetpoint.accounts import actions
from meetpoint.accounts.models import Membership, Organization
from meetpoint.accounts.roles import PartnerType, Role

PASSWORD = "correct-horse-battery-staple"  # noqa: S105 — test world only
ROLES = (Role.ADMIN, Role.STAFF, Role.ANALYST, Role.VIEWER)


@dataclass
class Side:
    """One organization of the test world and its members by role."""

    organization: Organization
    members: dict[str, Membership] = field(default_factory=dict)

    @property
    def admin(self) -> Membership:
        return self.members[Role.ADMIN]

    @property
    def staff(self) -> Membership:
        return self.members[Role.STAFF]

    @property
    def analyst(self) -> Membership:
        return self.members[Role.ANALYST]

    @property
    def viewer(self) -> Membership:
        return self.members[Role.VIEWER]


@dataclass
class World:
    home: Side  # the organization under test
    outsider: Side  # an unrelated organization that must never see the home side's records
    coalition: Side

    def client(self, membership: Membership | None = None) -> Client:
        """A client signed in as `membership` (acting for its organization), or anonymous when None."""
        client = Client()
        if membership is not None:
            sign_in_verified(client, membership.user)
            session = client.session
            session["acting_membership_id"] = membership.pk
            session.save()
        return client

    def token(self, membership: Membership) -> dict:
        """Headers for an API call authenticated by a bearer token of `membership`."""
        return {"Authorization": f"Bearer {actions.issue_token(membership, 'test')}"}


def make_side(name: str, slug: str, partner_type: str) -> Side:
    organization = actions.create_organization(name, partner_type, slug=slug)
    side = Side(organization)
    for role in ROLES:
        side.members[role] = actions.add_member(organization, f"{slug}-{role}", role, password=PASSWORD)
    return side


def make_world() -> World:
    return World(
        home=make_side("Riverbend Harm Reduction", "riverbend", PartnerType.HARM_REDUCTION),
        outsider=make_side("Lakeside Hospital", "lakeside", PartnerType.HOSPITAL),
        coalition=make_side("Three Rivers Prevention Coalition", "three-rivers", PartnerType.COALITION),
    )


def confirmed_device(user) -> TOTPDevice:
    """The user's authenticator, as if they had set one up (two-factor sign-in is required for staff and admins)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test authenticator", confirmed=True)


def sign_in_verified(client: Client, user) -> Client:
    """Signs `user` in on a test client as after both sign-in steps (password and authenticator code)."""
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = confirmed_device(user).persistent_id
    session.save()
    return client


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def sign_in(page, username: str, password: str = PASSWORD, next_url: str = "") -> None:
    """Signs in through the real sign-in form in a browser, answering the two-step page like an authenticator app."""
    page.goto("/account/sign-in/" + (f"?next={next_url}" if next_url else ""))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if "/account/two-factor/" in page.url:
        device = TOTPDevice.objects.filter(user__username=username).order_by("-confirmed", "-id").first()
        page.get_by_label("Code", exact=True).fill(current_code(device))
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()
        if "/account/two-factor/" in page.url and not page.locator("#recovery-codes").count():
            # A code is used once: a second sign-in within the same 30 s waits for the next one, as a person would.
            time.sleep(device.step - (time.time() - device.t0) % device.step + 1)
            page.get_by_label("Code", exact=True).fill(current_code(device))
            page.get_by_role("button", name="Continue").click()
            page.wait_for_load_state()
        if page.locator("#recovery-codes").count():  # the first sign-in shows the recovery codes once
            page.locator("#recovery-codes ~ p a").click()
            page.wait_for_load_state()


def run_bench(module: str, *args: str):
    """Runs `python -m bench.<module> ARGS` the way a person would, on the benchmark's own temporary database
    (DATABASE_URL is left out), and returns the finished process: tests read its output, never its timings."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    return subprocess.run(  # noqa: S603 -- this interpreter and a module of the project's own bench package
        [sys.executable, "-m", f"bench.{module}", *args],
        cwd=Path(__file__).resolve().parents[1],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
