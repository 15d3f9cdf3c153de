"""The rules an encounter must meet, in one place: validate_encounter() applies them on the server, and the quick
entry page receives the same values (entry_rules) to check a record on the phone before it is queued, so the two
never disagree. Messages are the worker's language; the server's own problems keep naming the field."""

from django.conf import settings
from django.utils.translation import gettext as _

from meetpoint.outreach.models import NaloxoneKitStatus, TestResult

# Ceilings of per-encounter counts that are not catalog items; a site changes them in MEETPOINT_OUTREACH_MAX.
COUNT_CEILINGS = {
    "syringes_collected": 10000,
    "secondary_for_people": 50,
    "referrals_made": 20,
    "reversals_reported": 20,
}


def ceiling(name: str, default: int | None = None) -> int:
    """The configured ceiling of a per-encounter count (MEETPOINT_OUTREACH_MAX overrides COUNT_CEILINGS)."""
    fallback = COUNT_CEILINGS.get(name, 0) if default is None else default
    return int(getattr(settings, "MEETPOINT_OUTREACH_MAX", {}).get(name, fallback))


def entry_rules(catalog: dict) -> dict:
    """What the phone checks before queueing a record: the same ceilings and choices the server applies."""
    return {
        "items": {
            code: {
                "max": item.max_per_encounter,
                "name": str(item.name),
                "naloxone": item.category == "naloxone",
            }
            for code, item in catalog.items()
        },
        "counts": {name: ceiling(name) for name in COUNT_CEILINGS},
        "kit_statuses": [value for value in NaloxoneKitStatus.values if value],
        "refill": NaloxoneKitStatus.REFILL.value,
        "positive": TestResult.POSITIVE.value,
        "messages": {
            "negative": _("%(field)s: cannot be less than 0."),
            "ceiling": _("%(field)s: %(value)s is more than %(max)s for one encounter. Check the number."),
            "refill_reason": _("Naloxone: say why a refill was needed (used, lost, expired or taken)."),
            "refill_only": _("Naloxone: a reason is only for a refill."),
            "kits_without_status": _("Naloxone: say whether this is a first kit or a refill."),
            "status_without_kits": _("Naloxone: add the kits handed out, or clear first kit / refill."),
            "linked": _("%(field)s: linkage to care is recorded for a positive test."),
            "measure": _("Collected: give the litres or pounds for an estimate."),
            "fix": _("Not saved yet — correct this first:"),
        },
    }
