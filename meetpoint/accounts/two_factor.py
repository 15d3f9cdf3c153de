"""Two-factor sign-in (TOTP, RFC 6238) for everyone who can see participant-level data.

A user with an admin or staff membership anywhere, or a site administrator, must confirm an authenticator app
once and enter a code at each sign-in. Until then every page but these answers with a redirect here, and
`request.membership` is empty, so a half-signed-in session sees no more than the public.
"""

from django.conf import settings
from django.contrib.auth import logout
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from meetpoint.accounts.models import Membership
from meetpoint.accounts.roles import PARTICIPANT_LEVEL_ROLES

EXEMPT_PREFIXES = ("/static/", "/i18n/")


def requires_second_factor(user) -> bool:
    if not getattr(settings, "MEETPOINT_REQUIRE_2FA", True) or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(user=user, role__in=PARTICIPANT_LEVEL_ROLES).exists()


def is_verified(user) -> bool:
    return bool(getattr(user, "is_verified", lambda: False)())


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


def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator (first time) or enter the current code (every sign-in)."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    user = request.user
    next_url = request.POST.get("next") or request.GET.get("next") or reverse("accounts:home")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("accounts:home")
    setting_up = not user_has_device(user, confirmed=True)
    device = (
        TOTPDevice.objects.get_or_create(user=user, confirmed=False, defaults={"name": "Authenticator app"})[
            0
        ]
        if setting_up
        else None
    )
    error = ""
    if request.method == "POST":
        if "cancel" in request.POST:
            logout(request)
            return redirect("accounts:login")
        token = "".join(ch for ch in request.POST.get("code", "") if ch.isdigit())
        candidates = [device] if setting_up else TOTPDevice.objects.filter(user=user, confirmed=True)
        for candidate in candidates:
            if candidate.verify_token(token):
                if setting_up:
                    from meetpoint.accounts import audit

                    with transaction.atomic():
                        candidate.confirmed = True
                        candidate.save(update_fields=["confirmed"])
                        audit.record("accounts.two_factor.enrolled", request=request, user=user)
                otp_login(request, candidate)
                return redirect(next_url)
        error = _("That code did not match. Enter the 6 digits your authenticator app shows now.")
    context = {"setting_up": setting_up, "error": error, "next": next_url}
    if setting_up:
        context.update(qr_svg=_qr_svg(device.config_url), secret=_base32(device.bin_key))
    return render(request, "accounts/two_factor.html", context)


def _base32(key: bytes) -> str:
    import base64

    return base64.b32encode(key).decode().rstrip("=")
