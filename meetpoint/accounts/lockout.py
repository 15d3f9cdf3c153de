"""Throttling of failed sign-ins that cannot be turned against a colleague.

Failures are counted per username *and* client address. After MEETPOINT_LOCKOUT_FAILURES failures within
MEETPOINT_LOCKOUT_MINUTES from one address, that address must wait before it may try that username again (even
with the right password); each further failure doubles the wait, up to the whole window. Someone who knows a
colleague's username therefore slows only their own address down: the colleague, signing in from anywhere else,
is not held up. Guessing spread over many addresses meets a second, username-wide brake: a short growing delay
(seconds, never a lock) once MEETPOINT_LOCKOUT_FAILURES × 4 failures have come from several addresses (each
address counting at most MEETPOINT_LOCKOUT_FAILURES). An admin can lift
both (`actions.unlock_account`, audited).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models import Count, Max
from django.dispatch import receiver
from django.utils import timezone

from meetpoint.accounts.models import SignInFailure

FIRST_WAIT_SECONDS = 60  # the first wait of an address over the limit; then 2, 4, 8 … minutes
SPREAD_FACTOR = 4  # the username-wide brake starts at this many times the per-address limit
SPREAD_MAX_SECONDS = 30  # and never asks for more than this between tries


def _window() -> timedelta:
    return timedelta(minutes=settings.MEETPOINT_LOCKOUT_MINUTES)


def normalize(username: str | None) -> str:
    return (username or "").strip().lower()[:150]


def _wait(failures: int, limit: int, first: float, cap: float) -> float:
    if failures < limit:
        return 0.0
    return min(cap, first * 2 ** (failures - limit))


def seconds_to_wait(username: str | None, address: str | None, now: datetime | None = None) -> int:
    """How long `address` must wait before trying `username` again (0: it may try now)."""
    now = now or timezone.now()
    limit = settings.MEETPOINT_LOCKOUT_FAILURES
    recent = SignInFailure.objects.filter(username=normalize(username), at__gte=now - _window())
    by_address = {
        row["ip_address"]: row for row in recent.values("ip_address").annotate(n=Count("id"), last=Max("at"))
    }
    waits = [0.0]
    here = by_address.get(address)
    if here and here["n"] >= limit:
        wait = _wait(here["n"], limit, FIRST_WAIT_SECONDS, _window().total_seconds())
        waits.append(wait - (now - here["last"]).total_seconds())
    # Each address counts at most `limit` towards the username-wide brake: one address hammering away is already
    # held up by its own wait and must not slow a colleague elsewhere.
    spread = sum(min(row["n"], limit) for row in by_address.values())
    if spread >= limit * SPREAD_FACTOR:
        last = max(row["last"] for row in by_address.values())
        wait = _wait(spread, limit * SPREAD_FACTOR, 1, SPREAD_MAX_SECONDS)
        waits.append(wait - (now - last).total_seconds())
    return max(0, int(max(waits) + 0.999))


def client_address(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


@dataclass(frozen=True)
class LockedAccount:
    username: str
    addresses: int
    failures: int
    last: datetime


def locked_accounts(usernames: list[str] | None = None) -> list[LockedAccount]:
    """Usernames that some address must wait for now, with how many addresses and failures (newest first)."""
    now = timezone.now()
    recent = SignInFailure.objects.filter(at__gte=now - _window())
    if usernames is not None:
        recent = recent.filter(username__in=[normalize(name) for name in usernames])
    pairs = recent.values("username", "ip_address").annotate(n=Count("id"), last=Max("at"))
    found: dict[str, LockedAccount] = {}
    for pair in pairs:
        if seconds_to_wait(pair["username"], pair["ip_address"], now) > 0:
            seen = found.get(pair["username"])
            found[pair["username"]] = LockedAccount(
                pair["username"],
                (seen.addresses if seen else 0) + 1,
                (seen.failures if seen else 0) + pair["n"],
                max(pair["last"], seen.last) if seen else pair["last"],
            )
    return sorted(found.values(), key=lambda account: account.last, reverse=True)


def forget(username: str) -> int:
    """Clears every counted failure of `username` (an admin's unlock); returns how many there were."""
    return SignInFailure.objects.filter(username=normalize(username)).delete()[0]


class LockoutBackend(ModelBackend):
    """The model backend, refusing an address that must wait before the password is even checked."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(self._username_field())
        wait = seconds_to_wait(username, client_address(request))
        if wait:
            if request is not None:
                request.sign_in_wait = wait
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)

    @staticmethod
    def _username_field() -> str:
        from django.contrib.auth import get_user_model

        return get_user_model().USERNAME_FIELD


@receiver(user_login_failed)
def remember_failure(sender, credentials, request=None, **kwargs):
    SignInFailure.objects.create(
        username=normalize(credentials.get("username")), ip_address=client_address(request)
    )
    SignInFailure.objects.filter(at__lt=timezone.now() - _window() * 4).delete()  # keep the table small


@receiver(user_logged_in)
def forget_failures_from_here(sender, request, user, **kwargs):
    # Only this address's failures: a success here says nothing about guesses from elsewhere.
    SignInFailure.objects.filter(
        username=normalize(user.get_username()), ip_address=client_address(request)
    ).delete()
