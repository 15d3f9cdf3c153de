"""Agreements, the scheduled exchange and the inbox: nothing crosses an organization boundary without an
agreement in force, packages are disclosure-controlled, logged with a checksum and never sent twice."""

import hashlib
import json
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from meetpoint.outcomes import actions, releases
from meetpoint.outcomes.models import SharedPackage
from meetpoint.outcomes.periods import period_starting
from meetpoint.outcomes.tests.conftest import add_activity

TODAY = date(2025, 7, 15)


def agreement_between(world, indicators, *, time_grain="month", place_grain="zip3", accept=True, **extra):
    data = actions.AgreementInput(
        recipient=extra.pop("recipient", world.coalition.organization),
        indicators=indicators,
        valid_from=extra.pop("valid_from", date(2025, 1, 1)),
        time_grain=time_grain,
        place_grain=place_grain,
        **extra,
    )
    agreement = actions.propose_agreement(world.home.admin, data)
    if accept:
        side = world.outsider if data.recipient == world.outsider.organization else world.coalition
        agreement = actions.accept_agreement(side.admin, agreement)
    return agreement


@pytest.fixture
def activity(world, records):
    for month in range(1, 7):
        start = date(2025, month, 1)
        add_activity(
            records, world.home.organization, start, people=20 + month, kits=30, syringes=400, area="152"
        )
        add_activity(records, world.home.organization, start, people=3, kits=2, syringes=40, area="153")
        add_activity(records, world.home.organization, start, people=15, kits=12, syringes=120, area="154")
        # the outsider's records must never appear in the home organization's packages
        add_activity(records, world.outsider.organization, start, people=2, kits=1, syringes=5, area="152")
    return records


def test_nothing_is_delivered_without_an_agreement_in_force(world, activity):
    agreement_between(world, ["test_syringes"], accept=False)  # proposed, never accepted
    expired = agreement_between(
        world, ["test_people_served"], valid_from=date(2024, 12, 1), valid_until=date(2025, 1, 31)
    )
    ended = actions.end_agreement(world.coalition.admin, agreement_between(world, ["test_naloxone_kits"]))
    run = actions.run_exchanges(TODAY)
    assert [p.agreement_id for p in run.delivered] == []
    assert SharedPackage.objects.filter(agreement=expired).count() == 0
    with pytest.raises(actions.OutcomesError, match="not in force"):
        actions.deliver_package(ended, period_starting("month", date(2025, 2, 1)), TODAY)


def test_exchange_delivers_each_closed_month_once_with_checksum(world, activity):
    agreement = agreement_between(world, ["test_people_served", "test_naloxone_kits"])
    run = actions.run_exchanges(TODAY)
    labels = sorted(p.period_label for p in run.delivered)
    assert labels == ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]
    again = actions.run_exchanges(TODAY)
    assert again.delivered == [] and again.failed == []
    assert agreement.packages.count() == 6
    package = agreement.packages.get(period_label="2025-03")
    canonical = json.dumps(package.contents, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert package.checksum == hashlib.sha256(canonical.encode()).hexdigest()
    people = next(t for t in package.contents["tables"] if t["indicator"] == "test_people_served")
    shown = {row["place"]: row["value"] for row in people["rows"]}
    # 3 people in ZIP3 153 is a small cell. People are counted once in the county total (the same 23 people
    # came to all three areas), so the total is no sum that would give the 3 back.
    assert shown == {"152": 23, "153": "*", "154": 15}
    assert people["total"] == 23
    kits = next(t for t in package.contents["tables"] if t["indicator"] == "test_naloxone_kits")
    # 2 kits in 153 is small; the total 44 is exact, so the next smallest (12 in 154) hides with it
    assert {row["place"]: row["value"] for row in kits["rows"]} == {"152": 30, "153": "*", "154": "*"}
    assert kits["total"] == 44
    assert "lakeside" not in json.dumps(package.contents)


def test_delivery_is_refused_twice_and_before_the_period_closes(world, activity):
    agreement = agreement_between(world, ["test_naloxone_kits"])
    march = period_starting("month", date(2025, 3, 1))
    actions.deliver_package(agreement, march, TODAY)
    with pytest.raises(actions.OutcomesError, match="already delivered"):
        actions.deliver_package(agreement, march, TODAY)
    with pytest.raises(actions.OutcomesError, match="has not closed"):
        actions.deliver_package(agreement, period_starting("month", date(2025, 7, 1)), TODAY)


def test_supplies_unprotected_when_the_agreement_says_so_people_always(world, activity):
    agreement = agreement_between(world, ["test_people_served", "test_naloxone_kits"], protect_supplies=False)
    package = actions.deliver_package(agreement, period_starting("month", date(2025, 2, 1)), TODAY)
    tables = {t["indicator"]: t for t in package.contents["tables"]}
    kits = {row["place"]: row["value"] for row in tables["test_naloxone_kits"]["rows"]}
    assert kits == {"152": 30, "153": 2, "154": 12}
    assert tables["test_people_served"]["protected"] is True
    assert {row["place"]: row["value"] for row in tables["test_people_served"]["rows"]}["153"] == "*"


def test_rate_hidden_where_its_numerator_or_denominator_is(world, activity):
    agreement = agreement_between(world, ["test_people_served", "test_syringes_per_person"])
    package = actions.deliver_package(agreement, period_starting("month", date(2025, 2, 1)), TODAY)
    tables = {t["indicator"]: t for t in package.contents["tables"]}
    people = {row["place"]: row["value"] for row in tables["test_people_served"]["rows"]}
    rates = {row["place"]: row["value"] for row in tables["test_syringes_per_person"]["rows"]}
    for place, value in people.items():
        if value == "*":
            assert rates[place] == "*"


def test_quarter_after_its_months_is_audited_with_them(world, activity):
    codes = ["test_people_served", "test_naloxone_kits"]
    monthly = agreement_between(world, codes, place_grain="county")
    # to another recipient: one partner shares an indicator with one recipient under one agreement at a time
    quarterly = agreement_between(
        world, codes, time_grain="quarter", place_grain="county", recipient=world.outsider.organization
    )
    for month in (1, 2, 3):
        actions.deliver_package(monthly, period_starting("month", date(2025, month, 1)), TODAY)
    package = actions.deliver_package(quarterly, period_starting("quarter", date(2025, 1, 1)), TODAY)
    tables = {t["indicator"]: t for t in package.contents["tables"]}
    # distinct people: the same 23 people came back each month (p0..p22 in ZIP3 152 overlap the others)
    assert tables["test_people_served"]["total"] == 23
    assert tables["test_naloxone_kits"]["total"] == 3 * (30 + 2 + 12)


def test_quarter_that_would_reveal_a_hidden_month_is_protected(world, records):
    organization = world.home.organization
    for month, kits in ((1, 30), (2, 30), (3, 4)):
        add_activity(records, organization, date(2025, month, 1), people=0, kits=kits, syringes=0)
    monthly = agreement_between(world, ["test_naloxone_kits"], place_grain="county")
    quarterly = agreement_between(
        world,
        ["test_naloxone_kits"],
        time_grain="quarter",
        place_grain="county",
        recipient=world.outsider.organization,
    )
    for month in (1, 2, 3):
        actions.deliver_package(monthly, period_starting("month", date(2025, month, 1)), TODAY)
    march = monthly.packages.get(period_label="2025-03").contents["tables"][0]
    assert march["total"] == "*"
    quarter = actions.deliver_package(quarterly, period_starting("quarter", date(2025, 1, 1)), TODAY)
    (table,) = quarter.contents["tables"]
    # 64 - 30 - 30 would give March's 4 back: the quarter's figure is hidden too
    assert table["total"] == "*"
    assert quarter.suppression["test_naloxone_kits"]["__total__"] == "complementary"


def test_partially_overlapping_release_is_refused(world, activity):
    agreement = agreement_between(world, ["test_people_served"], time_grain="quarter")
    actions.deliver_package(agreement, period_starting("quarter", date(2025, 1, 1)), TODAY)
    from meetpoint.outcomes.periods import Period

    spec = releases.ReleaseSpec(
        world.home.organization,
        ["test_people_served"],
        Period(date(2025, 2, 1), date(2025, 4, 30), "custom"),
        "zip3",
        11,
        True,
    )
    with pytest.raises(releases.ReleaseRefused, match="partially overlaps the released 2025-Q1"):
        releases.build_release(spec)


def test_failed_run_is_retried_and_sends_nothing_twice(world, activity, monkeypatch):
    agreement = agreement_between(world, ["test_naloxone_kits"])
    real = releases.build_release
    calls = {"n": 0}

    def flaky(spec, held=None):
        calls["n"] += 1
        if spec.period.label == "2025-04":
            raise RuntimeError("database went away")
        return real(spec, held)

    monkeypatch.setattr(releases, "build_release", flaky)
    first = actions.run_exchanges(TODAY)
    assert len(first.failed) == 1 and "2025-04" in first.failed[0][0]
    assert agreement.packages.count() == 5
    monkeypatch.setattr(releases, "build_release", real)
    second = actions.run_exchanges(TODAY)
    assert [p.period_label for p in second.delivered] == ["2025-04"]
    assert agreement.packages.count() == 6


def test_run_exchanges_command(world, activity):
    agreement_between(world, ["test_naloxone_kits"])
    from io import StringIO

    out = StringIO()
    call_command("run_exchanges", "--today", TODAY.isoformat(), stdout=out)
    assert "6 delivered, 0 failed" in out.getvalue()
    out = StringIO()
    call_command("run_exchanges", "--today", TODAY.isoformat(), stdout=out)
    assert "0 delivered, 0 failed" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("run_exchanges", "--today", "yesterday")


def test_agreement_bad_input_changes_nothing(world, records):
    base = {"recipient": world.coalition.organization, "indicators": ["test_naloxone_kits"]}
    with pytest.raises(actions.OutcomesError, match="ends .* before it starts"):
        actions.propose_agreement(
            world.home.admin,
            actions.AgreementInput(**base, valid_from=date(2025, 5, 1), valid_until=date(2025, 4, 1)),
        )
    with pytest.raises(actions.OutcomesError, match="below the floor of 5"):
        actions.propose_agreement(
            world.home.admin, actions.AgreementInput(**base, valid_from=date(2025, 1, 1), threshold=3)
        )
    with pytest.raises(actions.OutcomesError, match="Unknown indicator"):
        actions.propose_agreement(
            world.home.admin,
            actions.AgreementInput(world.coalition.organization, ["nope"], valid_from=date(2025, 1, 1)),
        )
    with pytest.raises(actions.OutcomesError) as refused:
        actions.propose_agreement(
            world.home.analyst, actions.AgreementInput(**base, valid_from=date(2025, 1, 1))
        )
    assert refused.value.status == 403
    assert not world.home.organization.agreements_shared.exists()


def test_site_administrator_may_allow_a_threshold_below_the_floor(world, records):
    user = world.home.admin.user
    user.is_superuser = True
    user.save()
    agreement = actions.propose_agreement(
        world.home.admin,
        actions.AgreementInput(
            world.coalition.organization, ["test_naloxone_kits"], date(2025, 1, 1), threshold=3
        ),
    )
    assert agreement.threshold == 3 and agreement.low_threshold_allowed_by == user


def test_only_the_recipient_admin_accepts(world, records):
    agreement = agreement_between(world, ["test_naloxone_kits"], accept=False)
    with pytest.raises(actions.OutcomesError) as refused:
        actions.accept_agreement(world.home.admin, agreement)  # the sharer cannot accept for the recipient
    assert refused.value.status == 404
    with pytest.raises(actions.OutcomesError) as refused:
        actions.accept_agreement(world.coalition.analyst, agreement)
    assert refused.value.status == 403
    actions.accept_agreement(world.coalition.admin, agreement)
    agreement.refresh_from_db()
    assert agreement.in_force(timezone.localdate() + timedelta(days=1))


def test_site_administrator_inspects_agreements_and_packages_but_changes_none(client, world, activity):
    from django.contrib.auth import get_user_model

    from meetpoint.testworld import sign_in_verified

    agreement = agreement_between(world, ["test_people_served"])
    actions.run_exchanges(TODAY)
    package = agreement.packages.order_by("period_label").first()
    root = get_user_model().objects.create_superuser("root", "root@example.org", "a-long-admin-password")
    sign_in_verified(client, root)
    for model in ("sharingagreement", "sharedpackage", "opendataset", "openrelease"):
        assert client.get(f"/admin/outcomes/{model}/").status_code == 200, model
        assert client.get(f"/admin/outcomes/{model}/add/").status_code == 403, model
    shown = client.get(f"/admin/outcomes/sharedpackage/{package.pk}/change/")
    assert shown.status_code == 200 and package.checksum in shown.content.decode()
    assert client.post(f"/admin/outcomes/sharedpackage/{package.pk}/change/", {}).status_code == 403
    assert (
        'name="threshold"'
        not in client.get(f"/admin/outcomes/sharingagreement/{agreement.pk}/change/").content.decode()
    )
