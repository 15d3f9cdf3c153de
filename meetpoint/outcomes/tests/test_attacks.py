"""The attacks that broke the promise, played by the attacker (attacker.py: an exact integer program over
everything one audience holds): total minus categories, a quarter minus the months already shared, and late
records read off between an old package and a new one. Each must leave a small count at least ceil(K/2)
possible values."""

from datetime import date

import pytest

from meetpoint import indicators as indicator_registry
from meetpoint.indicators import Indicator
from meetpoint.outcomes import actions, attacker
from meetpoint.outcomes.periods import Period, period_starting
from meetpoint.outcomes.tests.conftest import Record
from meetpoint.outcomes.tests.test_exchange import agreement_between

TODAY = date(2026, 1, 15)
OCT, NOV, DEC = (period_starting("month", date(2025, m, 1)) for m in (10, 11, 12))
Q4 = period_starting("quarter", date(2025, 10, 1))
TOTAL_CODE, POSITIVE, NEGATIVE = "test_screened", "test_screened_positive", "test_screened_negative"
CATEGORIES = {TOTAL_CODE: (POSITIVE, NEGATIVE)}


@pytest.fixture
def screenings(records):
    """A screening count split into its results, declared to the registry as a total and its categories."""

    def both(scope, group_by):
        out: dict = {}
        for item in ("positive", "negative"):
            for key, value in records.quantity(item)(scope, group_by).items():
                out[key] = out.get(key, 0) + value
        return out

    registered = [
        Indicator(
            TOTAL_CODE,
            "Screened (test)",
            "test",
            "people",
            "tests",
            compute=both,
            categories=(POSITIVE, NEGATIVE),
        ),
        Indicator(
            POSITIVE,
            "Screened positive (test)",
            "test",
            "people",
            "tests",
            compute=records.quantity("positive"),
        ),
        Indicator(
            NEGATIVE,
            "Screened negative (test)",
            "test",
            "people",
            "tests",
            compute=records.quantity("negative"),
        ),
    ]
    for indicator in registered:
        indicator_registry.registry.pop(indicator.code, None)
        indicator_registry.register(indicator)
    yield records
    for indicator in registered:
        indicator_registry.registry.pop(indicator.code, None)


def add(records, organization, period: Period, item: str, count: int, day: int = 5) -> None:
    if count:
        records.append(Record(organization.pk, period.start.replace(day=day), item, count, "", None, "152"))


def held_by_everyone(*agreements) -> attacker.Holdings:
    """Everything the recipients hold, pooled (the audit's worst case)."""
    holdings = attacker.Holdings()
    for agreement in agreements:
        for package in agreement.packages.order_by("period_start"):
            holdings.add(package.contents)
    return holdings


def truth(records, codes, periods, organization) -> dict:
    found = {}
    for code in codes:
        indicator = indicator_registry.registry[code]
        for period in periods:
            scope = indicator_registry.Scope(
                organization_ids=(organization.pk,), start=period.start, end=period.end
            )
            found[attacker.cell_key(code, "county", attacker.TOTAL, period)] = int(
                indicator.value(scope, ()).get((), 0)
            )
    return found


def test_total_minus_categories_gives_no_small_category_back(world, screenings):
    home = world.home.organization
    add(screenings, home, DEC, "positive", 3)
    add(screenings, home, DEC, "negative", 12)
    agreement = agreement_between(
        world, [TOTAL_CODE, POSITIVE, NEGATIVE], place_grain="county", valid_from=date(2025, 1, 1)
    )
    package = actions.deliver_package(agreement, DEC, TODAY)
    shown = {t["indicator"]: t["total"] for t in package.contents["tables"]}
    assert shown[POSITIVE] == "*"
    assert (shown[TOTAL_CODE], shown[NEGATIVE]) != (15, 12)  # 15 - 12 would give the 3 back
    found = attacker.narrowed(
        held_by_everyone(agreement), truth(screenings, [POSITIVE], [DEC], home), 11, CATEGORIES
    )
    assert found == []


def test_a_category_never_shared_is_not_the_total_minus_the_others(world, screenings):
    home = world.home.organization
    add(screenings, home, DEC, "positive", 3)
    add(screenings, home, DEC, "negative", 12)
    agreement = agreement_between(
        world, [TOTAL_CODE, NEGATIVE], place_grain="county", valid_from=date(2025, 1, 1)
    )
    package = actions.deliver_package(agreement, DEC, TODAY)
    shown = {t["indicator"]: t["total"] for t in package.contents["tables"]}
    assert "*" in (shown[TOTAL_CODE], shown[NEGATIVE])
    assert (
        attacker.narrowed(
            held_by_everyone(agreement), truth(screenings, [POSITIVE], [DEC], home), 11, CATEGORIES
        )
        == []
    )


def test_a_quarter_minus_the_months_already_shared_gives_no_unreleased_month_back(world, records):
    home = world.home.organization
    for month, kits in ((OCT, 3), (NOV, 12), (DEC, 14)):
        add(records, home, month, "naloxone", kits)
    monthly = agreement_between(
        world, ["test_naloxone_kits"], place_grain="county", valid_from=date(2025, 1, 1)
    )
    # One partner may not share an indicator twice with one recipient over overlapping dates, so the quarterly
    # package goes to another recipient; the attacker pools what both recipients hold.
    quarterly = agreement_between(
        world,
        ["test_naloxone_kits"],
        time_grain="quarter",
        place_grain="county",
        valid_from=date(2025, 1, 1),
        recipient=world.outsider.organization,
    )
    for month in (NOV, DEC):  # the monthly agreement started in November: October was never released
        actions.deliver_package(monthly, month, TODAY)
    quarter = actions.deliver_package(quarterly, Q4, TODAY)
    assert quarter.contents["tables"][0]["total"] != 29  # 29 - 12 - 14 would give October's 3 back
    found = attacker.narrowed(
        held_by_everyone(monthly, quarterly),
        truth(records, ["test_naloxone_kits"], [OCT, NOV, DEC], home),
        11,
    )
    assert found == []


def test_late_records_are_not_the_difference_between_old_and_new_packages(world, records):
    home = world.home.organization
    for month in (OCT, NOV, DEC):
        add(records, home, month, "naloxone", 12)
    monthly = agreement_between(
        world, ["test_naloxone_kits"], place_grain="county", valid_from=date(2025, 1, 1)
    )
    for month in (OCT, NOV, DEC):
        actions.deliver_package(monthly, month, TODAY)
    add(records, home, NOV, "naloxone", 3, day=20)  # three November reports synced late
    # One partner may not share an indicator twice with one recipient over overlapping dates, so the quarterly
    # package goes to another recipient; the attacker pools what both recipients hold.
    quarterly = agreement_between(
        world,
        ["test_naloxone_kits"],
        time_grain="quarter",
        place_grain="county",
        valid_from=date(2025, 1, 1),
        recipient=world.outsider.organization,
    )
    quarter = actions.deliver_package(quarterly, Q4, TODAY)
    # The quarter is made of the frozen months (12 + 12 + 12), not the live 39: 39 - 36 would give the 3 late
    # reports away. They reach the recipients only through a correction.
    assert quarter.contents["tables"][0]["total"] == 36
    holdings = held_by_everyone(monthly, quarterly)
    assert attacker.ranges(holdings, [attacker.cell_key("test_naloxone_kits", "county", attacker.TOTAL, Q4)])


def test_the_attacker_does_pin_what_an_unprotected_release_gives_away():
    """The attacker itself is sound: given 15, *, 12 it finds the 3."""
    holdings = attacker.Holdings()
    holdings.add(
        {
            "period": {"start": "2025-12-01", "end": "2025-12-31", "grain": "month"},
            "place_grain": "county",
            "tables": [
                {"indicator": TOTAL_CODE, "total": 15},
                {"indicator": POSITIVE, "total": "*"},
                {"indicator": NEGATIVE, "total": 12},
            ],
        }
    )
    key = attacker.cell_key(POSITIVE, "county", attacker.TOTAL, DEC)
    assert attacker.ranges(holdings, [key], CATEGORIES)[key] == (3, 3)
    assert attacker.narrowed(holdings, {key: 3}, 11, CATEGORIES) == [(key, 3, 1)]
