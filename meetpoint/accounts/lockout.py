"""Lockout after repeated failed sign-ins: a username with MEETPOINT_LOCKOUT_FAILURES failures within
MEETPOINT_LOCKOUT_MINUTES cannot sign in (even with the right password) until the window has passed."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from meetpoint.accounts.models import SignInFailure


def _window() -> timedelta:
    return timedelta(minutes=settings.MEETPOINT_LOCKOUT_MINUTES)


def _normalize(username: str | None) -> str:
    return (username or "").strip().lower()[:150]


def is_locked(username: str | None) -> bool:
    recent = SignInFailure.objects.filter(username=_normalize(username), at__gte=timezone.now() - _window())
    return recent.count() >= settings.MEETPOINT_LOCKOUT_FAILURES


class LockoutBackend(ModelBackend):
    """The model backend, refusing a locked username before the password is even checked."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(self._username_field())
        if is_locked(username):
            if request is not None:
                request.sign_in_locked = True
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)

    @staticmethod
    def _username_field() -> str:
        from django.contrib.auth import get_user_model

        return get_user_model().USERNAME_FIELD


@receiver(user_login_failed)
def remember_failure(sender, credentials, request=None, **kwargs):
    SignInFailure.objects.create(
        username=_normalize(credentials.get("username")),
        ip_address=request.META.get("REMOTE_ADDR") if request is not None else None,
    )
    SignInFailure.objects.filter(at__lt=timezone.now() - _window() * 4).delete()  # keep the table small


@receiver(user_logged_in)
def forget_failures(sender, request, user, **kwargs):
    SignInFailure.objects.filter(username=_normalize(user.get_username())).delete()
