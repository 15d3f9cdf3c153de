"""Demo outreach: 180 days (ending region.today) of encounters for the two mobile units of
three-rivers-mobile-health and the fixed site of riverside-harm-reduction, with participants and overdose
reports. Each unit lands near the founding brief's example (~1,400 naloxone kits and ~41,000 syringes in 180
days). Deterministic: only region.rng is used.

The exact totals written are kept in region.extra["outreach_totals"] ({org slug: {site id: {key: number}}}),
counted here while generating, so tests (and people) can check `meetpoint outreach_summary` against them.
"""

import uuid
from collections import Counter
from datetime import datetime, time, timedelta

from django.utils import timezone

from meetpoint.directory.models import Schedule
from meetpoint.inventory.models import SupplyItem
from meetpoint.outreach import actions, rollups
from meetpoint.outreach.models import Encounter, EncounterSupply, OverdoseReport
from meetpoint.outreach.places import SUBSTANCES, snap_to_grid
from meetpoint.participants.codes import blind_index
from meetpoint.participants.demographics import AGE_BANDS, GENDER_IDENTITIES, RACE_ETHNICITY
from meetpoint.participants.models import Participant

DAYS = 180
NAMESPACE = uuid.UUID("0d6e4b8a-2f1d-4a8e-b7c5-3a9f1e6d2c40")  # demo UUIDs are derived, so reloads match
ZIP3S = ("152", "152", "152", "150", "151", "156")
NALOXONE = (
    ("naloxone-nasal-4mg", 85),
    ("naloxone-nasal-8mg", 6),
    ("naloxone-nasal-3mg", 4),
    ("naloxone-im", 5),
)
SYRINGES = (
    ("syringe-1ml-28g", 50),
    ("syringe-1ml-27g", 25),
    ("syringe-half-ml-29g", 20),
    ("syringe-3ml-25g", 5),
)
OTHERS = (  # code, share of encounters, quantities
    ("fentanyl-test-strip", 0.25, (5, 5, 10)),
    ("xylazine-test-strip", 0.15, (5, 5, 10)),
    ("wound-care-kit", 0.08, (1,)),
    ("safer-smoking-kit", 0.15, (1, 2)),
    ("safer-sex-kit", 0.15, (1, 2, 3)),
    ("hygiene-kit", 0.10, (1,)),
    ("sharps-container", 0.05, (1,)),
)
TOTAL_KEYS = (
    "encounters",
    "syringes_distributed",
    "syringes_collected",
    "naloxone_kits",
    "fentanyl_test_strips",
    "xylazine_test_strips",
    "wound_care_kits",
    "referrals_made",
    "reversals_reported",
)


def _weighted(rng, choices):
    return rng.choices([code for code, _ in choices], weights=[weight for _, weight in choices])[0]


def _participants(region, organization, count: int) -> list:
    rng = region.rng
    letters = "ABCDEFGHIJKLMNOPRSTVW"
    rows = []
    seen = set()
    while len(rows) < count:
        code = (
            rng.choice(letters)
            + rng.choice("AEIOU")
            + f"{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
            + rng.choice(letters)
            + f"{rng.randint(55, 99):02d}"
        )
        if code in seen:
            continue
        seen.add(code)
        races = [rng.choice(list(RACE_ETHNICITY)[:-1])]
        if rng.random() < 0.1:
            races.append("hispanic-latino")
        rows.append(
            Participant(
                organization=organization,
                code_hash=blind_index(code, organization_id=organization.pk),
                age_band=rng.choice(AGE_BANDS[1:]) if rng.random() < 0.8 else "",
                gender_identity=rng.choice(list(GENDER_IDENTITIES)[:5]) if rng.random() < 0.8 else "",
                race=sorted(set(races)) if rng.random() < 0.7 else [],
                ethnicity="hispanic-latino" if "hispanic-latino" in races else "",
                zip3=rng.choice(ZIP3S) if rng.random() < 0.6 else "",
            )
        )
    Participant.objects.bulk_create(rows)
    return rows


def _stops(location) -> dict:
    stops: dict = {}
    for day, name in Schedule.objects.filter(location=location, date__isnull=False).values_list(
        "date", "stop_name"
    ):
        stops.setdefault(day, []).append(name)
    return stops


def _encounter(region, site, organization, participants, day, staff, stops, totals, catalog, now):
    rng = region.rng
    minute = rng.randint(9 * 60, 19 * 60)
    occurred = timezone.make_aware(datetime.combine(day, time(minute // 60, minute % 60)))
    if occurred > now:
        return None
    number = totals["encounters"]
    client_uuid = uuid.uuid5(NAMESPACE, f"{organization.slug}:{site.pk}:{day.isoformat()}:{number}")
    encounter = Encounter(
        client_uuid=client_uuid,
        organization=organization,
        participant=rng.choice(participants) if rng.random() < 0.75 else None,
        location=site,
        setting="mobile_stop" if site.is_mobile else "fixed_site",
        stop_name=rng.choice(stops.get(day) or [""]) if site.is_mobile else "",
        occurred_at=occurred,
        staff=staff,
        source=Encounter.Source.DEMO,
    )
    lines = []
    given_syringes = 0
    if rng.random() < 0.5:
        given_syringes = rng.choice((10, 20, 20, 30, 40))
        lines.append((_weighted(rng, SYRINGES), given_syringes))
    if rng.random() < 0.3:
        lines.append((_weighted(rng, NALOXONE), 1 if rng.random() < 0.6 else 2))
        if rng.random() < 0.4:
            encounter.naloxone_kit_status = "first"
            encounter.overdose_education = True
        else:
            encounter.naloxone_kit_status = "refill"
            encounter.refill_reason = _weighted(
                rng, (("used", 45), ("lost", 25), ("expired", 10), ("taken", 20))
            )
            if encounter.refill_reason == "used":
                encounter.reversals_reported = 1 if rng.random() < 0.85 else 2
    for code, share, quantities in OTHERS:
        if rng.random() < share:
            lines.append((code, rng.choice(quantities)))
    if given_syringes and rng.random() < 0.6:
        if site.is_mobile and rng.random() < 0.15:
            litres = rng.choice((0.5, 1, 1.5, 2))
            encounter.collected_method = "volume"
            encounter.collected_measure = litres
            encounter.syringes_collected = actions.estimate_collected("volume", litres)
            encounter.collected_estimated = True
        else:
            encounter.collected_method = "counted"
            encounter.syringes_collected = max(1, round(given_syringes * rng.uniform(0.4, 1.2)))
    if rng.random() < 0.1:
        encounter.secondary_for_people = rng.randint(1, 5)
    encounter.wound_care = rng.random() < 0.06
    if rng.random() < 0.02:
        encounter.vaccination = rng.choice(("hepatitis-a", "hepatitis-b", "influenza", "tetanus"))
    for test, share, positive in (("hiv", 0.04, 0.03), ("hcv", 0.04, 0.15), ("sti", 0.02, 0.1)):
        if rng.random() < share:
            result = "positive" if rng.random() < positive else "negative"
            setattr(encounter, f"{test}_test", result)
            setattr(encounter, f"{test}_linked", result == "positive" and rng.random() < 0.7)
    if rng.random() < 0.08:
        encounter.referrals_made = 1
    totals["encounters"] += 1
    totals["syringes_collected"] += encounter.syringes_collected
    totals["referrals_made"] += encounter.referrals_made
    totals["reversals_reported"] += encounter.reversals_reported
    for code, quantity in lines:
        item = catalog[code]
        if item.category == "syringe":
            totals["syringes_distributed"] += quantity
        elif item.category == "naloxone":
            totals["naloxone_kits"] += quantity
        key = {
            "fentanyl-test-strip": "fentanyl_test_strips",
            "xylazine-test-strip": "xylazine_test_strips",
        }.get(code)
        if code == "wound-care-kit":
            key = "wound_care_kits"
        if key:
            totals[key] += quantity
    return encounter, lines


def _site_activity(region, organization, site, participants, staff, per_day, open_days, catalog, now) -> dict:
    rng = region.rng
    totals = Counter({key: 0 for key in TOTAL_KEYS})
    stops = _stops(site) if site.is_mobile else {}
    encounters, line_sets = [], []
    for offset in range(DAYS - 1, -1, -1):
        day = region.today - timedelta(days=offset)
        if day.weekday() not in open_days:
            continue
        for _ in range(rng.randint(*per_day)):
            made = _encounter(
                region, site, organization, participants, day, staff, stops, totals, catalog, now
            )
            if made:
                encounters.append(made[0])
                line_sets.append(made[1])
    Encounter.objects.bulk_create(encounters, batch_size=2000)
    supplies = [
        EncounterSupply(
            encounter=encounter,
            supply_item=catalog[code],
            quantity=quantity,
            doses=quantity * catalog[code].doses_per_unit if catalog[code].category == "naloxone" else 0,
        )
        for encounter, lines in zip(encounters, line_sets, strict=True)
        for code, quantity in lines
    ]
    EncounterSupply.objects.bulk_create(supplies, batch_size=4000)
    _follow_stock(site, encounters, line_sets, catalog, staff)
    return dict(totals)


def _follow_stock(site, encounters, line_sets, catalog, staff) -> None:
    """Take the demo's distributions out of the inventory demo's stock, with the inventory app's bulk path."""
    try:
        from meetpoint.inventory.actions import record_distributions_bulk
    except ImportError:  # the inventory app does not offer it: stock is not followed
        return
    rows = [
        {
            "location": site,
            "supply_item": catalog[code],
            "quantity": quantity,
            "encounter_id": encounter.client_uuid,
            "occurred_at": encounter.occurred_at,
            "user": staff,
        }
        for encounter, lines in zip(encounters, line_sets, strict=True)
        for code, quantity in lines
    ]
    for start in range(0, len(rows), 20000):
        record_distributions_bulk(rows[start : start + 20000])


def _overdoses(region, organization, site, staff, count: int, now) -> int:
    rng = region.rng
    reports = []
    for number in range(count):
        day = region.today - timedelta(days=rng.randint(0, DAYS - 1))
        occurred = timezone.make_aware(datetime.combine(day, time(rng.randint(0, 23), rng.randint(0, 59))))
        if occurred > now:
            continue
        fatal = rng.random() < 0.08
        latitude = (site.latitude or 40.4406) + rng.uniform(-0.05, 0.05)
        longitude = (site.longitude or -79.9959) + rng.uniform(-0.06, 0.06)
        by_stop = rng.random() < 0.3
        reports.append(
            OverdoseReport(
                client_uuid=uuid.uuid5(NAMESPACE, f"overdose:{organization.slug}:{number}"),
                organization=organization,
                occurred_at=occurred,
                place_kind="stop" if by_stop else "grid_cell",
                location=site if by_stop else None,
                stop_name=site.name if by_stop else "",
                grid_cell="" if by_stop else snap_to_grid(latitude, longitude),
                fatal=fatal,
                naloxone_doses_bystander=rng.choice((0, 0, 1, 2, 2, 3)),
                naloxone_doses_ems=rng.choice((0, 0, 1, 2)),
                naloxone_doses_staff=rng.choice((0, 0, 0, 1, 2)),
                called_911=rng.choice(("yes", "yes", "no", "unknown")),
                substances=sorted(set(rng.sample(SUBSTANCES[:8], rng.randint(1, 3)))),
                reported_by=rng.choice(("participant", "staff", "partner")),
                recorded_by=staff,
            )
        )
    OverdoseReport.objects.bulk_create(reports)
    return len(reports)


def _staff_user(region, short: str, organization):
    membership = region.memberships.get(f"demo-{short}-staff")
    if membership is None:
        membership = organization.memberships.filter(role__in=("admin", "staff")).first()
    return membership.user if membership else None


def load(region) -> None:
    catalog = {item.code: item for item in SupplyItem.objects.all()}
    mobile = region.organizations.get("three-rivers-mobile-health")
    ssp = region.organizations.get("riverside-harm-reduction")
    units = region.extra.get("mobile_units") or []
    ssp_site = region.extra.get("ssp_site")
    needed = {code for code, _ in NALOXONE + SYRINGES} | {code for code, _, _ in OTHERS}
    if not needed <= set(catalog):
        return  # no supply catalog: nothing to distribute
    now = timezone.now()
    totals: dict = {}
    if mobile is not None and units:
        participants = _participants(region, mobile, 450)
        staff = _staff_user(region, "mobile", mobile)
        totals[mobile.slug] = {}
        for unit in units:
            # Six days a week, ~22 contacts a day: ~1,400 kits and ~41,000 syringes each in 180 days.
            totals[mobile.slug][str(unit.pk)] = _site_activity(
                region, mobile, unit, participants, staff, (16, 28), (0, 1, 2, 3, 4, 5), catalog, now
            )
        _overdoses(region, mobile, units[0], staff, 40, now)
    if ssp is not None and ssp_site is not None:
        participants = _participants(region, ssp, 600)
        staff = _staff_user(region, "ssp", ssp)
        totals[ssp.slug] = {
            str(ssp_site.pk): _site_activity(
                region, ssp, ssp_site, participants, staff, (25, 45), (0, 1, 2, 3, 4), catalog, now
            )
        }
        _overdoses(region, ssp, ssp_site, staff, 25, now)
    # The demo writes its rows in bulk; recount those organizations' daily roll-ups from them.
    rollups.rebuild([organization.pk for organization in (mobile, ssp) if organization is not None])
    region.extra["outreach_totals"] = totals
    region.extra["outreach_period"] = (region.today - timedelta(days=DAYS - 1), region.today)
