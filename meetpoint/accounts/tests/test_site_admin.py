import re

from django.test import Client
from django.urls import reverse

from meetpoint.accounts.models import MemberInvitation, Organization, User
from meetpoint.testworld import sign_in_verified


def site_administrator() -> Client:
    user = User.objects.create_superuser("operator", "operator@example.org", "x-unused-password-1")
    return sign_in_verified(Client(), user)


def test_a_site_administrator_lands_on_a_home_page(world):
    from django.core.cache import cache

    from meetpoint.accounts import audit_status

    cache.delete(audit_status.KEY)
    client = site_administrator()
    answer = client.get(reverse("accounts:home"))
    assert answer["Location"] == reverse("accounts:site_admin")
    page = client.get(reverse("accounts:site_admin")).content.decode()
    assert "Riverbend Harm Reduction" in page and "Lakeside Hospital" in page
    assert "verify_audit has not run yet" in page


def test_a_site_administrator_adds_an_organization_and_invites_its_admin(world, mailoutbox):
    client = site_administrator()
    answer = client.post(
        reverse("accounts:site_admin"),
        {
            "name": "Valley Peer Network",
            "partner_type": "peer_support",
            "email": "lead@example.org",
            "language": "en",
        },
    )
    assert answer.status_code == 302
    organization = Organization.objects.get(name="Valley Peer Network")
    invitation = MemberInvitation.objects.get(organization=organization)
    assert invitation.role == "admin" and mailoutbox[0].to == ["lead@example.org"]
    assert re.search(r"/account/invitation/\S+/", mailoutbox[0].body)
    page = client.get(reverse("accounts:site_admin")).content.decode()
    assert "lead@example.org" in page and "account.invitation.sent" in page


def test_members_may_not_open_the_site_administrators_page(world):
    for role in ("admin", "staff", "analyst", "viewer"):
        assert world.client(world.home.members[role]).get(reverse("accounts:site_admin")).status_code == 403
    assert reverse("accounts:login") in world.client().get(reverse("accounts:site_admin"))["Location"]
    refused = world.client(world.home.admin).post(
        reverse("accounts:site_admin"), {"name": "X", "partner_type": "other", "email": "a@example.org"}
    )
    assert refused.status_code == 403 and not Organization.objects.filter(name="X").exists()


def test_the_last_verify_audit_result_is_shown(world):
    from django.core.management import call_command

    call_command("verify_audit")
    assert "Intact" in site_administrator().get(reverse("accounts:site_admin")).content.decode()
