"""Two organizations syncing outreach at once: does one's audited write hold up the other?

    .venv/bin/python -m bench.audit_chains --database-url postgres://postgres@127.0.0.1:5432/meetpoint_bench_audit
    .venv/bin/python -m bench.audit_chains --quick      # a temporary SQLite file, tiny batches: a smoke run

It builds its own database (the PostgreSQL database you name, which it drops and creates, or a temporary SQLite
file), makes two organizations with a site each, and measures organization B syncing encounters through the sync
API's batch function (validation, encounter, supply lines, stock, roll-ups, one audit event each), in separate
processes:
  * B alone;
  * A and B syncing in parallel (each its own process and connection): B's time and the pair's throughput;
  * one batch of B sent while A holds an audited write open (an event written, its transaction not yet
    committed) for --hold s: the seconds B's worker waits for its answer, against one batch alone.
Each is run twice in the same run: with one audit chain per organization (Meetpoint's log) and with every event
on one shared chain (the single chain-head lock the log had before), the baseline. It prints encounters per
second (median of --rounds) and the ratios. On SQLite every writer waits for the one write lock anyway, so the
held-write case is only run on PostgreSQL.
"""

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta


def _setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meetpoint.settings")
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


def _world() -> dict:
    from meetpoint.accounts import actions as accounts
    from meetpoint.accounts.roles import PartnerType
    from meetpoint.directory import actions as directory

    sides = {}
    for key, name in (("A", "Bench Outreach A"), ("B", "Bench Outreach B")):
        organization = accounts.create_organization(name, PartnerType.HARM_REDUCTION)
        staff = accounts.add_member(organization, f"bench-staff-{key.lower()}", "staff")
        site = directory.save_location(
            organization,
            directory.LocationInput(name=f"{name} van", is_mobile=True, latitude=40.44, longitude=-80.0),
        )
        sides[key] = (staff.pk, str(site.pk))
    return sides


def _records(site: str, count: int) -> list[dict]:
    from django.utils import timezone

    when = (timezone.now() - timedelta(hours=1)).isoformat()
    return [
        {
            "client_uuid": str(uuid.uuid4()),
            "occurred_at": when,
            "site": site,
            "participant_code": f"BX{n:06d}",
            "supplies": [
                {"item": "syringe-1ml-28g", "quantity": 20},
                {"item": "naloxone-nasal-4mg", "quantity": 1},
            ],
            "syringes_collected": 10,
        }
        for n in range(count)
    ]


def _shared_chain(on: bool) -> None:
    """The baseline: every event joins one chain, so every append locks the same head row. (Pool workers are
    reused, so the switch goes both ways.)"""
    from meetpoint.accounts import audit

    own = audit.__dict__.setdefault("_own_chain_of", audit.chain_of)
    audit.chain_of = (lambda organization_id: "bench-shared") if on else own


def _sync(args) -> float:
    """In a child process: sync `count` encounters of one side in batches; the seconds it took."""
    membership_id, site, count, batch, shared, start_at = args
    from django.db import connections

    connections.close_all()  # the parent's connection is not this process's
    _shared_chain(shared)
    from meetpoint.accounts.models import Membership
    from meetpoint.outreach.api import sync_batch

    membership = Membership.objects.select_related("organization", "user").get(pk=membership_id)
    records = _records(site, count)
    while time.time() < start_at:
        time.sleep(0.001)
    began = time.perf_counter()
    for start in range(0, count, batch):
        result = sync_batch(membership, records[start : start + batch])
        assert result["stored"] == len(records[start : start + batch]), result
    elapsed = time.perf_counter() - began
    connections.close_all()
    return elapsed


def _hold(args) -> float:
    """In a child process: an audited write of side A left open for `hold` seconds."""
    membership_id, hold, shared, start_at = args
    from django.db import connections, transaction

    connections.close_all()
    _shared_chain(shared)
    from meetpoint.accounts import audit
    from meetpoint.accounts.models import Membership

    membership = Membership.objects.select_related("organization", "user").get(pk=membership_id)
    while time.time() < start_at:
        time.sleep(0.001)
    with transaction.atomic():
        audit.record("bench.long_write", membership=membership)
        time.sleep(hold)
    connections.close_all()
    return hold


def _round(pool, sides, count, batch, shared, scenario, hold) -> float:
    start_at = time.time() + 0.3
    a, b = sides["A"], sides["B"]
    if scenario == "alone":
        return pool.apply(_sync, ((b[0], b[1], count, batch, shared, start_at),))
    if scenario == "parallel":
        jobs = [
            pool.apply_async(_sync, ((side[0], side[1], count, batch, shared, start_at),)) for side in (a, b)
        ]
        return max(job.get() for job in jobs)
    # One batch of B, sent just after A's write opened: how long B's worker waits for its answer.
    holder = pool.apply_async(_hold, ((a[0], hold, shared, start_at),))
    b_time = pool.apply(_sync, ((b[0], b[1], batch, batch, shared, start_at + 0.2),))
    holder.get()
    return b_time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", help="A PostgreSQL database named meetpoint_bench* (dropped and created)."
    )
    parser.add_argument("--quick", action="store_true", help="Tiny batches on a temporary SQLite file.")
    parser.add_argument("--encounters", type=int, default=100, help="Encounters each side syncs per round.")
    parser.add_argument("--batch", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--hold", type=float, default=2.0, help="Seconds A's audited write stays open.")
    args = parser.parse_args()
    if args.quick:
        args.encounters, args.rounds = min(args.encounters, 10), 1
    if args.database_url:
        _prepare_postgres(args.database_url)
        url = args.database_url
    else:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='bench-audit-')}/bench.sqlite3"
    _setup(url)
    from django.core.management import call_command
    from django.db import connection, connections

    call_command("migrate", verbosity=0)
    sides = _world()
    vendor = connection.vendor
    connections.close_all()
    scenarios = ["alone", "parallel"] + (["held"] if vendor == "postgresql" else [])
    labels = {
        "alone": "B syncs alone",
        "parallel": "A and B sync in parallel (slower of the two)",
        "held": f"one batch of B while A holds an audited write open {args.hold:g} s",
    }
    print(f"database: {vendor}; {args.encounters} encounters a side per round, batches of {args.batch}")
    print(f"{'scenario':<62} {'per-org chains':>16} {'one shared chain':>18}")
    figures: dict = {}
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(2) as pool:
        for scenario in scenarios:
            for shared in (False, True):
                times = [
                    _round(pool, sides, args.encounters, args.batch, shared, scenario, args.hold)
                    for _ in range(args.rounds)
                ]
                figures[(scenario, shared)] = statistics.median(times)
            if scenario == "held":
                continue
            own, single = figures[(scenario, False)], figures[(scenario, True)]
            print(
                f"{labels[scenario]:<62} {args.encounters / own:>11.1f} enc/s {args.encounters / single:>13.1f} enc/s"
            )
        if "held" in scenarios:
            batch_alone = {
                shared: statistics.median(
                    _round(pool, sides, args.batch, args.batch, shared, "alone", args.hold)
                    for _ in range(args.rounds)
                )
                for shared in (False, True)
            }
            print(f"{'one batch of B alone':<62} {batch_alone[False]:>13.2f} s {batch_alone[True]:>16.2f} s")
            print(
                f"{labels['held']:<62} {figures[('held', False)]:>13.2f} s {figures[('held', True)]:>16.2f} s"
            )
    alone = figures[("alone", False)]
    pair = 2 * args.encounters / figures[("parallel", False)]
    print(f"pair throughput in parallel / one alone (per-org chains): {pair / (args.encounters / alone):.2f}")
    if "held" in scenarios:
        print(
            "B's batch while A holds a write / alone: "
            f"per-org chains {figures[('held', False)] / batch_alone[False]:.2f}, "
            f"one shared chain {figures[('held', True)] / batch_alone[True]:.2f}"
        )


if __name__ == "__main__":
    main()
