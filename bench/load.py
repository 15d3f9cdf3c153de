"""Load test: 50 people using Meetpoint at once, against gunicorn and PostgreSQL on this machine.

    .venv/bin/python -m bench.load            # 5 minutes of the mix (and a baseline run of 1 minute)
    .venv/bin/python -m bench.load --quick    # 20 s of each, to check it runs

The mix (bench/locust_mix.py): public directory searches (API and HTML page), offline encounter syncs with
tokens, referral updates (read, then a transition), dashboard views (outcomes pages, signed in). The baseline is
the same server, the same users, asking for a static file. Prints requests/s held, p50/p95/p99 latency and the
error count per request type, and the mix's ratio to the baseline. Needs the bench extras (gunicorn, locust):
`pip install -e '.[bench]'`. Traffic goes only to 127.0.0.1. The database is its own (default meetpoint_load,
or --database-url): it is created and loaded with the demo region when missing, and migrated before each run.
"""

import argparse
import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/meetpoint_load"
REFERRALS = 60


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _env(database_url: str, **extra) -> dict:
    env = dict(os.environ)
    env.update({"DATABASE_URL": database_url, "DEBUG": "0", "LOG_LEVEL": "ERROR", **extra})
    return env


def prepare_database(database_url: str) -> None:
    """Create, migrate and load the demo region when the database is missing or empty."""
    import psycopg

    name = urlsplit(database_url).path.lstrip("/")
    admin = urlunsplit(urlsplit(database_url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as db:
        exists = db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            db.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(database_url, autocommit=True) as db:
        loaded = db.execute("SELECT to_regclass('accounts_organization') IS NOT NULL").fetchone()[0] and bool(
            db.execute("SELECT 1 FROM accounts_organization WHERE slug = 'three-rivers-coalition'").fetchone()
        )
    # Always bring the schema up to date: the code may have new migrations since the demo was loaded.
    subprocess.run(
        [str(BIN / "meetpoint"), "migrate", "--noinput", "-v0"], env=_env(database_url), check=True
    )
    if loaded:
        return
    print(f"preparing {name}: load_demo (a few minutes)…", file=sys.stderr)
    subprocess.run([str(BIN / "meetpoint"), "load_demo"], env=_env(database_url), check=True)


def make_fixtures(database_url: str, path: Path) -> None:
    """Tokens, a dashboard session and referrals for the users (runs Django against the load database)."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meetpoint.settings")
    import django

    django.setup()
    from django.test import Client

    from meetpoint.accounts import actions as accounts
    from meetpoint.accounts.models import Membership
    from meetpoint.directory.models import Location, Service
    from meetpoint.referrals import actions as referrals

    def member(username: str) -> Membership:
        return Membership.objects.select_related("organization", "user").get(user__username=username)

    outreach = []
    for username in ("demo-ssp-staff", "demo-mobile-staff"):
        staff = member(username)
        token = accounts.issue_token(staff, "load test")
        for site in Location.objects.filter(organization=staff.organization).order_by("name")[:2]:
            outreach.append({"token": token, "site": str(site.pk)})

    sender, receiver = member("demo-ssp-staff"), member("demo-food-staff")
    service = Service.objects.filter(organization=receiver.organization, accepts_referrals=True).first()
    service = service or Service.objects.filter(organization=receiver.organization).first()
    receiver_token = accounts.issue_token(receiver, "load test")
    open_referrals = []
    for number in range(REFERRALS):
        referral = referrals.create_referral(
            sender,
            {
                "service_id": service.pk,
                "reason_category": "social_needs",
                "reason": f"Load test: food box {number}",
                "contact_method": "via_sender",
            },
            send=True,
        )
        referrals.transition_referral(receiver, referral.pk, "accepted")
        referrals.transition_referral(receiver, referral.pk, "in_progress")
        open_referrals.append({"id": str(referral.pk), "token": receiver_token})

    analyst = member("demo-coalition-analyst")
    client = Client()
    client.force_login(analyst.user)
    session = client.session
    session["acting_membership_id"] = analyst.pk
    session.save()
    path.write_text(
        json.dumps(
            {"outreach": outreach, "referrals": open_referrals, "dashboard_session": session.session_key}
        )
    )


class Gunicorn:
    def __init__(self, database_url: str, workers: int):
        self.port = _free_port()
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "meetpoint.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--timeout",
                "60",
                "--log-level",
                "warning",
            ],
            env=_env(database_url, MEETPOINT_DB_CONN_MAX_AGE="60"),
            cwd=ROOT,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/static/css/meetpoint.css", timeout=2):
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise SystemExit("gunicorn did not answer within 60 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(30)


MIX = ["PublicVisitor", "OutreachWorker", "ReferralStaff", "CoalitionAnalyst"]


def run_locust(
    url: str, user_classes: list[str], users: int, seconds: int, fixtures: Path, workdir: Path
) -> list[dict]:
    prefix = workdir / user_classes[0]
    log = open(workdir / f"{user_classes[0]}.log", "w")  # noqa: SIM115 — closed below
    subprocess.run(
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "bench" / "locust_mix.py"),
            *user_classes,
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(max(users // 5, 1)),
            "--run-time",
            f"{seconds}s",
            "--host",
            url,
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "ERROR",
            "--stop-timeout",
            "10",
        ],
        env={**os.environ, "MEETPOINT_LOAD_FIXTURES": str(fixtures)},
        stdout=log,
        stderr=log,
        check=False,
    )
    log.close()
    with open(f"{prefix}_stats.csv", newline="") as source:
        return list(csv.DictReader(source))


def _ms(row: dict, column: str) -> str:
    value = row.get(column, "")
    return "n/a" if value in ("", "N/A") else f"{float(value):.0f}"


def print_table(title: str, rows: list[dict]) -> None:
    print(f"\n{title}")
    print(
        f"{'request':<28} {'count':>8} {'errors':>7} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
    )
    for row in rows:
        name = "ALL" if row["Name"] == "Aggregated" else row["Name"]
        print(
            f"{name:<28} {row['Request Count']:>8} {row['Failure Count']:>7} {float(row['Requests/s']):>7.1f} "
            f"{_ms(row, '50%'):>7} {_ms(row, '95%'):>7} {_ms(row, '99%'):>7}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=5.0, help="Length of the mix run (default 5).")
    parser.add_argument("--quick", action="store_true", help="20 s of the mix and 20 s of the baseline.")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--database-url", default=os.environ.get("MEETPOINT_LOAD_DATABASE_URL", DEFAULT_URL))
    options = parser.parse_args()
    if not options.database_url.startswith("postgres"):
        raise SystemExit("bench.load measures PostgreSQL: give --database-url postgres://…")
    mix_seconds = 20 if options.quick else int(options.minutes * 60)
    baseline_seconds = 20 if options.quick else min(60, mix_seconds)
    prepare_database(options.database_url)
    with tempfile.TemporaryDirectory(prefix="meetpoint-load-") as tmp:
        workdir = Path(tmp)
        fixtures = workdir / "fixtures.json"
        make_fixtures(options.database_url, fixtures)
        server = Gunicorn(options.database_url, options.workers)
        try:
            baseline = run_locust(
                server.url, ["BaselineUser"], options.users, baseline_seconds, fixtures, workdir
            )
            mix = run_locust(server.url, MIX, options.users, mix_seconds, fixtures, workdir)
        finally:
            server.stop()
    print(
        f"\nMeetpoint load test — {options.users} users, gunicorn {options.workers} sync workers, "
        f"PostgreSQL, {os.cpu_count()} cores; mix {mix_seconds} s, baseline {baseline_seconds} s; "
        "users: 30 public visitors (think 0.5–1.5 s), 10 outreach phones syncing (2–5 s), 6 referral staff "
        "(2–5 s), 4 coalition analysts on dashboards (5–15 s); baseline: 50 users, think 0.5–1.5 s"
    )
    print_table("Baseline (static CSS from the same server)", baseline)
    print_table("Realistic mix", mix)
    total_mix = next(row for row in mix if row["Name"] == "Aggregated")
    total_base = next(row for row in baseline if row["Name"] == "Aggregated")
    p95_mix, p95_base = float(total_mix["95%"]), max(float(total_base["95%"]), 1.0)
    print(
        f"\nmix: {float(total_mix['Requests/s']):.1f} req/s held, p95 {p95_mix:.0f} ms, "
        f"{total_mix['Failure Count']} errors; baseline p95 {p95_base:.0f} ms; "
        f"p95 ratio mix/baseline {p95_mix / p95_base:.1f}×"
    )
    print(
        f"target (p95 < 200 ms, 0 errors): {'met' if p95_mix < 200 and total_mix['Failure Count'] == '0' else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
