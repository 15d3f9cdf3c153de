"""Outreach indicators in the registry: every group, and totals equal to the summary."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from meetpoint.directory.models import Address
from meetpoint.indicators import GROUPS, Scope, registry
from meetpoint.outreach.summary import summarize
from meetpoint.outreach.tests.conftest import encounter_record


@pytest.fixture
def recorded(world, sites):
    zone = timezone.get_current_timezone()
    Address.objects.create(
        location=sites["fixed"],
        address_1="1 Main St",
        city="Riverbend",
        state_province="PA",
        postal_code="15213",
    )
    records = [
        encounter_record(
            sites["fixed"],
            occurred_at=datetime(2026, 3, 2, 10, tzinfo=zone).isoformat(),
            participant_code="AAAA1111",
            zip3="150",
        ),
        encounter_record(
            sites["fixed"],
            occurred_at=datetime(2026, 3, 9, 10, tzinfo=zone).isoformat(),
            participant_code="BBBB2222",
            hiv_test="positive",
            hiv_linked=True,
        ),
        encounter_record(
            sites["van"],
            occurred_at=datetime(2026, 4, 1, 10, tzinfo=zone).isoformat(),
            participant_code="AAAA1111",
        ),
    ]
    world.client(world.home.staff).post(
        "/api/v1/outreach/sync", {"encounters": records}, content_type="application/json"
    )
    return Scope(
        organization_ids=(world.home.organization.pk,), start=date(2026, 3, 1), end=date(2026, 4, 30)
    )


def test_outreach_indicators_are_registered():
    for code in (
        "outreach_encounters",
        "outreach_unique_participants",
        "naloxone_kits_distributed",
        "syringes_distributed",
        "syringes_collected",
        "syringe_exchange_ratio",
        "test_strips_distributed",
        "reversals_reported",
        "overdoses_reported_fatal",
        "overdoses_reported_nonfatal",
        "hiv_tests",
        "hcv_positives",
        "sti_linked_to_care",
    ):
        assert registry[code].provider == "outreach"
    assert registry["outreach_unique_participants"].counts_people
    assert registry["syringe_exchange_ratio"].numerator == "syringes_collected"


def test_groups_by_month_week_site_and_area(world, sites, recorded):
    encounters = registry["outreach_encounters"]
    assert encounters.value(recorded, ()) == {(): 3}
    assert encounters.value(recorded, ("month",)) == {("2026-03",): 2, ("2026-04",): 1}
    assert encounters.value(recorded, ("week",)) == {
        ("2026-03-02",): 1,
        ("2026-03-09",): 1,
        ("2026-03-30",): 1,
    }
    assert encounters.value(recorded, ("site",)) == {(str(sites["fixed"].pk),): 2, (str(sites["van"].pk),): 1}
    # Area: the participant's ZIP3 when known, else the site's.
    assert encounters.value(recorded, ("area",)) == {("150",): 2, ("152",): 1}
    people = registry["outreach_unique_participants"]
    assert people.value(recorded, ()) == {(): 2}
    assert people.value(recorded, ("organization", "month")) == {
        (str(world.home.organization.pk), "2026-03"): 2,
        (str(world.home.organization.pk), "2026-04"): 1,
    }
    assert registry["hiv_linked_to_care"].value(recorded, ("day",)) == {("2026-03-09",): 1}


@pytest.mark.parametrize("group", GROUPS)
def test_every_indicator_supports_every_group_and_matches_the_summary(world, sites, recorded, group):
    numbers = summarize(recorded.organization_ids, recorded.start, recorded.end)
    expected = {
        "outreach_encounters": numbers["encounters"],
        "naloxone_kits_distributed": numbers["naloxone_kits"],
        "syringes_distributed": numbers["syringes_distributed"],
        "syringes_collected": numbers["syringes_collected"],
        "test_strips_distributed": numbers["fentanyl_test_strips"] + numbers["xylazine_test_strips"],
        "reversals_reported": numbers["reversals_reported"],
        "hiv_positives": numbers["hiv_positive"],
    }
    for code, total in expected.items():
        assert sum(registry[code].value(recorded, (group,)).values()) == total, code
    for indicator in registry.values():
        if indicator.provider == "outreach":
            indicator.value(recorded, (group,))


def test_distinct_people_are_declared_not_additive_and_do_not_add_up(world, sites, recorded):
    """A participant seen in March and in April is one person in the period but one in each month."""
    people = registry["outreach_unique_participants"]
    assert people.additive is False and people.counts_people is True
    by_month = people.value(recorded, ("month",))
    assert sum(by_month.values()) == 3 and people.value(recorded, ())[()] == 2
    for code in ("hiv_linked_to_care", "hcv_linked_to_care", "sti_linked_to_care"):
        assert registry[code].additive is False
    # counts of people and their tests are always protected when shared; supplies add up and are not people
    for code in ("hiv_tests", "hiv_positives", "hcv_positives", "sti_positives", "outreach_referrals_made"):
        assert registry[code].counts_people is True and registry[code].additive is True
    assert registry["syringes_distributed"].counts_people is False
