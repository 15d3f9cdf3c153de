"""The organization's van today, for the role home pages (meetpoint/navigation.py): where it stops next."""

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from meetpoint.directory.hours import LocalClock, is_open
from meetpoint.directory.models import Schedule


def next_stop(membership, now=None) -> str:
    """ "Riverbend Van: 14:00–16:00, Library lot" for the organization's next (or current) mobile stop today."""
    clock = LocalClock(now or timezone.now())
    today = clock.local(None).date()
    rows = (
        Schedule.objects.filter(
            location__organization_id=membership.organization_id, location__is_mobile=True
        )
        .filter(Q(date=today) | Q(date__isnull=True, weekday=today.weekday()))
        .select_related("location")
        .order_by("opens_at")
    )
    for row in rows:
        local = clock.local(row.timezone)
        if row.closes_at <= local.time().replace(tzinfo=None):
            continue  # finished
        if row.valid_from and local.date() < row.valid_from or row.valid_to and local.date() > row.valid_to:
            continue
        hours = f"{time_format(row.opens_at, 'H:i')}–{time_format(row.closes_at, 'H:i')}"
        where = row.stop_name or row.location.name
        if is_open(row, clock):
            return _("%(unit)s is at %(where)s now, until %(closes)s") % {
                "unit": row.location.name,
                "where": where,
                "closes": time_format(row.closes_at, "H:i"),
            }
        return _("%(unit)s: next stop %(hours)s, %(where)s") % {
            "unit": row.location.name,
            "hours": hours,
            "where": where,
        }
    return ""
