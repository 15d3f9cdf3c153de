"""Spike detection at a state's scale: a year of overdose reports (50,000 by default) scanned per area and day.

    .venv/bin/python -m bench.alerts_scale              # 50,000 reports over 365 days (temp SQLite file)
    .venv/bin/python -m bench.alerts_scale --quick      # 2,000 reports: seconds
    .venv/bin/python -m bench.alerts_scale --database-url postgres://postgres@127.0.0.1:5432/meetpoint_bench_alerts

It builds its own database, bulk-loads the reports of three partners (one shares its overdose figures with a
coalition) spread over 400 grid cells, then measures side by side in the same run:
  * the daily run (detect(): pools, the last 14 days per area, EARS C2, alerts) for the day of the last report;
  * a whole-year scan: the year's counts per area and day through EARS C2 (daily_counts() + the method);
  * the baseline: the same year's counts with one raw GROUP BY query and no detection (the database's floor).
It prints the median seconds of the rounds and the ratio of the year's scan to its raw baseline.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from datetime import time as clock


def _setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meetpoint.settings")
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    import django

    django.setup()


def _prepare_postgres(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    if not name.startswith("meetpoint_bench"):
        sys.exit("Refusing to drop a database whose name does not start with meetpoint_bench.")
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def _load(reports: int, end):
    import random

    from django.utils import timezone

    from meetpoint.accounts import actions as accounts
    from meetpoint.accounts.roles import PartnerType
    from meetpoint.outcomes import actions as outcomes
    from meetpoint.outreach.models import OverdoseReport

    rng = random.Random(2026)
    partners = [
        accounts.create_organization(name, PartnerType.HARM_REDUCTION, slug=slug)
        for name, slug in (
            ("Bench SSP", "bench-ssp"),
            ("Bench EMS", "bench-ems"),
            ("Bench Mobile", "bench-mobile"),
        )
    ]
    coalition = accounts.create_organization("Bench Coalition", PartnerType.COALITION, slug="bench-coalition")
    sharer_admin = accounts.add_member(partners[0], "bench-ssp-admin", "admin")
    coalition_admin = accounts.add_member(coalition, "bench-coalition-admin", "admin")
    agreement = outcomes.propose_agreement(
        sharer_admin,
        outcomes.AgreementInput(
            recipient=coalition,
            indicators=["overdoses_reported_nonfatal"],
            valid_from=end - timedelta(days=400),
            place_grain="zip3",
        ),
    )
    outcomes.accept_agreement(coalition_admin, agreement)
    cells = [
        f"{40 + rng.randint(0, 199) / 100:.2f},{-80 + rng.randint(0, 199) / 100:.2f}" for _ in range(400)
    ]
    rows = []
    zone = timezone.get_current_timezone()
    for _ in range(reports):
        day = end - timedelta(days=rng.randint(0, 364))
        when = datetime.combine(day, clock(rng.randint(0, 23), rng.randint(0, 59)), tzinfo=zone)
        rows.append(
            OverdoseReport(
                client_uuid=uuid.uuid4(),
                organization=rng.choice(partners),
                occurred_at=when,
                place_kind="grid_cell",
                grid_cell=rng.choice(cells),
            )
        )
    OverdoseReport.objects.bulk_create(rows, batch_size=5000)
    return partners, coalition


def _raw_year(start, end) -> int:
    from django.db import connection

    from meetpoint.outreach.models import OverdoseReport
    from meetpoint.outreach.summary import bounds

    low, high = bounds(start, end)
    table = connection.ops.quote_name(OverdoseReport._meta.db_table)
    day = "date(occurred_at)" if connection.vendor == "sqlite" else "(occurred_at AT TIME ZONE 'UTC')::date"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {day}, grid_cell, count(*) FROM {table} "  # noqa: S608 -- the model's own table
            f"WHERE occurred_at >= %s AND occurred_at < %s GROUP BY 1, 2",
            [low, high],
        )
        return len(cursor.fetchall())


def _timed(function, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        function()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--reports", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args(argv)
    reports = 2_000 if args.quick else args.reports
    rounds = 1 if args.quick else args.rounds
    if args.database_url:
        _prepare_postgres(args.database_url)
        url = args.database_url
    else:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='bench-alerts-')}/bench.sqlite3"
    _setup(url)
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    end = timezone.localdate()
    start = end - timedelta(days=364)
    began = time.perf_counter()
    partners, _coalition = _load(reports, end)
    loaded = time.perf_counter() - began

    from meetpoint.alerts.detection import daily_counts, detect
    from meetpoint.alerts.methods import EarsC2

    sources = frozenset(p.pk for p in partners)

    def year_scan():
        counts = daily_counts(sources, start, end)
        return EarsC2().run(counts.counts)

    daily = _timed(lambda: detect(end), rounds)
    year = _timed(year_scan, rounds)
    raw = _timed(lambda: _raw_year(start, end), rounds)
    areas = len(daily_counts(sources, start, end).keys)
    print(
        f"database: {connection.vendor}; reports: {reports:,} over 365 days; areas: {areas}; loaded in {loaded:.1f} s"
    )
    print("| step | median seconds |")
    print("|---|---:|")
    print(f"| daily run (every pool, last 14 days, EARS C2, alerts) | {daily:.3f} |")
    print(f"| whole-year scan (counts per area and day + EARS C2) | {year:.3f} |")
    print(f"| raw GROUP BY of the year (baseline, no detection) | {raw:.3f} |")
    print(f"ratio year scan / raw baseline: {year / raw:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
