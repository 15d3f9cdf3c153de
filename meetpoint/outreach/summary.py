"""The unit's own numbers for a date range (both dates inclusive, in the site's time zone setting) and
optionally some sites: the one function the summary page, the API, the CLI and the indicators rely on."""

from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, Sum
from django.utils import timezone

from meetpoint.outreach.models import Encounter, EncounterSupply, OverdoseReport

SUMMARY_KEYS = (
    "encounters",
    "unique_participants",
    "syringes_distributed",
    "syringes_collected",
    "naloxone_kits",
    "fentanyl_test_strips",
    "xylazine_test_strips",
    "wound_care_kits",
    "referrals_made",
    "reversals_reported",
)
TESTS = ("hiv", "hcv", "sti")
TESTED = ("negative", "positive", "invalid")


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, day after end 00:00) as aware datetimes: index-friendly, both dates inclusive."""
    zone = timezone.get_current_timezone()
    low = timezone.make_aware(datetime.combine(start, time.min), zone)
    high = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), zone)
    return low, high


def encounters_in(organization_ids, start: date, end: date, site_ids=None):
    low, high = bounds(start, end)
    found = Encounter.objects.filter(
        organization_id__in=list(organization_ids), occurred_at__gte=low, occurred_at__lt=high
    )
    if site_ids:
        found = found.filter(location_id__in=list(site_ids))
    return found


def overdoses_in(organization_ids, start: date, end: date, site_ids=None):
    low, high = bounds(start, end)
    found = OverdoseReport.objects.filter(
        organization_id__in=list(organization_ids), occurred_at__gte=low, occurred_at__lt=high
    )
    if site_ids:
        found = found.filter(location_id__in=list(site_ids))
    return found


def summarize(organization_ids, start: date, end: date, site_ids=None) -> dict:
    """Whole-number counts (and the exchange ratio) of encounters, supplies, services and reports."""
    encounters = encounters_in(organization_ids, start, end, site_ids)
    tests = {}
    for test in TESTS:
        tests[f"{test}_tests"] = Count("id", filter=Q(**{f"{test}_test__in": TESTED}))
        tests[f"{test}_positive"] = Count("id", filter=Q(**{f"{test}_test": "positive"}))
        tests[f"{test}_linked_to_care"] = Count("id", filter=Q(**{f"{test}_linked": True}))
    counts = dict(
        encounters=Count("id"),
        anonymous_encounters=Count("id", filter=Q(participant__isnull=True)),
        unique_participants=Count("participant", distinct=True),
        syringes_collected=Sum("syringes_collected"),
        syringes_collected_estimated=Sum("syringes_collected", filter=Q(collected_estimated=True)),
        referrals_made=Sum("referrals_made"),
        reversals_reported=Sum("reversals_reported"),
        wound_care_services=Count("id", filter=Q(wound_care=True)),
        overdose_education=Count("id", filter=Q(overdose_education=True)),
        vaccinations=Count("id", filter=~Q(vaccination="")),
        secondary_distribution_encounters=Count("id", filter=Q(secondary_for_people__gt=0)),
        secondary_distribution_people=Sum("secondary_for_people"),
        naloxone_first_kits=Count("id", filter=Q(naloxone_kit_status="first")),
        naloxone_refills=Count("id", filter=Q(naloxone_kit_status="refill")),
        **tests,
    )
    # Aliases may not shadow field names (syringes_collected...), so aggregate under a prefix.
    totals = encounters.aggregate(**{f"total_{key}": value for key, value in counts.items()})
    summary = {key.removeprefix("total_"): int(value or 0) for key, value in totals.items()}
    items: dict[str, int] = {}
    naloxone: dict[str, dict] = {}
    by_category: dict[str, int] = {}
    doses = 0
    lines = (
        EncounterSupply.objects.filter(encounter__in=encounters)
        .values("supply_item__code", "supply_item__category")
        .annotate(quantity=Sum("quantity"), doses=Sum("doses"))
        .order_by("supply_item__code")
    )
    for line in lines:
        code, category = line["supply_item__code"], line["supply_item__category"]
        items[code] = int(line["quantity"])
        by_category[category] = by_category.get(category, 0) + int(line["quantity"])
        if category == "naloxone":
            naloxone[code] = {"kits": int(line["quantity"]), "doses": int(line["doses"])}
            doses += int(line["doses"])
    summary["syringes_distributed"] = by_category.get("syringe", 0)
    summary["naloxone_kits"] = by_category.get("naloxone", 0)
    summary["naloxone_doses"] = doses
    summary["fentanyl_test_strips"] = items.get("fentanyl-test-strip", 0)
    summary["xylazine_test_strips"] = items.get("xylazine-test-strip", 0)
    summary["wound_care_kits"] = items.get("wound-care-kit", 0)
    summary["tests"] = sum(summary[f"{test}_tests"] for test in TESTS)
    summary["positives"] = sum(summary[f"{test}_positive"] for test in TESTS)
    summary["linked_to_care"] = sum(summary[f"{test}_linked_to_care"] for test in TESTS)
    distributed = summary["syringes_distributed"]
    # Returned per distributed: 1.0 is a one-for-one exchange; None when nothing was distributed.
    summary["syringe_exchange_ratio"] = (
        round(summary["syringes_collected"] / distributed, 3) if distributed else None
    )
    reports = overdoses_in(organization_ids, start, end, site_ids).aggregate(
        overdose_reports=Count("id"), overdose_fatal=Count("id", filter=Q(fatal=True))
    )
    summary["overdose_reports"] = int(reports["overdose_reports"] or 0)
    summary["overdose_fatal"] = int(reports["overdose_fatal"] or 0)
    summary["items"] = items
    summary["naloxone_by_product"] = naloxone
    return summary
