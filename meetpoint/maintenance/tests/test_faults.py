"""Faults, for CI: the real server (gunicorn, or runserver without the bench extras) against a database of its
own is killed with SIGKILL in the middle of an offline sync, an import process is killed in the middle of its
transaction, and PostgreSQL drops the app's connections during traffic. After each, the same data are sent
again and every record must be stored exactly once, none lost."""

import csv
import os
import signal
import subprocess
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from meetpoint.maintenance.tests.servers import (
    BIN,
    Server,
    Site,
    drop_postgres_database,
    environment,
    post_json,
    postgres_url,
    prepare,
    recreate_postgres_database,
)

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="module", params=BACKENDS)
def site(request, tmp_path_factory):
    var_dir = tmp_path_factory.mktemp(f"faults-{request.param}")
    if request.param == "sqlite":
        url = f"sqlite:///{var_dir / 'faults.sqlite3'}"
    else:
        base = os.environ.get("DATABASE_URL", "")
        if not base.startswith("postgres"):
            pytest.skip("PostgreSQL faults run when DATABASE_URL names a PostgreSQL database")
        # A database of its own, per xdist worker, beside the one DATABASE_URL names.
        url = postgres_url(base, "faults_" + os.environ.get("PYTEST_XDIST_WORKER", "main"))
        recreate_postgres_database(url)
    yield prepare(Site(url, environment(url, var_dir)))
    if request.param == "postgresql":
        drop_postgres_database(url)


def encounter(site: Site, minutes_ago: int = 30) -> dict:
    return {
        "client_uuid": str(uuid.uuid4()),
        "occurred_at": (datetime.now(UTC) - timedelta(minutes=minutes_ago)).isoformat(),
        "site": site.site_id,
        "participant_code": f"FT{uuid.uuid4().hex[:6].upper()}",
        "supplies": [
            {"item": "syringe-1ml-28g", "quantity": 10},
            {"item": "naloxone-nasal-4mg", "quantity": 1},
        ],
        "syringes_collected": 8,
        "naloxone_kit_status": "first",
    }


def wait_for(condition, seconds: float, step: float = 0.02):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    return None


def test_a_sync_cut_by_a_server_kill_is_stored_exactly_once_when_resent(site):
    batch = {"encounters": [encounter(site) for _ in range(120)]}
    uuids = [record["client_uuid"] for record in batch["encounters"]]
    server = Server(site).start()
    answer = {}
    sender = threading.Thread(
        target=lambda: answer.update(
            status=post_json(server.url + "/api/v1/outreach/sync", batch, site.token)[0]
        )
    )
    try:
        sender.start()
        assert wait_for(lambda: site.count_encounters(uuids)[0] > 0, 20), "the sync never started storing"
        server.kill()
        sender.join(30)
    finally:
        server.kill()
    stored_before_kill, _ = site.count_encounters(uuids)
    assert answer["status"] == 0  # the phone got no answer: it keeps the batch and sends it again
    assert 0 < stored_before_kill < 120

    server = Server(site).start()
    try:
        status, body = post_json(server.url + "/api/v1/outreach/sync", batch, site.token)
        again_status, again = post_json(server.url + "/api/v1/outreach/sync", batch, site.token)
    finally:
        server.kill()
    assert status == 200
    assert body["rejected"] == 0
    assert body["already_stored"] == stored_before_kill
    assert body["stored"] == 120 - stored_before_kill
    assert (again_status, again["stored"], again["already_stored"]) == (200, 0, 120)
    assert site.count_encounters(uuids) == (120, 120)


def csv_rows(site: Site, rows: int, day_offset: int) -> list[list[str]]:
    start = datetime.now(UTC) - timedelta(days=day_offset)
    header = ["occurred_at", "site", "participant_code", "syringes_distributed", "naloxone_kits"]
    return [header] + [
        [
            (start - timedelta(minutes=row)).strftime("%Y-%m-%dT%H:%M:%S+00:00"),
            "Fault Drop-in",
            f"IM{row % 900:03d}Q",
            str(row % 40),
            str(row % 3),
        ]
        for row in range(rows)
    ]


def count_all(site: Site) -> int:
    return site.count_encounters()[0]


def holds_open_write_transaction(site: Site) -> bool:
    """True while another process is inside a write transaction on the site's database."""
    if site.vendor == "sqlite":
        import sqlite3

        db = sqlite3.connect(site.database_url.removeprefix("sqlite:///"), timeout=0, isolation_level=None)
        try:
            db.execute("BEGIN IMMEDIATE")
            db.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return True  # "database is locked": the import holds the write lock
        finally:
            db.close()
    import psycopg

    with psycopg.connect(site.database_url, autocommit=True) as db:
        found = db.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND state = 'idle in transaction' AND backend_xid IS NOT NULL"
        ).fetchone()
    return found[0] > 0


@pytest.mark.parametrize("extra", [[], ["--skip-bad-rows"]], ids=["all-or-nothing", "skip-bad-rows"])
def test_an_import_killed_midway_stores_each_row_once_when_run_again(site, tmp_path, extra):
    rows = 3000
    table = csv_rows(site, rows, day_offset=40 if extra else 80)
    path = tmp_path / "encounters.csv"
    with open(path, "w", newline="") as out:
        csv.writer(out).writerows(table)
    before = count_all(site)

    # The importer reads the file through a pipe: it gets the first two thirds, writes them inside its
    # transaction, waits for the rest — and is killed there.
    fifo = tmp_path / "encounters.fifo"
    os.mkfifo(fifo)
    process = subprocess.Popen(  # noqa: S603
        [
            str(BIN / "meetpoint"),
            "import_encounters",
            str(fifo),
            "--org",
            site.org,
            "--chunk-size",
            "500",
            *extra,
        ],
        env=site.environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        with open(fifo, "w", newline="") as pipe:
            csv.writer(pipe).writerows(table[: rows * 2 // 3])
            pipe.flush()
            assert wait_for(lambda: holds_open_write_transaction(site), 20, step=0.1), "no open transaction"
            assert process.poll() is None
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
    except BrokenPipeError:
        pass
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == -signal.SIGKILL
    assert count_all(site) == before  # one transaction: nothing half-written

    first = site.run("import_encounters", str(path), "--org", site.org, *extra)
    second = site.run("import_encounters", str(path), "--org", site.org, *extra)
    assert first.returncode == 0, first.stderr
    assert f"{rows} encounters written" in first.stdout
    assert second.returncode == 0, second.stderr
    assert "0 encounters written" in second.stdout and f"{rows} already stored" in second.stdout
    assert count_all(site) == before + rows


def test_dropped_database_connections_give_errors_that_are_safe_to_retry(site):
    if site.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: it simulates a database restart by terminating the app's connections")
    import psycopg

    database = site.database_url.rsplit("/", 1)[-1]
    batches = [{"encounters": [encounter(site, minutes_ago=5 + b) for _ in range(40)]} for b in range(8)]
    server = Server(site).start()
    statuses: list[int] = []
    stop = threading.Event()

    def terminate_connections():
        with psycopg.connect(site.database_url, autocommit=True) as db:
            while not stop.wait(0.05):
                db.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()",
                    [database],
                )

    terminator = threading.Thread(target=terminate_connections)
    try:
        terminator.start()
        for batch in batches[:4]:  # during the outage: send once, remember what failed
            statuses.append(post_json(server.url + "/api/v1/outreach/sync", batch, site.token)[0])
        stop.set()
        terminator.join(10)
        # The database is back: each client resends every batch it sent, as the offline queue does.
        final = []
        for batch in batches:
            status, body = 0, None
            for _attempt in range(5):
                status, body = post_json(server.url + "/api/v1/outreach/sync", batch, site.token)
                if status == 200:
                    break
                time.sleep(0.2)
            final.append((status, body))
    finally:
        stop.set()
        server.kill()
    assert any(status != 200 for status in statuses), "no request met a dropped connection"
    assert all(status in (0, 200, 500, 502, 503) for status in statuses)
    assert all(status == 200 and body["rejected"] == 0 for status, body in final)
    uuids = [record["client_uuid"] for batch in batches for record in batch["encounters"]]
    assert site.count_encounters(uuids) == (len(uuids), len(uuids))
