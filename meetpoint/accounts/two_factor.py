"""Two-factor sign-in (TOTP, RFC 6238) for everyone who can see participant-level data.

A user with an admin or staff membership anywhere, or a site administrator, must confirm an authenticator app
once and enter a code (or one of ten single-use recovery codes) at each sign-in. Until then every page but these
answers with a redirect here, and `request.membership` is empty, so a half-signed-in session sees no more than
the public.

Enrolment is open to a password alone only until the account has been used (`User.second_factor_open`: a new
account from an invitation, or one that has never signed in). After that a new authenticator can be enrolled only
through the single-use link an admin's reset sends, so whoever learns a password cannot claim the second step.
"""

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from meetpoint.accounts import actions
from meetpoint.accounts.models import Membership, RecoveryCodeSet
from meetpoint.accounts.roles import PARTICIPANT_LEVEL_ROLES
from meetpoint.errors import ActionError

EXEMPT_PREFIXES = ("/static/", "/i18n/", "/account/two-factor/enrol/")  # an admin reset link: before the code
ENROLMENT_GRANT = "second_factor_enrolment_epoch"  # session key: an admin's reset link was opened here
NEW_CODES = "recovery_codes_to_show"  # session key: codes made at enrolment, shown once


def requires_second_factor(user) -> bool:
    if not getattr(settings, "MEETPOINT_REQUIRE_2FA", True) or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(user=user, role__in=PARTICIPANT_LEVEL_ROLES).exists()


def is_verified(user) -> bool:
    return bool(getattr(user, "is_verified", lambda: False)())


def may_enrol(request: HttpRequest) -> bool:
    user = request.user
    return user.second_factor_open or request.session.get(ENROLMENT_GRANT) == user.second_factor_epoch


class TwoFactorMiddleware:
    """After django_otp's OTPMiddleware: sends unverified users who need a second factor to the 2FA page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not is_verified(user) and requires_second_factor(user):
            request.membership = None
            allowed = (reverse("accounts:two_factor"), reverse("accounts:logout"))
            if not request.path.startswith(EXEMPT_PREFIXES) and request.path not in allowed:
                if request.path.startswith("/api/"):
                    return self.get_response(request)  # the API's session auth sees no membership: 401
                return redirect(f"{reverse('accounts:two_factor')}?next={request.get_full_path()}")
        return self.get_response(request)


def _qr_svg(url: str) -> str:
    import segno

    return segno.make(url, error="m").svg_inline(scale=4, dark="#1b1f24", light="#ffffff")


def _already_used(device: TOTPDevice, token: str) -> bool:
    """Whether `token` is a code of a time step that was already used to sign in (a replay, or a second try
    in the same 30 seconds)."""
    if not token.isdigit() or device.last_t < 0:
        return False
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    for offset in range(-device.tolerance, device.tolerance + 1):
        totp.drift = device.drift + offset
        if totp.t() <= device.last_t and totp.token() == int(token):
            return True
    return False


def _why_refused(devices: list[TOTPDevice], token: str) -> str:
    for device in devices:
        if not device.verify_is_allowed()[0]:
            return _(
                "Too soon after a wrong code: wait a few seconds, then enter the code your app shows now."
            )
    for device in devices:
        if _already_used(device, token):
            return _("That code was already used. Wait for your app to show the next one.")
    return _("That code did not match. Enter the 6 digits your authenticator app shows now.")


def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator (first time) or enter the current code (every sign-in)."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    user = request.user
    next_url = request.POST.get("next") or request.GET.get("next") or reverse("accounts:home")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("accounts:home")
    if request.method == "POST" and "cancel" in request.POST:
        logout(request)
        return redirect("accounts:login")
    if is_verified(user) and NEW_CODES in request.session:
        return _show_recovery_codes(request, next_url)
    confirmed = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    setting_up = not confirmed
    if setting_up and not may_enrol(request):
        return render(request, "accounts/two_factor_closed.html", status=403)
    device = (
        TOTPDevice.objects.get_or_create(user=user, confirmed=False, defaults={"name": "Authenticator app"})[
            0
        ]
        if setting_up
        else None
    )
    error = ""
    if request.method == "POST":
        recovery = request.POST.get("recovery", "").strip()
        token = "".join(ch for ch in request.POST.get("code", "") if ch.isdigit())
        if recovery and not setting_up:
            codes = RecoveryCodeSet.objects.filter(user=user, confirmed=True).first()
            if codes is not None and codes.verify_token(recovery):
                otp_login(request, codes)
                return redirect(next_url)
            error = _("That recovery code is not one of yours, or it was already used.")
        elif setting_up:
            if device.verify_token(token):
                request.session[NEW_CODES] = actions.confirm_authenticator(user, device)
                request.session.pop(ENROLMENT_GRANT, None)
                otp_login(request, device)
                return _show_recovery_codes(request, next_url)
            error = _("That code did not match. Enter the 6 digits your authenticator app shows now.")
        else:
            # Ask why before trying: a try records a failure and moves the throttle on.
            reason = _why_refused(confirmed, token)
            for candidate in confirmed:
                if candidate.verify_token(token):
                    otp_login(request, candidate)
                    return redirect(next_url)
            error = reason
    context = {"setting_up": setting_up, "error": error, "next": next_url}
    if setting_up:
        context.update(
            qr_svg=_qr_svg(device.config_url), secret=_base32(device.bin_key), otpauth_url=device.config_url
        )
    return render(request, "accounts/two_factor.html", context, status=400 if error else 200)


def _show_recovery_codes(request: HttpRequest, next_url: str) -> HttpResponse:
    """The recovery codes made at enrolment, shown once: they leave the session as the page is rendered."""
    codes = request.session.pop(NEW_CODES, [])
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": next_url})


def enrol(request: HttpRequest, token: str) -> HttpResponse:
    """An admin's reset link: after signing in with the password, the person may enrol an authenticator here."""
    from django.contrib.auth.views import redirect_to_login

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        request.session[ENROLMENT_GRANT] = actions.check_enrolment_token(request.user, token)
    except ActionError as problem:
        return render(
            request, "accounts/link_refused.html", {"message": problem.message}, status=problem.status
        )
    return redirect("accounts:two_factor")


def _base32(key: bytes) -> str:
    import base64

    return base64.b32encode(key).decode().rstrip("=")
