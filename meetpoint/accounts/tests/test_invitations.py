import re
from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meetpoint.accounts import actions
from meetpoint.accounts.models import AuditEvent, MemberInvitation, Membership, User

NEW_PASSWORD = "plum-harbour-lantern-42"  # noqa: S105 — test only


def invite(world, client=None, email="new.worker@example.org", role="staff", language="en"):
    client = client or world.client(world.home.admin)
    return client.post(reverse("accounts:members"), {"email": email, "role": role, "language": language})


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0).split("testserver", 1)[1]


def test_admin_invites_by_email_and_the_link_works_once(world, mailoutbox):
    assert invite(world).status_code == 302
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["new.worker@example.org"]
    assert "Riverbend Harm Reduction" in mailoutbox[0].subject
    link = link_in(mailoutbox[0])
    invitation = MemberInvitation.objects.get()
    assert link.split("/")[-2] not in invitation.token_hash  # only a hash of the token is kept

    newcomer = Client()
    page = newcomer.get(link)
    assert page.status_code == 200 and "Join Riverbend Harm Reduction" in page.content.decode()
    answer = newcomer.post(
        link, {"username": "new-worker", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert answer.status_code == 302
    membership = Membership.objects.get(user__username="new-worker")
    assert membership.organization == world.home.organization and membership.role == "staff"
    assert membership.user.email == "new.worker@example.org"
    # Staff see participant-level work: the next step is enrolling the authenticator, in the same flow.
    following = newcomer.get(reverse("accounts:home"))
    assert reverse("accounts:two_factor") in following["Location"]
    assert 'id="otpauth-link"' in newcomer.get(reverse("accounts:two_factor")).content.decode()

    again = Client().get(link)
    assert again.status_code == 410 and "already been used" in again.content.decode()
    actions_logged = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"account.invitation.sent", "account.invitation.accepted"} <= actions_logged


def test_weak_password_is_refused_and_nothing_is_written(world, mailoutbox):
    invite(world)
    link = link_in(mailoutbox[0])
    answer = Client().post(link, {"username": "new-worker", "password1": "12345678", "password2": "12345678"})
    assert answer.status_code == 400
    assert "too short" in answer.content.decode() or "too common" in answer.content.decode()
    assert not User.objects.filter(username="new-worker").exists()
    assert MemberInvitation.objects.get().accepted_at is None


def test_expired_invitation_is_a_clear_page(world):
    invitation, token = actions.invite_member(
        world.home.admin.user, world.home.admin, world.home.organization, "late@example.org", "viewer"
    )
    MemberInvitation.objects.filter(pk=invitation.pk).update(expires=timezone.now() - timedelta(minutes=1))
    page = Client().get(reverse("accounts:accept_invitation", args=[token]))
    assert page.status_code == 410 and "expired" in page.content.decode()


def test_an_address_that_is_already_a_member_is_refused(world):
    User.objects.filter(pk=world.home.viewer.user_id).update(email="viewer@example.org")
    answer = invite(world, email="VIEWER@example.org")
    assert answer.status_code == 409 and "already a member" in answer.content.decode()
    assert not MemberInvitation.objects.exists()


def test_resend_replaces_the_link_and_revoke_withdraws_it(world, mailoutbox):
    admin = world.client(world.home.admin)
    invite(world, admin)
    first = link_in(mailoutbox[0])
    invitation = MemberInvitation.objects.get()
    assert admin.post(reverse("accounts:resend_invitation", args=[invitation.pk])).status_code == 302
    second = link_in(mailoutbox[1])
    assert first != second
    assert Client().get(first).status_code == 404
    assert admin.post(reverse("accounts:revoke_invitation", args=[invitation.pk])).status_code == 302
    assert Client().get(second).status_code == 410
    assert admin.post(reverse("accounts:revoke_invitation", args=[invitation.pk])).status_code == 409


def test_only_admins_invite_and_outsiders_get_404(world, mailoutbox):
    assert invite(world, world.client(world.home.staff)).status_code == 403
    invite(world)
    invitation = MemberInvitation.objects.get()
    for role in ("admin", "staff", "analyst", "viewer"):
        outsider = world.client(world.outsider.members[role])
        assert outsider.post(reverse("accounts:revoke_invitation", args=[invitation.pk])).status_code == 404
    assert (
        world.client(world.home.staff)
        .post(reverse("accounts:revoke_invitation", args=[invitation.pk]))
        .status_code
        == 403
    )
    anonymous = world.client().post(reverse("accounts:revoke_invitation", args=[invitation.pk]))
    assert reverse("accounts:login") in anonymous["Location"]
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_the_invitation_email_is_in_the_invitees_language(world, mailoutbox):
    invite(world, language="es")
    assert "Riverbend Harm Reduction" in mailoutbox[0].subject
    assert "invitación" in mailoutbox[0].subject.lower() or "unirse" in mailoutbox[0].subject.lower()


def test_admins_invite_through_the_api(world, mailoutbox):
    headers = world.token(world.home.admin)
    answer = world.client().post(
        "/api/v1/accounts/invitations",
        {"email": "api.invitee@example.org", "role": "analyst"},
        content_type="application/json",
        headers=headers,
    )
    assert answer.status_code == 201 and answer.json()["status"] == "pending"
    assert "token" not in answer.content.decode() and len(mailoutbox) == 1
    invitation_id = answer.json()["id"]
    outsider = world.token(world.outsider.admin)
    refused = world.client().post(f"/api/v1/accounts/invitations/{invitation_id}/revoke", headers=outsider)
    assert refused.status_code == 404
    staff = world.token(world.home.staff)
    assert world.client().get("/api/v1/accounts/invitations", headers=staff).status_code == 403
    assert world.client().get("/api/v1/accounts/invitations").status_code == 401
    listed = world.client().get("/api/v1/accounts/invitations", headers=headers).json()
    assert [row["email"] for row in listed] == ["api.invitee@example.org"]
    twice = world.client().post(
        "/api/v1/accounts/invitations",
        {"email": "api.invitee@example.org", "role": "analyst"},
        content_type="application/json",
        headers=headers,
    )
    assert twice.status_code == 409 and twice.json()["errors"][0]["field"] == "email"
