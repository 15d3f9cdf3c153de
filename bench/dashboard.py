"""The coalition dashboard and the outcomes home, cold and warm, through Django's test client, beside a trivial
view in the same run, on the demo region loaded into a throwaway database.

    .venv/bin/python -m bench.dashboard [--quick] [--views 20] [--processes 3]
        [--database-url postgres://…/meetpoint_bench_dashboard]

"cold" clears Django's cache before each view (the first view after the data changed); "warm" repeats the same
view (every later one). The trivial view answers "ok" through the same middleware and session. "first request
of a new process" times, in a fresh Python process each, importing meetpoint.wsgi (what a gunicorn worker does
when it starts) and then that worker's first request. The charts are also drawn alone, from the same layouts:
as the PDF's vector drawings (reportlab) and as the page's SVG.

Uses its own database: a temporary SQLite file by default, or the PostgreSQL database named by --database-url
(dropped and created again). Its cache files live in the same temporary folder, removed at the end. Never touches
var/.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ANALYST = "demo-coalition-analyst"
PAGES = {
    "trivial view (signed in)": "/bench/trivial/",
    "outcomes home": "/outcomes/",
    "coalition dashboard": "/outcomes/dashboard/",
}


# --- the URLconf of the run: the project's URLs plus one trivial view ---


def trivial(request):
    from django.http import HttpResponse

    return HttpResponse("ok", content_type="text/plain")


def __getattr__(name):  # built lazily, once Django is set up
    if name == "urlpatterns":
        from django.urls import path

        from meetpoint.urls import urlpatterns as project

        return [path("bench/trivial/", trivial), *project]
    raise AttributeError(name)


# --- setup ---


def configure(database_url: str | None) -> dict:
    """Environment of the run (also given to the fresh processes): a temporary var folder and database."""
    workdir = tempfile.mkdtemp(prefix="bench-dashboard-")
    url = database_url or f"sqlite:///{workdir}/bench.sqlite3"
    if url.startswith("postgres"):
        import psycopg

        base, name = url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
    env = {"MEETPOINT_VAR_DIR": workdir, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "meetpoint.settings"}
    os.environ.update(env)
    return env


def load_demo() -> float:
    from django.core.management import call_command

    started = time.perf_counter()
    with open(os.devnull, "w") as quiet:
        call_command("migrate", verbosity=0)
        call_command("load_demo", stdout=quiet)
    return time.perf_counter() - started


def signed_in_client():
    from django.test import Client

    from meetpoint.accounts.models import Membership

    analyst = Membership.objects.select_related("user").get(user__username=ANALYST)
    client = Client()
    client.force_login(analyst.user)
    session = client.session
    session["acting_membership_id"] = analyst.pk
    session.save()
    return client


# --- measuring ---


def summary(samples: list[float]) -> dict:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"median": statistics.median(ordered), "p95": p95, "min": ordered[0], "max": ordered[-1]}


def time_views(client, url: str, views: int, cold: bool) -> tuple[dict, int, int]:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # the first view of this page in this process (template loading) is not counted
    samples = []
    for _ in range(views):
        if cold:
            cache.clear()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    return summary(samples), len(response.content), len(queries)


def time_drawing(repeat: int) -> list[tuple[str, dict, int, int]]:
    """The dashboard's charts (its trends and its map) drawn alone: as the page's SVG and as the PDF's vector
    drawings, both from the same layouts (svgcharts)."""
    from meetpoint.accounts.models import Membership
    from meetpoint.outcomes import pdf
    from meetpoint.outcomes.dashboard import build_dashboard

    board = build_dashboard(Membership.objects.get(user__username=ANALYST))

    def as_pdf_drawings() -> list[str]:
        layouts = board.chart_layouts()
        charts = layouts["trends"] + ([layouts["map"]] if layouts["map"] is not None else [])
        return [pdf.drawing(chart, 468).asString("pdf").decode("latin-1") for chart in charts]

    def by_hand() -> list[str]:
        board.draw()
        return [*board.trend_charts, board.map_chart]

    rows = []
    for label, draw in (("PDF vector drawings (reportlab)", as_pdf_drawings), ("SVG for the page", by_hand)):
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            markup = draw()
            samples.append((time.perf_counter() - started) * 1000)
        rows.append((label, summary(samples), len(markup), sum(len(m) for m in markup)))
    return rows


def first_request(env: dict) -> dict:
    """In a fresh process: import meetpoint.wsgi (as a gunicorn worker does at start), then one request."""
    code = (
        "import json, time\n"
        "started = time.perf_counter()\n"
        "import meetpoint.wsgi\n"
        "loaded = time.perf_counter()\n"
        "from bench.dashboard import signed_in_client\n"
        "client = signed_in_client()\n"
        "asked = time.perf_counter()\n"
        "status = client.get('/outcomes/').status_code\n"
        "done = time.perf_counter()\n"
        "print(json.dumps({'import': (loaded - started) * 1000, 'first': (done - asked) * 1000, "
        "'status': status}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(result.stderr[-2000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--views", type=int, default=20, help="views of each page, cold and warm (default 20)"
    )
    parser.add_argument("--processes", type=int, default=3, help="fresh processes for the first request")
    parser.add_argument("--database-url", help="PostgreSQL database of its own (dropped and created again)")
    parser.add_argument("--quick", action="store_true", help="3 views and 1 fresh process: checks it runs")
    args = parser.parse_args(argv)
    if args.quick:
        args.views, args.processes = 3, 1
    if args.views < 1 or args.processes < 0:
        parser.error("--views must be at least 1 and --processes at least 0")

    env = configure(args.database_url)
    try:
        return measure(args, env)
    finally:
        shutil.rmtree(env["MEETPOINT_VAR_DIR"], ignore_errors=True)


def measure(args, env: dict) -> int:
    import django

    django.setup()
    from django.conf import settings

    settings.ROOT_URLCONF = "bench.dashboard"
    vendor = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
    print(f"loaded the demo region into {vendor} in {load_demo():.1f} s; cache: {settings.CACHES['default']}")
    print(f"{os.cpu_count()} CPUs, {args.views} views each; times in ms\n")

    client = signed_in_client()
    print(f"{'page':<28} {'views':<6} {'median':>8} {'p95':>8} {'min':>8} {'max':>8} {'bytes':>8} {'SQL':>4}")
    for label, url in PAGES.items():
        for cold in (True, False):
            numbers, size, queries = time_views(client, url, args.views, cold)
            kind = "cold" if cold else "warm"
            print(
                f"{label:<28} {kind:<6} {numbers['median']:>8.1f} {numbers['p95']:>8.1f} {numbers['min']:>8.1f}"
                f" {numbers['max']:>8.1f} {size:>8,} {queries:>4}"
            )

    print(
        f"\n{'all charts of the dashboard, drawn alone':<40} {'median':>8} {'p95':>8} {'charts':>7} {'bytes':>9}"
    )
    for label, numbers, count, size in time_drawing(max(3, args.views // 4)):
        print(f"{label:<40} {numbers['median']:>8.1f} {numbers['p95']:>8.1f} {count:>7} {size:>9,}")

    if args.processes:
        runs = [first_request(env) for _ in range(args.processes)]
        if any(run["status"] != 200 for run in runs):
            raise SystemExit(f"the first request failed: {runs}")
        imports = statistics.median(run["import"] for run in runs)
        firsts = statistics.median(run["first"] for run in runs)
        print(
            f"\nfirst request of a new process (median of {args.processes}): import meetpoint.wsgi "
            f"{imports:.0f} ms, then GET /outcomes/ {firsts:.0f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
