"""Accounts API for organization admins: invite members (the invitation e-mail is sent, its link never appears
in an answer), resend or withdraw invitations, and unlock a member's sign-in. Another organization's invitation
or member is a 404."""

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from meetpoint.accounts import actions, mail
from meetpoint.accounts.api_auth import member_auth, require_role
from meetpoint.accounts.models import MemberInvitation
from meetpoint.accounts.queries import pending_invitations

router = Router(tags=["accounts"])
ADMIN = frozenset({"admin"})


class MemberInvitationIn(Schema):
    email: str = Field(max_length=254, json_schema_extra={"format": "email"})
    role: Literal["admin", "staff", "analyst", "viewer"]
    language: Literal["en", "es"] = "en"


class MemberInvitationOut(Schema):
    id: int
    email: str
    role: str
    status: str
    expires: datetime
    sent_count: int


class MemberUnlockOut(Schema):
    username: str
    failures_forgotten: int


def _out(invitation: MemberInvitation) -> dict:
    return {
        "id": invitation.pk,
        "email": invitation.email,
        "role": invitation.role,
        "status": invitation.status,
        "expires": invitation.expires,
        "sent_count": invitation.sent_count,
    }


@router.get("/invitations", auth=member_auth, response=list[MemberInvitationOut])
def list_invitations(request: HttpRequest):
    """The organization's invitations not yet accepted or withdrawn (expired ones can be resent)."""
    require_role(request.auth, ADMIN)
    return [_out(invitation) for invitation in pending_invitations(request.auth.organization)]


@router.post("/invitations", auth=member_auth, response={201: MemberInvitationOut})
def invite(request: HttpRequest, payload: MemberInvitationIn):
    """Invites an e-mail address with a role; the link goes by e-mail only. 409 when the address is already a
    member or has a pending invitation."""
    require_role(request.auth, ADMIN)
    membership = request.auth
    invitation, token = actions.invite_member(
        membership.user, membership, membership.organization, payload.email, payload.role, payload.language
    )
    mail.send_invitation(request, invitation, token)
    return 201, _out(invitation)


@router.post("/invitations/{invitation_id}/resend", auth=member_auth, response=MemberInvitationOut)
def resend(request: HttpRequest, invitation_id: int):
    """A new link by e-mail; the previous one stops working. 409 when accepted or withdrawn."""
    invitation, token = actions.resend_invitation(request.auth.user, request.auth, invitation_id)
    mail.send_invitation(request, invitation, token)
    return _out(invitation)


@router.post("/invitations/{invitation_id}/revoke", auth=member_auth, response=MemberInvitationOut)
def revoke(request: HttpRequest, invitation_id: int):
    """Withdraws the invitation; its link stops working."""
    return _out(actions.revoke_invitation(request.auth.user, request.auth, invitation_id))


@router.post("/members/{membership_id}/unlock", auth=member_auth, response=MemberUnlockOut)
def unlock(request: HttpRequest, membership_id: int):
    """Lifts the sign-in waits of the member's username, from every address."""
    forgotten = actions.unlock_account(request.auth.user, request.auth, membership_id)
    username = request.auth.organization.memberships.get(pk=membership_id).user.username
    return {"username": username, "failures_forgotten": forgotten}
