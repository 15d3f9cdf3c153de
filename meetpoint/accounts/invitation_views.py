"""The invitee's side of an invitation: open the link, choose a username and password (Django's validators),
and go straight on to enrol the authenticator app (accounts/two_factor.py). A signed-in person whose account has
the invited address joins with one button instead."""

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation

from meetpoint.accounts import actions
from meetpoint.accounts.forms import AcceptInvitationForm
from meetpoint.errors import ActionError
from meetpoint.forms_flow import submit

BACKEND = "meetpoint.accounts.lockout.LockoutBackend"


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = actions.invitation_by_token(token)
    except ActionError as problem:
        return render(
            request, "accounts/link_refused.html", {"message": problem.message}, status=problem.status
        )
    if request.user.is_authenticated:
        return _join_as_signed_in(request, token, invitation)
    form = AcceptInvitationForm(request.POST or None)

    def accept(data: dict):
        membership = actions.accept_invitation(
            token, data["username"], data["password1"], translation.get_language() or invitation.language
        )
        login(request, membership.user, backend=BACKEND)
        request.session["acting_membership_id"] = membership.pk
        return membership

    def page(status: int) -> HttpResponse:
        return render(
            request,
            "accounts/accept_invitation.html",
            {"invitation": invitation, "form": form},
            status=status,
        )

    return submit(request, form, accept, then=lambda _m: redirect("accounts:home"), page=page)


def _join_as_signed_in(request: HttpRequest, token: str, invitation) -> HttpResponse:
    error, status = "", 200
    if request.method == "POST":
        try:
            membership = actions.accept_invitation_as(token, request.user)
        except ActionError as problem:
            error, status = problem.message, problem.status
        else:
            request.session["acting_membership_id"] = membership.pk
            return redirect("accounts:home")
    context = {"invitation": invitation, "signed_in": True, "error": error}
    return render(request, "accounts/accept_invitation.html", context, status=status)
