"""Demo stock for the two mobile units of three-rivers-mobile-health and the syringe services program
(riverside-harm-reduction): receipts by lot and expiry enough for the outreach demo's 180 days, a few lots that
expire soon (and one that already has), transfers, an adjustment and an expiry write-off.

The outreach loader runs after this one and takes its distributions out of this stock (record_distribution or
record_distributions_bulk), so the inventory pages show what 180 days of work left.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from meetpoint.directory.models import Location
from meetpoint.inventory import actions, queries

# What one mobile unit receives for 180 days (the founding brief's unit: ~1,400 kits and ~41,000 syringes).
UNIT_SUPPLIES = {
    "syringe-1ml-28g": 24_000,
    "syringe-1ml-27g": 12_000,
    "syringe-half-ml-29g": 10_000,
    "syringe-3ml-25g": 2_000,
    "naloxone-nasal-4mg": 1_500,
    "naloxone-nasal-8mg": 120,
    "naloxone-nasal-3mg": 60,
    "naloxone-im": 120,
    "fentanyl-test-strip": 6_500,
    "xylazine-test-strip": 4_000,
    "wound-care-kit": 700,
    "safer-smoking-kit": 1_500,
    "safer-sex-kit": 1_500,
    "hygiene-kit": 900,
    "sharps-container": 400,
}
SSP_SUPPLIES = {code: quantity * 3 // 2 for code, quantity in UNIT_SUPPLIES.items()}
SOURCES = (
    "State naloxone distribution program",
    "Three Rivers County Health Department",
    "NASEN buyers club",
)


def load(region) -> None:
    units = region.extra.get("mobile_units") or []
    ssp_site = region.extra.get("ssp_site")
    if ssp_site is not None:
        _stock_ssp(region, ssp_site)
    if units:
        _stock_mobile(region, units)


def _moment(region, days_ago: int, hour: int = 9):
    return timezone.make_aware(datetime.combine(region.today - timedelta(days=days_ago), time(hour)))


def _staff(region, short: str, organization):
    found = region.memberships.get(f"demo-{short}-staff")
    if found is None:  # fall back on any editing member of the organization
        found = organization.memberships.filter(role__in=("admin", "staff")).first()
    return found


def _receive_in_shipments(region, membership, site, supplies: dict, *, prefix: str) -> None:
    """Three shipments: before the period, at ~day 60 and ~day 120 (each lot a fresh number and expiry)."""
    rng = region.rng
    shares = ((185, 0.5), (120, 0.3), (60, 0.2))
    for days_ago, share in shares:
        for code, total in supplies.items():
            quantity = max(1, round(total * share))
            item = queries.item_by_code(code)
            expires_on = None
            if item.tracks_expiry:
                # The earliest shipment of naloxone expires soon: the alert the demo shows.
                lead = 40 if (days_ago == 185 and item.category == "naloxone") else rng.randint(240, 720)
                expires_on = region.today + timedelta(days=lead)
            actions.record_receipt(
                membership,
                location=site,
                item=item,
                quantity=quantity,
                lot_number=f"{prefix}{rng.randint(10000, 99999)}" if item.tracks_expiry else "",
                expires_on=expires_on,
                source=rng.choice(SOURCES),
                received_at=_moment(region, days_ago),
            )


def _stock_mobile(region, units: list[Location]) -> None:
    organization = units[0].organization
    staff = _staff(region, "mobile", organization)
    for number, unit in enumerate(units, start=1):
        _receive_in_shipments(region, staff, unit, UNIT_SUPPLIES, prefix=f"MV{number}-")
    if len(units) > 1:
        # Van 2 ran short of 8 mg kits mid-period; Van 1 sent some over.
        actions.record_transfer(
            staff,
            source=units[0],
            destination=units[1],
            item="naloxone-nasal-8mg",
            quantity=30,
            occurred_at=_moment(region, 90, 16),
            note="Van 2 short before the weekend.",
        )
    actions.record_adjustment(
        staff,
        location=units[0],
        item="hygiene-kit",
        quantity=-12,
        reason="damaged",
        note="Rain got into the side compartment.",
        occurred_at=_moment(region, 45, 18),
    )
    actions.set_threshold(staff, item="naloxone-nasal-4mg", minimum=150)


def _stock_ssp(region, site: Location) -> None:
    organization = site.organization
    staff = _staff(region, "ssp", organization)
    _receive_in_shipments(region, staff, site, SSP_SUPPLIES, prefix="RH-")
    satellites = list(Location.objects.filter(organization=organization).exclude(pk=site.pk).order_by("name"))
    for satellite in satellites:
        for code, quantity in (
            ("syringe-1ml-28g", 1500),
            ("naloxone-nasal-4mg", 60),
            ("fentanyl-test-strip", 200),
        ):
            actions.record_transfer(
                staff,
                source=site,
                destination=satellite,
                item=code,
                quantity=quantity,
                occurred_at=_moment(region, 30, 10),
                note="Weekly satellite restock.",
            )
    # A lot received long ago expired last month: written off, as the history shows.
    old = actions.record_receipt(
        staff,
        location=site,
        item="naloxone-im",
        quantity=24,
        lot_number="RH-OLD-IM",
        expires_on=region.today - timedelta(days=35),
        source="Donation",
        received_at=_moment(region, 200),
    )
    actions.write_off_expired(staff, old.entries.get().lot, occurred_at=_moment(region, 30, 17))
    if satellites:
        # Test strips at the first satellite expired a few days ago and still wait for a write-off.
        actions.record_receipt(
            staff,
            location=satellites[0],
            item="xylazine-test-strip",
            quantity=40,
            lot_number="RH-XTS-EXP",
            expires_on=region.today - timedelta(days=4),
            source="Three Rivers County Health Department",
            received_at=_moment(region, 150),
        )
