"""A signed-in person's own account: memberships, where they are signed in (sign out the others), API tokens,
password change, e-mail address change (confirmed from the new address) and new recovery codes. Password reset
by e-mail is Django's own views and tokens (accounts/urls.py), which answer the same for known and unknown
addresses."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meetpoint.accounts import actions, mail
from meetpoint.accounts.forms import EmailChangeForm
from meetpoint.accounts.models import RecoveryCodeSet
from meetpoint.accounts.queries import memberships_of, sessions_of, tokens_of
from meetpoint.accounts.two_factor import is_verified
from meetpoint.errors import ActionError
from meetpoint.forms_flow import submit


def _page(request: HttpRequest, email_form: EmailChangeForm, status: int = 200) -> HttpResponse:
    user = request.user
    codes = RecoveryCodeSet.objects.filter(user=user, confirmed=True).first()
    context = {
        "memberships": memberships_of(user),
        "sessions": sessions_of(user, request.session.session_key),
        "tokens": tokens_of(user),
        "email_form": email_form,
        "recovery_codes_left": codes.remaining() if codes else None,
        "verified": is_verified(user),
    }
    return render(request, "accounts/settings.html", context, status=status)


@login_required
def account_settings(request: HttpRequest) -> HttpResponse:
    return _page(request, EmailChangeForm())


@login_required
@require_POST
def change_email(request: HttpRequest) -> HttpResponse:
    form = EmailChangeForm(request.POST)

    def ask(data: dict):
        token = actions.request_email_change(request.user, data["email"], data["password"])
        mail.send_email_confirmation(request, request.user, data["email"], token)
        return data["email"]

    return submit(
        request,
        form,
        ask,
        then=lambda _email: redirect("accounts:settings"),
        page=lambda status: _page(request, form, status),
        done=_("We sent a confirmation link to the new address. The change takes effect when you open it."),
    )


@login_required
def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        email = actions.confirm_email_change(request.user, token)
    except ActionError as problem:
        return render(
            request, "accounts/link_refused.html", {"message": problem.message}, status=problem.status
        )
    messages.success(request, _("Your e-mail address is now %(email)s.") % {"email": email})
    return redirect("accounts:settings")


@login_required
@require_POST
def sign_out_others(request: HttpRequest) -> HttpResponse:
    count = actions.sign_out_other_sessions(request.user, request.session.session_key)
    messages.success(request, _("Signed out of %(count)s other sessions.") % {"count": count})
    return redirect("accounts:settings")


@login_required
@require_POST
def new_recovery_codes(request: HttpRequest) -> HttpResponse:
    """Replaces the recovery codes (the old ones stop working) and shows the new ones once."""
    if not is_verified(request.user):
        return render(
            request,
            "accounts/link_refused.html",
            {"message": _("Sign in with your authenticator app first.")},
            status=403,
        )
    codes = actions.replace_recovery_codes(request.user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": "/account/settings/"})
