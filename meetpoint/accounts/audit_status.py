"""The last result of `meetpoint verify_audit`, remembered in the shared cache for the site administrators'
home page (a cron run's answer is otherwise only in its mail)."""

from datetime import datetime

from django.core.cache import cache
from django.utils import timezone

KEY = "meetpoint:verify-audit:last"


def remember(ok: bool, message: str) -> None:
    cache.set(KEY, {"ok": ok, "message": message, "at": timezone.now().isoformat()}, timeout=None)


def last() -> dict | None:
    """{"ok", "message", "at"} of the newest run, or None when it has not run (or the cache was cleared)."""
    found = cache.get(KEY)
    if found:
        found = {**found, "at": datetime.fromisoformat(found["at"])}
    return found
