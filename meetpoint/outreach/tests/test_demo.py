"""The demo's 180 days: `outreach_summary` gives exactly the totals recorded, counted three ways."""

import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum

from meetpoint.accounts import actions as accounts
from meetpoint.accounts.roles import PartnerType
from meetpoint.demo.region import Region
from meetpoint.directory.models import Location
from meetpoint.outreach import demo
from meetpoint.outreach.models import Encounter, EncounterSupply, OverdoseReport
from meetpoint.outreach.tests.conftest import ensure_catalog
from meetpoint.participants.models import Participant

TODAY = date(2026, 6, 30)


def make_region(seed: int = 2024) -> Region:
    """What the directory demo hands the outreach loader: the two organizations, their sites and staff."""
    region = Region(seed=seed, today=TODAY)
    for slug, short in (("three-rivers-mobile-health", "mobile"), ("riverside-harm-reduction", "ssp")):
        organization = accounts.create_organization(
            slug.replace("-", " ").title(), PartnerType.HARM_REDUCTION, slug=slug
        )
        region.organizations[slug] = organization
        region.memberships[f"demo-{short}-staff"] = accounts.add_member(
            organization, f"demo-{short}-staff", "staff", password="x"
        )
    mobile = region.organizations["three-rivers-mobile-health"]
    region.extra["mobile_units"] = [
        Location.objects.create(organization=mobile, name=f"Mobile Health Van {n}", is_mobile=True)
        for n in (1, 2)
    ]
    region.extra["ssp_site"] = Location.objects.create(
        organization=region.organizations["riverside-harm-reduction"], name="Riverside Harm Reduction"
    )
    return region


def raw_totals(site) -> dict:
    """Counted straight from the rows, without the summary module."""
    encounters = Encounter.objects.filter(location=site)
    lines = EncounterSupply.objects.filter(encounter__location=site)

    def quantity(**filters):
        return lines.filter(**filters).aggregate(total=Sum("quantity"))["total"] or 0

    return {
        "encounters": encounters.count(),
        "syringes_distributed": quantity(supply_item__code__startswith="syringe-"),
        "syringes_collected": encounters.aggregate(total=Sum("syringes_collected"))["total"] or 0,
        "naloxone_kits": quantity(supply_item__code__startswith="naloxone-"),
        "fentanyl_test_strips": quantity(supply_item__code="fentanyl-test-strip"),
        "xylazine_test_strips": quantity(supply_item__code="xylazine-test-strip"),
        "wound_care_kits": quantity(supply_item__code="wound-care-kit"),
        "referrals_made": encounters.aggregate(total=Sum("referrals_made"))["total"] or 0,
        "reversals_reported": encounters.aggregate(total=Sum("reversals_reported"))["total"] or 0,
    }


@pytest.fixture
def loaded(db):
    ensure_catalog()
    region = make_region()
    demo.load(region)
    return region


def test_outreach_summary_gives_exactly_what_the_demo_recorded(loaded):
    start, end = loaded.extra["outreach_period"]
    assert (end - start).days == 179 and end == TODAY
    for slug, sites in loaded.extra["outreach_totals"].items():
        for site_id, recorded in sites.items():
            out = StringIO()
            call_command(
                "outreach_summary",
                "--org",
                slug,
                "--from",
                start.isoformat(),
                "--to",
                end.isoformat(),
                "--site",
                site_id,
                stdout=out,
            )
            summary = json.loads(out.getvalue())
            from_rows = raw_totals(Location.objects.get(pk=site_id))
            for key, value in recorded.items():
                assert summary[key] == value == from_rows[key], (slug, key)


def test_each_mobile_unit_is_in_the_order_of_the_founding_example(loaded):
    for unit in loaded.extra["mobile_units"]:
        recorded = loaded.extra["outreach_totals"]["three-rivers-mobile-health"][str(unit.pk)]
        assert 1_000 <= recorded["naloxone_kits"] <= 2_000
        assert 30_000 <= recorded["syringes_distributed"] <= 55_000
    assert Participant.objects.filter(organization__slug="three-rivers-mobile-health").count() == 450
    assert OverdoseReport.objects.exists()
    assert not Encounter.objects.filter(occurred_at__date__gt=TODAY).exists()
    assert not Encounter.objects.filter(occurred_at__date__lt=TODAY - timedelta(days=179)).exists()


def test_the_demo_is_deterministic(db):
    ensure_catalog()
    runs = []
    for _ in range(2):
        with transaction.atomic():
            region = make_region()
            demo.load(region)
            runs.append(
                {
                    Location.objects.get(pk=site_id).name: totals
                    for sites in region.extra["outreach_totals"].values()
                    for site_id, totals in sites.items()
                }
            )
            transaction.set_rollback(True)
    assert runs[0] == runs[1]


def test_a_mobile_units_180_day_report_reproduces_what_it_recorded(loaded):
    """The funder report (outcomes, through the indicator registry and its roll-ups) gives each mobile unit's
    recorded counts exactly, as the founding brief's 180-day sentence needs."""
    from meetpoint.outcomes.reports import build_report

    start, end = loaded.extra["outreach_period"]
    organization = loaded.organizations["three-rivers-mobile-health"]
    codes = ["outreach_encounters", "naloxone_kits_distributed", "syringes_distributed"]
    for unit in loaded.extra["mobile_units"]:
        recorded = loaded.extra["outreach_totals"]["three-rivers-mobile-health"][str(unit.pk)]
        report = build_report(organization, start, end, site=unit, codes=codes)
        values = {row.code: row.value for row in report.rows}
        assert values["naloxone_kits_distributed"] == recorded["naloxone_kits"]
        assert values["syringes_distributed"] == recorded["syringes_distributed"]
        assert values["outreach_encounters"] == recorded["encounters"]
