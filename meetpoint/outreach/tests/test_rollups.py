"""Daily roll-ups: whatever the write paths do (sync, resends, CSV imports, refused imports, merges, the demo),
the roll-ups equal a recount of the raw rows, and every indicator gives the same numbers from the roll-ups as
from the raw rows."""

import threading
from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meetpoint.indicators import Scope, registry
from meetpoint.outreach import rollups
from meetpoint.outreach.models import DailyEncounterTotal, DailySupplyTotal, Encounter
from meetpoint.outreach.tests.conftest import encounter_record

FIRST_DAY = date(2026, 3, 1)
SITE_NAMES = {"fixed": "Riverbend Drop-in", "van": "Riverbend Van"}
HEADER = (
    "occurred_at,site,participant_code,syringes_distributed,syringes_collected,naloxone_kits,"
    "fentanyl_test_strips,xylazine_test_strips,wound_care_kits,referrals_made"
)

records = st.fixed_dictionaries(
    {
        "where": st.sampled_from(["fixed", "van", "street"]),
        "day": st.integers(0, 45),
        # near local midnight too: the day is the local day, whatever zone the device sends
        "minute": st.sampled_from([0, 1, 9 * 60, 14 * 60 + 30, 23 * 60 + 59]),
        "utc": st.booleans(),
        "syringes": st.sampled_from([0, 10, 40]),
        "naloxone": st.integers(0, 2),
        "strips": st.sampled_from([0, 5]),
        "collected": st.integers(0, 30),
        "referrals": st.integers(0, 2),
        "reversals": st.integers(0, 1),
        "hiv": st.sampled_from(["", "negative", "positive", "invalid"]),
        "sti": st.sampled_from(["", "positive"]),
        "code": st.sampled_from(["", "AAAA1111", "BBBB2222", "CCCC3333"]),
    }
)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("sync"), st.lists(records, min_size=1, max_size=4), st.booleans()),
        st.tuples(st.just("import"), st.lists(records, min_size=1, max_size=4), st.booleans()),
        st.tuples(st.just("refused import"), st.lists(records, min_size=1, max_size=3), st.just(False)),
    ),
    min_size=1,
    max_size=4,
)


def _when(record) -> datetime:
    local = timezone.make_aware(
        datetime.combine(FIRST_DAY + timedelta(days=record["day"]), datetime.min.time())
        + timedelta(minutes=record["minute"])
    )
    return local.astimezone(UTC) if record["utc"] else local


def _sync_payload(record, sites) -> dict:
    supplies = [
        {"item": code, "quantity": quantity}
        for code, quantity in (
            ("syringe-1ml-28g", record["syringes"]),
            ("naloxone-nasal-4mg", record["naloxone"]),
            ("fentanyl-test-strip", record["strips"]),
        )
        if quantity
    ]
    street = record["where"] == "street"
    return encounter_record(
        sites["fixed"],
        site=None if street else str(sites[record["where"]].pk),
        setting="street" if street else None,
        grid_cell="40.44,-80.00" if street else None,
        occurred_at=_when(record).isoformat(),
        participant_code=record["code"] or None,
        supplies=supplies,
        syringes_collected=record["collected"],
        naloxone_kit_status="first" if record["naloxone"] else "",
        referrals_made=record["referrals"],
        reversals_reported=record["reversals"],
        hiv_test=record["hiv"],
        sti_test=record["sti"],
    )


def _csv_line(record) -> str:
    site = SITE_NAMES.get(record["where"], SITE_NAMES["fixed"])
    when = timezone.localtime(_when(record)).replace(tzinfo=None).isoformat()
    numbers = [record["syringes"], record["collected"], record["naloxone"], record["strips"], 0, 0]
    return ",".join([when, site, record["code"], *(str(n) for n in numbers), str(record["referrals"])])


def _import(lines, tmp_path, name) -> None:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    call_command("import_encounters", str(path), "--org", "riverbend", stdout=StringIO(), stderr=StringIO())


def _without_zeros(numbers: dict) -> dict:
    return {key: value for key, value in numbers.items() if value}


def assert_rollups_equal_a_recount(organization) -> None:
    assert rollups.stored() == rollups.recount()
    scope = Scope((organization.pk,), FIRST_DAY - timedelta(days=1), FIRST_DAY + timedelta(days=47))
    outreach = [code for code, indicator in registry.items() if indicator.provider == "outreach"]
    for group_by in ((), ("day",), ("week", "site"), ("month",), ("organization", "site")):
        for code in outreach:
            rolled = _without_zeros(registry[code].value(scope, group_by))
            with override_settings(MEETPOINT_OUTREACH_ROLLUPS=False):
                raw = _without_zeros(registry[code].value(scope, group_by))
            assert rolled == raw, (code, group_by)


@pytest.mark.django_db(transaction=False)
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=steps)
def test_rollups_equal_a_recount_after_any_writes(world, sites, tmp_path, plan):
    client = world.client(world.home.staff)
    for number, (kind, batch, again) in enumerate(plan):
        if kind == "sync":
            payload = {"encounters": [_sync_payload(record, sites) for record in batch]}
            for _ in range(2 if again else 1):  # a resend stores nothing twice
                answer = client.post("/api/v1/outreach/sync", payload, content_type="application/json")
                assert answer.status_code == 200, answer.content
        elif kind == "import":
            lines = [_csv_line(record) for record in batch]
            for _ in range(2 if again else 1):  # a re-import stores nothing twice
                _import(lines, tmp_path, f"good-{number}.csv")
        else:
            lines = [_csv_line(record) for record in batch] + ["2026-03-01,Lakeside ED,,1,,,,,,"]
            stored_before = Encounter.objects.count()
            with pytest.raises(CommandError):
                _import(lines, tmp_path, f"bad-{number}.csv")
            assert Encounter.objects.count() == stored_before  # nothing written, roll-ups included
    assert_rollups_equal_a_recount(world.home.organization)


def test_a_synced_encounter_shows_in_the_days_rollup(world, sites):
    when = timezone.make_aware(datetime(2026, 3, 2, 23, 30))  # 04:30 UTC on the 3rd: still the 2nd locally
    record = encounter_record(sites["van"], occurred_at=when.isoformat(), hiv_test="positive")
    answer = world.client(world.home.staff).post(
        "/api/v1/outreach/sync", {"encounters": [record]}, content_type="application/json"
    )
    assert answer.status_code == 200
    day = DailyEncounterTotal.objects.get(organization=world.home.organization)
    assert (day.day, day.location_id, day.encounters, day.syringes_collected) == (
        date(2026, 3, 2),
        sites["van"].pk,
        1,
        15,
    )
    assert (day.hiv_tests, day.hiv_positives) == (1, 1)
    kits = DailySupplyTotal.objects.get(supply_item__code="naloxone-nasal-4mg")
    assert (kits.day, kits.quantity, kits.doses) == (date(2026, 3, 2), 2, 4)


def test_merging_participants_keeps_the_rollups_equal_to_a_recount(world, sites):
    from meetpoint.participants import actions as participant_actions
    from meetpoint.participants.models import Participant

    client = world.client(world.home.staff)
    for code in ("AAAA1111", "AAAA1112"):
        client.post(
            "/api/v1/outreach/sync",
            {"encounters": [encounter_record(sites["fixed"], participant_code=code)]},
            content_type="application/json",
        )
    source, target = Participant.objects.filter(organization=world.home.organization)
    for hook in participant_actions.MERGE_HOOKS:
        hook(source, target)
    assert rollups.stored() == rollups.recount()


def test_rebuild_rollups_recounts_rows_written_outside_the_application(world, sites):
    world.client(world.home.staff).post(
        "/api/v1/outreach/sync",
        {"encounters": [encounter_record(sites["fixed"]), encounter_record(sites["van"])]},
        content_type="application/json",
    )
    DailySupplyTotal.objects.all().delete()  # as if rows had been restored or loaded by hand
    with pytest.raises(CommandError, match="differ from a recount"):
        call_command("rebuild_rollups", "--check", stdout=StringIO())
    out = StringIO()
    call_command("rebuild_rollups", "--org", "riverbend", stdout=out)
    assert "Rebuilt 2 encounter day rows and 6 supply day rows" in out.getvalue()
    out = StringIO()
    call_command("rebuild_rollups", "--check", stdout=out)
    assert "equal a recount" in out.getvalue()


def test_rebuild_rollups_refuses_an_unknown_organization(db):
    with pytest.raises(CommandError, match="nowhere"):
        call_command("rebuild_rollups", "--org", "nowhere", stdout=StringIO())


def test_the_demo_leaves_rollups_equal_to_a_recount(db):
    from meetpoint.outreach import demo
    from meetpoint.outreach.tests.conftest import ensure_catalog
    from meetpoint.outreach.tests.test_demo import make_region

    ensure_catalog()
    demo.load(make_region())
    assert DailySupplyTotal.objects.count() > 100
    assert rollups.stored() == rollups.recount()


@pytest.mark.django_db(transaction=True)
def test_simultaneous_writers_into_the_same_day_lose_no_count(world, sites):
    """Two phones syncing encounters of the same site and day at the same moment, on separate PostgreSQL
    connections: every increment lands (the upsert adds; it never overwrites)."""
    from django.db import connection, connections

    from meetpoint.outreach import actions
    from meetpoint.outreach.records import EncounterIn

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (concurrent writers); SQLite serializes all writers anyway")
    when = timezone.make_aware(datetime(2026, 3, 2, 10))
    barrier = threading.Barrier(2)
    failures: list = []

    def sync(membership):
        try:
            barrier.wait()
            for _ in range(15):
                record = EncounterIn(
                    **encounter_record(sites["van"], occurred_at=when.isoformat(), participant_code="")
                )
                actions.record_encounter(membership, record)
        except Exception as error:  # noqa: BLE001 — reported by the assertion below
            failures.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sync, args=(m,)) for m in (world.home.staff, world.home.admin)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    day = DailyEncounterTotal.objects.get(location=sites["van"], day=date(2026, 3, 2))
    assert day.encounters == 30 and day.syringes_collected == 30 * 15
    assert (
        DailySupplyTotal.objects.get(location=sites["van"], supply_item__code="syringe-1ml-28g").quantity
        == 600
    )
    assert rollups.stored() == rollups.recount()
