"""What a completed password sign-in leaves behind: the session is named (so its owner can see it and sign it
out from another device), and an account that needs no second step counts as used, which closes enrolment of an
authenticator by password alone (accounts/two_factor.py)."""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from meetpoint.accounts.models import SignedInSession, User


@receiver(user_logged_in)
def remember_session(sender, request, user, **kwargs):
    from meetpoint.accounts.lockout import client_address
    from meetpoint.accounts.two_factor import requires_second_factor

    if request is None or not hasattr(request, "session"):
        return
    if request.session.session_key is None:
        request.session.save()
    SignedInSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "ip_address": client_address(request),
            "user_agent": request.headers.get("User-Agent", "")[:200],
        },
    )
    # Only while two-step sign-in is on: a deployment that turns it on later still lets its members enrol.
    if user.second_factor_open and settings.MEETPOINT_REQUIRE_2FA and not requires_second_factor(user):
        User.objects.filter(pk=user.pk).update(second_factor_open=False)
        user.second_factor_open = False


@receiver(user_logged_out)
def forget_session(sender, request, user, **kwargs):
    if request is not None and getattr(request, "session", None) is not None and request.session.session_key:
        SignedInSession.objects.filter(session_key=request.session.session_key).delete()
