"""Pages where an organization's admin manages its members: invitations (send, resend, revoke), unlocking a
username, resetting a member's two-step sign-in. Site administrators reach the same actions from their home page;
every refusal is a clear page, every change is audited by its action."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meetpoint.accounts import actions, lockout, mail
from meetpoint.accounts.forms import InvitationForm
from meetpoint.accounts.permissions import membership_required
from meetpoint.accounts.queries import members_of, pending_invitations
from meetpoint.errors import ActionError
from meetpoint.forms_flow import submit

ADMIN = frozenset({"admin"})


def _members_page(request: HttpRequest, form: InvitationForm, status: int = 200) -> HttpResponse:
    membership = request.membership
    members = members_of(membership)
    locked = {account.username for account in lockout.locked_accounts([m.user.username for m in members])}
    for member in members:
        member.is_locked = lockout.normalize(member.user.username) in locked
    context = {
        "members": members,
        "invitations": pending_invitations(membership.organization),
        "form": form,
    }
    return render(request, "accounts/members.html", context, status=status)


@membership_required(roles=ADMIN)
def members(request: HttpRequest) -> HttpResponse:
    """The organization's members and pending invitations; POST sends an invitation."""
    form = InvitationForm(request.POST or None)

    def invite(data: dict):
        invitation, token = actions.invite_member(
            request.user,
            request.membership,
            request.membership.organization,
            data["email"],
            data["role"],
            data["language"],
        )
        return _deliver(request, invitation, token)

    return submit(
        request,
        form,
        invite,
        then=lambda _result: redirect("accounts:members"),
        page=lambda status: _members_page(request, form, status),
    )


def _deliver(request: HttpRequest, invitation, token: str) -> None:
    """Sends the invitation e-mail; when sending fails the invitation stays pending, to be resent."""
    try:
        mail.send_invitation(request, invitation, token)
    except OSError:
        messages.warning(
            request,
            _("The invitation to %(email)s was saved but the e-mail could not be sent; resend it later.")
            % {"email": invitation.email},
        )
        return
    messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})


def _run(request: HttpRequest, step, back: str) -> HttpResponse:
    """Runs one management step, showing a refusal as a page at its status (404, 403, 409)."""
    try:
        step()
    except ActionError as problem:
        return render(
            request, "accounts/link_refused.html", {"message": problem.message}, status=problem.status
        )
    return redirect(back)


def _back(request: HttpRequest) -> str:
    return (
        "accounts:site_admin"
        if request.user.is_superuser and request.POST.get("from") == "site"
        else "accounts:members"
    )


@require_POST
def resend_invitation(request: HttpRequest, invitation_id: int) -> HttpResponse:
    def step():
        invitation, token = actions.resend_invitation(request.user, _acting(request), invitation_id)
        _deliver(request, invitation, token)

    return _guarded(request, lambda: _run(request, step, _back(request)))


@require_POST
def revoke_invitation(request: HttpRequest, invitation_id: int) -> HttpResponse:
    def step():
        invitation = actions.revoke_invitation(request.user, _acting(request), invitation_id)
        messages.success(
            request, _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email}
        )

    return _guarded(request, lambda: _run(request, step, _back(request)))


@require_POST
def unlock(request: HttpRequest, membership_id: int) -> HttpResponse:
    def step():
        actions.unlock_account(request.user, _acting(request), membership_id)
        messages.success(request, _("Sign-in unlocked."))

    return _guarded(request, lambda: _run(request, step, _back(request)))


@require_POST
def reset_second_factor(request: HttpRequest, membership_id: int) -> HttpResponse:
    def step():
        target, token = actions.reset_second_factor(request.user, _acting(request), membership_id)
        try:
            sent = mail.send_enrolment_link(request, target.user, target.organization.name, token)
        except OSError:
            sent = False
        if sent:
            messages.success(
                request,
                _("Two-step sign-in of %(user)s was reset; a set-up link was e-mailed to them.")
                % {"user": target.user.username},
            )
        else:
            from django.urls import reverse

            messages.warning(
                request,
                _("Two-step sign-in of %(user)s was reset. Give them this set-up link in person: %(link)s")
                % {
                    "user": target.user.username,
                    "link": mail.absolute(request, reverse("accounts:enrol", args=[token])),
                },
            )

    return _guarded(request, lambda: _run(request, step, _back(request)))


def _acting(request: HttpRequest):
    membership = request.membership
    return membership if membership else None


def _guarded(request: HttpRequest, then) -> HttpResponse:
    """Admins of the acting organization and site administrators; others are sent to sign in or refused."""
    from django.contrib.auth.views import redirect_to_login
    from django.core.exceptions import PermissionDenied

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.is_superuser and not _acting(request):
        raise PermissionDenied("You are not a member of any organization.")
    return then()
