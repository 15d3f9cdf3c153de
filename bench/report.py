"""A 180-day report over N distribution records (outreach EncounterSupply rows), through the indicator
registry, side by side with a hand-written SQL aggregate of the same numbers, in the same run.

    .venv/bin/python -m bench.report [--quick] [--rows 5000000] [--registry-raw]
        [--database-url postgres://…/meetpoint_bench_report]

The rows are inserted with plain SQL (as fast as possible), so the daily roll-ups are then recounted with
outreach.rollups.rebuild() (= `meetpoint rebuild_rollups`; timed and printed as setup). Baselines:
"raw SQL" is a hand-written aggregate over the raw rows (an honest GROUP BY over the 5M lines); "roll-up SQL" is
a hand-written aggregate over the same roll-up table the registry reads (like for like). --registry-raw also
times the registry reading the raw rows (settings.MEETPOINT_OUTREACH_ROLLUPS = False: how it was before).

Uses its own database: a temporary SQLite file by default, or the PostgreSQL database named by --database-url
(created if absent, emptied first). Never touches var/meetpoint.sqlite3.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta

CODES = ("naloxone_kits_distributed", "syringes_distributed", "test_strips_distributed")
CATEGORIES = {"naloxone_kits_distributed": "naloxone", "syringes_distributed": "syringe",
              "test_strips_distributed": "test_strip"}  # fmt: skip


def configure(database_url: str | None) -> str:
    workdir = tempfile.mkdtemp(prefix="bench-report-")
    os.environ["MEETPOINT_VAR_DIR"] = workdir
    url = database_url or f"sqlite:///{workdir}/bench.sqlite3"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meetpoint.settings")
    if url.startswith("postgres"):
        import psycopg

        base, name = url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
    import django

    django.setup()
    return url


def populate(rows: int, days: int) -> tuple:
    """rows/2 encounters over `days` + 20 days, each with a syringe line and a naloxone or test-strip line."""
    from django.core.management import call_command
    from django.db import connection

    from meetpoint.accounts.actions import create_organization
    from meetpoint.directory.models import Location
    from meetpoint.inventory.models import SupplyItem
    from meetpoint.outreach.models import Encounter

    call_command("migrate", verbosity=0)
    organization = create_organization("Bench Mobile Health", "harm_reduction", slug="bench-mobile")
    units = [
        Location.objects.create(organization=organization, name=f"Van {n}", is_mobile=True) for n in (1, 2)
    ]
    items = {code: SupplyItem.objects.get(code=code).pk for code in
             ("syringe-1ml-27g", "naloxone-nasal-4mg", "fentanyl-test-strip")}  # fmt: skip
    encounters = rows // 2
    end = date(2025, 6, 29)
    start = end - timedelta(days=days - 1)
    first = datetime.combine(start - timedelta(days=20), datetime.min.time(), tzinfo=UTC)
    span_minutes = (days + 20) * 24 * 60
    vendor = connection.vendor
    fixed = {}
    for field in Encounter._meta.concrete_fields:
        if field.primary_key or field.name in (
            "client_uuid",
            "organization",
            "location",
            "occurred_at",
            "created",
        ):
            continue
        fixed[field.column] = field.get_db_prep_save(field.get_default(), connection)
    columns = ["client_uuid", "organization_id", "location_id", "occurred_at", "created", *fixed]
    org_id = organization.pk.hex if vendor == "sqlite" else str(organization.pk)
    unit_ids = [u.pk.hex if vendor == "sqlite" else str(u.pk) for u in units]
    placeholders = ", ".join(["%s"] * len(fixed))
    if vendor == "sqlite":
        sequence = "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < %s) "
        select = (
            "SELECT printf('%%032x', n), %s, CASE n %% 2 WHEN 0 THEN %s ELSE %s END, "
            f"strftime('%%Y-%%m-%%d %%H:%%M:%%S', %s, '+' || ((n * 7919) %% {span_minutes}) || ' minutes'), "
            f"%s{', ' + placeholders if fixed else ''} FROM seq"
        )
        first_value = first.strftime("%Y-%m-%d %H:%M:%S")
    else:
        sequence = "WITH seq(n) AS (SELECT generate_series(1::bigint, %s::bigint)) "
        select = (
            "SELECT md5(n::text)::uuid, %s::uuid, (CASE n %% 2 WHEN 0 THEN %s ELSE %s END)::uuid, "
            f"%s::timestamptz + ((n * 7919) %% {span_minutes}) * interval '1 minute', "
            f"%s{', ' + placeholders if fixed else ''} FROM seq"
        )
        first_value = first
    sql = f"INSERT INTO outreach_encounter ({', '.join(columns)}) {sequence}{select}"
    params = [encounters, org_id, unit_ids[0], unit_ids[1], first_value, first_value, *fixed.values()]
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        line = ("INSERT INTO outreach_encountersupply (encounter_id, supply_item_id, quantity, doses) "
                "SELECT id, %s, {q}, {d} FROM outreach_encounter{w}")  # fmt: skip
        cursor.execute(line.format(q="10 + id %% 30", d="0", w=""), [items["syringe-1ml-27g"]])
        cursor.execute(line.format(q="1 + id %% 2", d="2 * (1 + id %% 2)", w=" WHERE id %% 2 = 0"),
                       [items["naloxone-nasal-4mg"]])  # fmt: skip
        cursor.execute(line.format(q="5", d="0", w=" WHERE id %% 2 = 1"), [items["fentanyl-test-strip"]])
        cursor.execute("ANALYZE")
    print(
        f"populated {rows:,} distribution records ({encounters:,} encounters) in {time.perf_counter() - began:.1f} s"
    )
    return organization, start, end


def hand_written(organization, start: date, end: date, parts=("total", "previous", "week", "site")) -> dict:
    """The report's numbers in plain SQL: totals, previous period, per week and per site, per category."""
    from django.db import connection

    from meetpoint.outreach.summary import bounds

    days = (end - start).days + 1
    adapt = connection.ops.adapt_datetimefield_value
    low, high = (adapt(v) for v in bounds(start, end))
    previous_low, previous_high = (
        adapt(v) for v in bounds(start - timedelta(days=days), start - timedelta(days=1))
    )
    org = organization.pk.hex if connection.vendor == "sqlite" else organization.pk
    base = (
        "FROM outreach_encountersupply s JOIN outreach_encounter e ON e.id = s.encounter_id "
        "JOIN inventory_supplyitem i ON i.id = s.supply_item_id "
        "WHERE e.organization_id = %s AND e.occurred_at >= %s AND e.occurred_at < %s "
    )
    week = (
        "date(e.occurred_at, 'weekday 0', '-6 days')"
        if connection.vendor == "sqlite"
        else "date_trunc('week', e.occurred_at)"
    )
    found = {}
    queries = {
        "total": (f"SELECT i.category, SUM(s.quantity) {base} GROUP BY i.category", [org, low, high]),
        "previous": (
            f"SELECT i.category, SUM(s.quantity) {base} GROUP BY i.category",
            [org, previous_low, previous_high],
        ),
        "week": (f"SELECT i.category, {week}, SUM(s.quantity) {base} GROUP BY 1, 2", [org, low, high]),
        "site": (f"SELECT i.category, e.location_id, SUM(s.quantity) {base} GROUP BY 1, 2", [org, low, high]),
    }
    with connection.cursor() as cursor:
        for part in parts:
            cursor.execute(*queries[part])
            rows = cursor.fetchall()
            found[part] = dict(rows) if part in ("total", "previous") else rows
    return found


def hand_written_rollup(
    organization, start: date, end: date, parts=("total", "previous", "week", "site")
) -> dict:
    """The same numbers in plain SQL over the daily supply roll-up (outreach_dailysupplytotal)."""
    from django.db import connection

    days = (end - start).days + 1
    adapt = connection.ops.adapt_datefield_value
    org = organization.pk.hex if connection.vendor == "sqlite" else organization.pk
    base = (
        "FROM outreach_dailysupplytotal r JOIN inventory_supplyitem i ON i.id = r.supply_item_id "
        "WHERE r.organization_id = %s AND r.day >= %s AND r.day <= %s "
    )
    week = (
        "date(r.day, 'weekday 0', '-6 days')"
        if connection.vendor == "sqlite"
        else "date_trunc('week', r.day)"
    )
    now = [org, adapt(start), adapt(end)]
    before = [org, adapt(start - timedelta(days=days)), adapt(start - timedelta(days=1))]
    queries = {
        "total": (f"SELECT i.category, SUM(r.quantity) {base} GROUP BY i.category", now),
        "previous": (f"SELECT i.category, SUM(r.quantity) {base} GROUP BY i.category", before),
        "week": (f"SELECT i.category, {week}, SUM(r.quantity) {base} GROUP BY 1, 2", now),
        "site": (f"SELECT i.category, r.location_id, SUM(r.quantity) {base} GROUP BY 1, 2", now),
    }
    found = {}
    with connection.cursor() as cursor:
        for part in parts:
            cursor.execute(*queries[part])
            rows = cursor.fetchall()
            found[part] = dict(rows) if part in ("total", "previous") else rows
    return found


def timed(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="50,000 records: checks the bench runs")
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--days", type=int, default=180)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--database-url", help="a PostgreSQL URL whose database this bench may drop and create"
    )
    parser.add_argument(
        "--registry-raw",
        action="store_true",
        help="also time the registry reading the raw rows instead of the roll-ups (slow: the 'before')",
    )
    args = parser.parse_args(argv)
    rows = 50_000 if args.quick else args.rows
    url = configure(args.database_url)
    from django.db import connection

    from meetpoint import indicators as indicator_registry
    from meetpoint.outcomes.reports import build_report

    missing = [code for code in CODES if code not in indicator_registry.registry]
    if missing:
        print(f"indicators not registered: {missing}")
        return 1
    organization, start, end = populate(rows, args.days)
    from meetpoint.outreach import rollups

    began = time.perf_counter()
    made = rollups.rebuild([organization.pk])
    print(
        f"rebuilt the daily roll-ups ({made['supply_days']:,} supply rows, {made['encounter_days']:,} encounter "
        f"rows) in {time.perf_counter() - began:.1f} s"
    )
    scope = indicator_registry.Scope((organization.pk,), start, end)

    def registry_totals():
        return {code: indicator_registry.registry[code].value(scope, ()).get((), 0) for code in CODES}

    def registry_report():
        return build_report(organization, start, end, codes=list(CODES))

    measured = {}
    fast = max(args.repeat, 7)  # the millisecond measurements get more repeats: their medians are noisy
    measured["totals", "registry"], totals = timed(registry_totals, fast)
    measured["totals", "raw"], raw_numbers = timed(
        lambda: hand_written(organization, start, end, parts=("total",))["total"], args.repeat
    )
    measured["totals", "rollup"], rollup_numbers = timed(
        lambda: hand_written_rollup(organization, start, end, parts=("total",))["total"], fast
    )
    measured["report", "registry"], report = timed(registry_report, fast)
    measured["report", "raw"], _ = timed(lambda: hand_written(organization, start, end), args.repeat)
    measured["report", "rollup"], rollup_report = timed(
        lambda: hand_written_rollup(organization, start, end), fast
    )
    if args.registry_raw:
        from django.test import override_settings

        with override_settings(MEETPOINT_OUTREACH_ROLLUPS=False):
            measured["totals", "registry raw"], raw_totals = timed(registry_totals, 1)
            measured["report", "registry raw"], raw_report = timed(registry_report, 1)
        assert raw_totals == totals, (raw_totals, totals)
        assert raw_report.as_dict() == report.as_dict()
    for code in CODES:
        expected = raw_numbers.get(CATEGORIES[code]) or 0
        assert totals[code] == expected == (rollup_numbers.get(CATEGORIES[code]) or 0), (code, totals[code])
    by_site = {
        (category, str(site).replace("-", "")): amount for category, site, amount in rollup_report["site"]
    }
    for row in report.rows:
        for site, amount in row.by_site.items():
            assert by_site[CATEGORIES[row.code], site.replace("-", "")] == amount, (row.code, site)
    print(f"\ndatabase: {connection.vendor} ({url.split('@')[-1]}); {rows:,} records; {args.days}-day report; "
          f"median of {args.repeat} (raw SQL) / {fast} (registry, roll-up SQL)")  # fmt: skip
    print(report.summary)
    print(
        f"{'what':<50}{'registry (s)':>13}{'raw SQL (s)':>12}{'roll-up SQL (s)':>16}"
        f"{'vs raw':>9}{'vs roll-up':>11}"
    )
    for part, label in (
        ("totals", "3 indicator totals"),
        ("report", "full report (totals, previous, weekly, by site)"),
    ):
        mine, raw, rolled = measured[part, "registry"], measured[part, "raw"], measured[part, "rollup"]
        print(
            f"{label:<50}{mine:>13.3f}{raw:>12.3f}{rolled:>16.4f}{mine / raw:>8.4f}x{mine / rolled:>10.1f}x"
        )
        if (part, "registry raw") in measured:
            before = measured[part, "registry raw"]
            print(f"{'  same, registry over the raw rows (before)':<50}{before:>13.3f}{raw:>12.3f}{'':>16}"
                  f"{before / raw:>8.1f}x")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
