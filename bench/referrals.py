"""Referral creation and state-transition throughput with many stored referrals.

    .venv/bin/python -m bench.referrals            # 1,000,000 stored referrals (temp SQLite file)
    .venv/bin/python -m bench.referrals --quick    # 10,000 stored, small rounds: seconds
    .venv/bin/python -m bench.referrals --database-url postgres://postgres@127.0.0.1:5432/meetpoint_bench_referrals

It builds its own database (a temporary SQLite file, or the PostgreSQL database you name, which it drops and
creates), bulk-loads the stored referrals with raw multi-row inserts, then measures side by side in the same run:
  * create + send through actions.create_referral (validation, referral, 2 history rows, notification) against a
    raw SQL baseline that INSERTs the same rows in one transaction each;
  * accept through actions.transition_referral (visibility query, rules, conditional UPDATE, history row,
    notification) against a raw conditional UPDATE + the same INSERTs.
It prints operations per second (median of the rounds) and the ratio baseline / project.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta


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


def _world():
    from meetpoint.accounts import actions as accounts
    from meetpoint.accounts.roles import PartnerType
    from meetpoint.directory.models import Service

    sender = accounts.create_organization("Bench Hospital", PartnerType.HOSPITAL, slug="bench-hospital")
    receiver = accounts.create_organization("Bench SSP", PartnerType.HARM_REDUCTION, slug="bench-ssp")
    sender_staff = accounts.add_member(sender, "bench-ed-staff", "staff")
    receiver_staff = accounts.add_member(receiver, "bench-ssp-staff", "staff")
    service = Service.objects.create(organization=receiver, name="Syringe services")
    return sender, receiver, sender_staff, receiver_staff, service


def _prep(model, names):
    """A fast row adapter for raw INSERTs: ids, UUIDs and datetimes as the backend stores them (Django's own
    get_db_prep_save costs ~20 µs a value, which would make the 1M-row load take many minutes)."""
    from django.db import connection

    sqlite = connection.vendor == "sqlite"

    def adapt(value):
        if isinstance(value, uuid.UUID):
            return value.hex if sqlite else value
        if isinstance(value, datetime):
            return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ") if sqlite else value
        return value

    def row(values):
        return tuple(adapt(v) for v in values)

    return row


def _insert_many(connection, table: str, cols: str, rows: list) -> None:
    """The driver's own fast path: sqlite3 executemany, or PostgreSQL COPY."""
    raw = connection.connection
    if connection.vendor == "sqlite":
        marks = ", ".join(["?"] * len(rows[0]))
        raw.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)
    else:
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def _drop_indexes(connection, tables: list[str]) -> list[str]:
    """Drops the tables' secondary indexes and returns the SQL that recreates them."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            marks = ", ".join(["%s"] * len(tables))
            cursor.execute(
                f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks})",
                tables,
            )
        else:
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
                [tables],
            )
        found = cursor.fetchall()
        for name, _sql in found:
            cursor.execute(f'DROP INDEX "{name}"')
    return [sql for _name, sql in found]


def bulk_load(count: int, sender, receiver, service, user) -> float:
    """Stores `count` referrals (and one creation history row each) with raw multi-row INSERTs."""
    from django.db import connection, transaction
    from django.utils import timezone

    from meetpoint.referrals.models import Referral, ReferralTransition

    r_cols = [
        "id",
        "sender",
        "receiver",
        "service",
        "reason_category",
        "reason",
        "urgency",
        "contact_method",
        "contact_detail",
        "needs_consent",
        "state",
        "version",
        "status_reason_code",
        "status_reason",
        "created_by",
        "created",
        "sent_at",
        "accepted_at",
        "closed_at",
        "updated",
    ]
    r_sql_cols = ", ".join(Referral._meta.get_field(c).column for c in r_cols)
    t_cols = [
        "referral",
        "from_state",
        "to_state",
        "side",
        "organization",
        "actor",
        "note",
        "reason_code",
        "version",
        "at",
    ]
    t_sql_cols = ", ".join(ReferralTransition._meta.get_field(c).column for c in t_cols)
    states = ["completed"] * 5 + ["accepted", "in_progress", "declined", "not_completed", "expired"]
    sqlite = connection.vendor == "sqlite"
    if sqlite:  # a big page cache for the load only: random UUID keys otherwise thrash the indexes
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -400000")
            cursor.execute("PRAGMA synchronous = OFF")
    # Values as the backend stores them, computed once per row (Django's per-value adapters are too slow here).
    base = timezone.now().astimezone(UTC)
    if sqlite:
        base = base.replace(tzinfo=None)

        def stamp(moment):
            return moment.isoformat(" ")

        def key(value):
            return value.hex
    else:

        def stamp(moment):
            return moment

        def key(value):
            return value

    sender_id, receiver_id, service_id, user_id = key(sender.pk), key(receiver.pk), key(service.pk), user.pk
    three_hours, thirty_hours = timedelta(hours=3), timedelta(hours=30)
    started = time.perf_counter()
    indexes = _drop_indexes(connection, [Referral._meta.db_table, ReferralTransition._meta.db_table])
    with connection.cursor() as cursor:
        for start in range(0, count, 20_000):
            r_rows, t_rows = [], []
            for i in range(start, min(count, start + 20_000)):
                rid = key(uuid.uuid4())
                moment = base - timedelta(minutes=i)
                sent = stamp(moment)
                # fmt: off
                r_rows.append((
                    rid, sender_id, receiver_id, service_id, "social_needs", "Stored referral.", "routine",
                    "via_sender", "", False, states[i % 10], 4, "", "", user_id, sent, sent,
                    stamp(moment + three_hours), stamp(moment + thirty_hours), sent,
                ))
                # fmt: on
                t_rows.append((rid, "", "draft", "sender", sender_id, user_id, "", "", 1, sent))
            with transaction.atomic():
                for rows, table, cols in (
                    (r_rows, Referral._meta.db_table, r_sql_cols),
                    (t_rows, ReferralTransition._meta.db_table, t_sql_cols),
                ):
                    _insert_many(connection, table, cols, rows)
    with connection.cursor() as cursor:
        for sql in indexes:  # rebuilt once, by sorting, instead of updated row by row
            cursor.execute(sql)
        if sqlite:  # measure with the project's own settings (WAL, synchronous=NORMAL, default cache)
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute("PRAGMA cache_size = -2000")
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def project_create(n, sender_staff, service) -> list:
    from meetpoint.referrals import actions

    data = {
        "service_id": service.pk,
        "reason_category": "social_needs",
        "reason": "Needs food.",
        "contact_method": "via_sender",
    }
    return [actions.create_referral(sender_staff, data).pk for _ in range(n)]


def baseline_create(n, sender, receiver, service, user) -> list:
    """The same rows as create_referral writes (referral, 2 history rows, 1 notification), by hand."""
    from django.db import connection, transaction
    from django.utils import timezone

    from meetpoint.referrals.models import Notification, Referral, ReferralTransition

    r_cols = [
        "id",
        "sender",
        "receiver",
        "service",
        "reason_category",
        "reason",
        "urgency",
        "contact_method",
        "contact_detail",
        "needs_consent",
        "state",
        "version",
        "status_reason_code",
        "status_reason",
        "created_by",
        "created",
        "sent_at",
        "updated",
    ]
    r_prep = _prep(Referral, r_cols)
    r_sql = f"INSERT INTO {Referral._meta.db_table} ({', '.join(Referral._meta.get_field(c).column for c in r_cols)}) VALUES ({', '.join(['%s'] * len(r_cols))})"
    t_cols = [
        "referral",
        "from_state",
        "to_state",
        "side",
        "organization",
        "actor",
        "note",
        "reason_code",
        "version",
        "at",
    ]
    t_prep = _prep(ReferralTransition, t_cols)
    t_sql = f"INSERT INTO {ReferralTransition._meta.db_table} ({', '.join(ReferralTransition._meta.get_field(c).column for c in t_cols)}) VALUES ({', '.join(['%s'] * len(t_cols))})"
    n_cols = ["organization", "referral", "kind", "to_state", "created"]
    n_prep = _prep(Notification, n_cols)
    n_sql = f"INSERT INTO {Notification._meta.db_table} ({', '.join(Notification._meta.get_field(c).column for c in n_cols)}) VALUES ({', '.join(['%s'] * len(n_cols))})"
    ids = []
    for _ in range(n):
        rid, now = uuid.uuid4(), timezone.now()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                r_sql,
                r_prep(
                    (
                        rid,
                        sender.pk,
                        receiver.pk,
                        service.pk,
                        "social_needs",
                        "Needs food.",
                        "routine",
                        "via_sender",
                        "",
                        False,
                        "sent",
                        2,
                        "",
                        "",
                        user.pk,
                        now,
                        now,
                        now,
                    )
                ),
            )
            cursor.execute(t_sql, t_prep((rid, "", "draft", "sender", sender.pk, user.pk, "", "", 1, now)))
            cursor.execute(
                t_sql, t_prep((rid, "draft", "sent", "sender", sender.pk, user.pk, "", "", 2, now))
            )
            cursor.execute(n_sql, n_prep((receiver.pk, rid, "new_referral", "", now)))
        ids.append(rid)
    return ids


def project_accept(ids, receiver_staff) -> None:
    from meetpoint.referrals import actions

    for rid in ids:
        actions.transition_referral(receiver_staff, rid, "accepted")


def baseline_accept(ids, sender, receiver, user) -> None:
    """A conditional UPDATE plus the same history and notification rows, by hand."""
    from django.db import connection, transaction
    from django.utils import timezone

    from meetpoint.referrals.models import Notification, Referral, ReferralTransition

    r_table = Referral._meta.db_table
    id_prep = _prep(Referral, ["id"])
    t_cols = [
        "referral",
        "from_state",
        "to_state",
        "side",
        "organization",
        "actor",
        "note",
        "reason_code",
        "version",
        "at",
    ]
    t_prep = _prep(ReferralTransition, t_cols)
    t_sql = f"INSERT INTO {ReferralTransition._meta.db_table} ({', '.join(ReferralTransition._meta.get_field(c).column for c in t_cols)}) VALUES ({', '.join(['%s'] * len(t_cols))})"
    n_cols = ["organization", "referral", "kind", "to_state", "created"]
    n_prep = _prep(Notification, n_cols)
    n_sql = f"INSERT INTO {Notification._meta.db_table} ({', '.join(Notification._meta.get_field(c).column for c in n_cols)}) VALUES ({', '.join(['%s'] * len(n_cols))})"
    for rid in ids:
        now = timezone.now()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {r_table} SET state = 'accepted', version = version + 1, accepted_at = %s, updated = %s "
                "WHERE id = %s AND state = 'sent' AND version = 2",
                [
                    _prep(Referral, ["accepted_at"])((now,))[0],
                    _prep(Referral, ["updated"])((now,))[0],
                    id_prep((rid,))[0],
                ],
            )
            if cursor.rowcount != 1:
                raise RuntimeError("baseline conditional update lost")
            cursor.execute(
                t_sql, t_prep((rid, "sent", "accepted", "receiver", receiver.pk, user.pk, "", "", 3, now))
            )
            cursor.execute(n_sql, n_prep((sender.pk, rid, "state_changed", "accepted", now)))


def _rate(n, seconds):
    return n / seconds if seconds else float("inf")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="10,000 stored referrals and small rounds (seconds)."
    )
    parser.add_argument("--stored", type=int, help="Stored referrals to bulk-load (default 1,000,000).")
    parser.add_argument("--ops", type=int, help="Operations per round and side (default 1000; quick 100).")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--database-url", help="A PostgreSQL database named meetpoint_bench* (dropped and created)."
    )
    args = parser.parse_args(argv)
    stored = args.stored or (10_000 if args.quick else 1_000_000)
    ops = args.ops or (100 if args.quick else 1000)
    tmp = None
    if args.database_url:
        _prepare_postgres(args.database_url)
        url = args.database_url
    else:
        tmp = tempfile.mkdtemp(prefix="bench-referrals-")
        url = f"sqlite:///{tmp}/bench.sqlite3"
    _setup(url)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    sender, receiver, sender_staff, receiver_staff, service = _world()
    load_seconds = bulk_load(stored, sender, receiver, service, sender_staff.user)
    print(
        f"database: {connection.vendor}; stored referrals: {stored:,} (bulk-loaded in {load_seconds:.1f} s, "
        f"{stored / load_seconds:,.0f} rows/s); {ops} operations x {args.rounds} rounds per side"
    )
    results = {"create": ([], []), "accept": ([], [])}
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        project_ids = project_create(ops, sender_staff, service)
        t1 = time.perf_counter()
        base_ids = baseline_create(ops, sender, receiver, service, sender_staff.user)
        t2 = time.perf_counter()
        results["create"][0].append(_rate(ops, t1 - t0))
        results["create"][1].append(_rate(ops, t2 - t1))
        t0 = time.perf_counter()
        project_accept(project_ids, receiver_staff)
        t1 = time.perf_counter()
        baseline_accept(base_ids, sender, receiver, receiver_staff.user)
        t2 = time.perf_counter()
        results["accept"][0].append(_rate(ops, t1 - t0))
        results["accept"][1].append(_rate(ops, t2 - t1))
    print()
    print(f"{'operation':<28} {'project ops/s':>14} {'raw SQL ops/s':>14} {'ratio raw/project':>18}")
    labels = {"create": "create + send a referral", "accept": "accept (state transition)"}
    for key, (project, baseline) in results.items():
        p, b = statistics.median(project), statistics.median(baseline)
        print(f"{labels[key]:<28} {p:>14,.0f} {b:>14,.0f} {b / p:>17.1f}x")
    if tmp:
        import shutil

        connection.close()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
