"""Directory search over HTTP, side by side with a trivial JSON view on the same server, in the same run.

    .venv/bin/python -m bench.directory_search            # 100,000 services at 30,000 locations, SQLite
    .venv/bin/python -m bench.directory_search --quick    # small, seconds
    .venv/bin/python -m bench.directory_search --database-url postgres://postgres@127.0.0.1:5432/meetpoint_bench_directory

It builds its own database (a temp SQLite file, or the PostgreSQL database named, dropped and re-created),
serves the app with gunicorn on 127.0.0.1, drives N concurrent keep-alive clients for a fixed time against
(1) the directory search API with text + service type + 10 km radius + open now, (2) the public search page
with the same filters, and (3) a trivial JSON view, and prints p50/p95 latency, requests/s and the ratio of
search throughput to the trivial view's. Target: p95 < 50 ms at 20 clients and a ratio >= 0.5.
"""

import argparse
import contextlib
import http.client
import math
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import time as clock_time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
CENTRES = [
    (40.4406, -79.9959),
    (39.9526, -75.1652),
    (41.2033, -77.1945),
    (40.2732, -76.8867),
    (42.1292, -80.0851),
]

# --- served by gunicorn: the project's URLs plus one trivial JSON view (the baseline) ---


def trivial(request):
    from django.http import JsonResponse

    return JsonResponse({"status": "ok"})


def _urlpatterns():
    from django.urls import path

    from meetpoint.urls import urlpatterns as project

    return [path("bench/trivial/", trivial), *project]


def __getattr__(name):  # the URLconf is built lazily, once Django is set up in the server process
    if name == "urlpatterns":
        return _urlpatterns()
    raise AttributeError(name)


def application(environ, start_response):
    return _wsgi()(environ, start_response)


_app = None


def _wsgi():
    global _app
    if _app is None:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meetpoint.settings")
        from django.conf import settings
        from django.core.wsgi import get_wsgi_application

        _app = get_wsgi_application()
        settings.ROOT_URLCONF = "bench.directory_search"
    return _app


if os.environ.get("MEETPOINT_BENCH_SERVER"):
    # Imported by gunicorn with --preload: import every view module once in the master, not per worker
    # on its first request (the project's URLconf pulls in scipy and matplotlib).
    _wsgi()
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018


# --- data ---


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _point(rng: random.Random) -> tuple[float, float]:
    if rng.random() < 0.5:  # half in five towns, half spread over the state
        lat, lon = rng.choice(CENTRES)
        km = abs(rng.gauss(0, 8))
        bearing = rng.random() * 2 * math.pi
        return (
            lat + km * math.cos(bearing) / 111.2,
            lon + km * math.sin(bearing) / (111.2 * math.cos(math.radians(lat))),
        )
    return (rng.uniform(39.7, 42.2), rng.uniform(-80.5, -74.8))


WORDS = [
    "community",
    "health",
    "outreach",
    "clinic",
    "peer",
    "free",
    "walk-in",
    "kits",
    "supplies",
    "youth",
    "family",
    "care",
    "center",
    "program",
    "support",
]


def generate(services_n: int, locations_n: int, seed: int = 7, out=print) -> None:
    from django.db import connection, transaction

    from meetpoint.accounts.models import Organization
    from meetpoint.directory.models import (
        Address,
        Language,
        Location,
        Schedule,
        Service,
        ServiceAtLocation,
        TaxonomyTerm,
    )
    from meetpoint.directory.taxonomy import load_taxonomy

    rng = random.Random(seed)
    load_taxonomy()
    terms = list(TaxonomyTerm.objects.all())
    leaves = [t for t in terms if t.parent_id is not None]
    started = time.perf_counter()
    with transaction.atomic():
        orgs = [
            Organization(id=_uuid(rng), name=f"Bench partner {n}", slug=f"bench-partner-{n}")
            for n in range(max(10, services_n // 100))
        ]
        Organization.objects.bulk_create(orgs, batch_size=2000)
        locations, addresses, schedules, languages = [], [], [], []
        for n in range(locations_n):
            org = rng.choice(orgs)
            mobile = n < max(2, locations_n // 1500)
            lat, lon = _point(rng)
            loc = Location(
                id=_uuid(rng),
                organization=org,
                name=f"Site {n}",
                latitude=lat,
                longitude=lon,
                is_mobile=mobile,
                is_confidential=rng.random() < 0.03,
                public_area="Call for the location",
            )
            locations.append(loc)
            addresses.append(
                Address(
                    id=_uuid(rng),
                    location=loc,
                    address_1=f"{rng.randint(1, 9999)} Main St",
                    city="Town",
                    state_province="PA",
                    postal_code=f"15{rng.randint(0, 999):03d}",
                )
            )
            if mobile:
                for day in range(-3, 4):
                    for slot in range(4):
                        from django.utils import timezone

                        stop_lat, stop_lon = _point(rng)
                        schedules.append(
                            Schedule(
                                id=_uuid(rng),
                                location=loc,
                                date=timezone.localdate() + timezone.timedelta(days=day),
                                opens_at=clock_time(6 + 4 * slot),
                                closes_at=clock_time(9 + 4 * slot),
                                stop_name=f"Stop {slot}",
                                stop_latitude=stop_lat,
                                stop_longitude=stop_lon,
                            )
                        )
            else:
                opens = rng.randint(0, 12)
                closes = min(23, opens + rng.randint(6, 12))
                for day in range(7 if rng.random() < 0.3 else 5):
                    schedules.append(
                        Schedule(
                            id=_uuid(rng),
                            location=loc,
                            weekday=day,
                            opens_at=clock_time(opens),
                            closes_at=clock_time(closes),
                        )
                    )
            if rng.random() < 0.3:
                languages.append(Language(id=_uuid(rng), location=loc, code="es", name="Español"))
        Location.objects.bulk_create(locations, batch_size=2000)
        Address.objects.bulk_create(addresses, batch_size=2000)
        Schedule.objects.bulk_create(schedules, batch_size=2000)
        services, links, tags = [], [], []
        through = Service.taxonomy_terms.through
        for n in range(services_n):
            loc = locations[n % locations_n] if n < locations_n else rng.choice(locations)
            own = rng.sample(leaves, rng.randint(1, 3))
            words = " ".join(rng.sample(WORDS, 3))
            service = Service(
                id=_uuid(rng),
                organization_id=loc.organization_id,
                name=f"{own[0].name} {n}",
                description=f"{words}. {own[0].description}",
                is_free=rng.random() < 0.7,
                status="active" if rng.random() < 0.97 else "inactive",
            )
            services.append(service)
            links.append(ServiceAtLocation(id=_uuid(rng), service=service, location=loc))
            tags += [through(service_id=service.id, taxonomyterm_id=t.id) for t in own]
            if rng.random() < 0.2:
                languages.append(Language(id=_uuid(rng), service=service, code="es", name="Español"))
        Service.objects.bulk_create(services, batch_size=2000)
        ServiceAtLocation.objects.bulk_create(links, batch_size=2000)
        through.objects.bulk_create(tags, batch_size=5000)
        Language.objects.bulk_create(languages, batch_size=2000)
    with connection.cursor() as cursor:
        # PostgreSQL: VACUUM also sets the visibility map, so the search index is read index-only at once
        # (autovacuum would do it minutes later on a live server).
        cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "VACUUM ANALYZE")
    out(
        f"generated {services_n:,} services at {locations_n:,} locations, {len(schedules):,} schedule rows in {time.perf_counter() - started:.0f} s"
    )


# --- load ---


class Client(threading.Thread):
    def __init__(self, port: int, urls: list[str], until: float, seed: int, once: bool = False):
        super().__init__(daemon=True)
        self.port, self.urls, self.until = port, urls, until
        self.pending = list(urls) if once else None  # once: each URL in turn, then stop
        self.rng = random.Random(seed)
        self.latencies: list[float] = []
        self.errors = 0

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        while time.perf_counter() < self.until and self.pending != []:
            url = self.pending.pop() if self.pending is not None else self.rng.choice(self.urls)
            started = time.perf_counter()
            try:
                conn.request("GET", url, headers={"Connection": "keep-alive"})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    self.errors += 1
                    continue
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            except (OSError, http.client.HTTPException):
                self.errors += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                continue
            self.latencies.append(time.perf_counter() - started)
        conn.close()


def prime(port: int, urls: list[str], clients: int = 4) -> float:
    """Asks every URL once (a server that has been up a while has met its common searches); returns seconds."""
    started = time.perf_counter()
    chunks = [urls[n::clients] for n in range(clients)]
    primers = [Client(port, chunk, float("inf"), n, once=True) for n, chunk in enumerate(chunks)]
    for primer in primers:
        primer.start()
    for primer in primers:
        primer.join()
    return time.perf_counter() - started


def drive(port: int, urls: list[str], clients: int, seconds: float, warmup: float = 2.0) -> dict:
    until = time.perf_counter() + warmup
    for client in [Client(port, urls, until, n) for n in range(clients)]:
        client.start()
        client.join(0)
    time.sleep(warmup + 0.2)
    until = time.perf_counter() + seconds
    workers = [Client(port, urls, until, 100 + n) for n in range(clients)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    latencies = sorted(lat for worker in workers for lat in worker.latencies)
    errors = sum(worker.errors for worker in workers)
    if not latencies:
        return {"n": 0, "errors": errors, "p50": float("nan"), "p95": float("nan"), "rps": 0.0}
    return {
        "n": len(latencies),
        "errors": errors,
        "p50": statistics.median(latencies) * 1000,
        "p95": latencies[int(0.95 * (len(latencies) - 1))] * 1000,
        "rps": len(latencies) / elapsed,
    }


def search_urls(rng: random.Random, path: str, count: int = 200) -> list[str]:
    texts = ["naloxone", "kits", "free", "test", "clinic", "supplies"]
    types = ["naloxone", "harm-reduction", "syringe-services", "fentanyl-test-strips", "moud", "food"]
    urls = []
    for _ in range(count):
        lat, lon = rng.choice(CENTRES)
        lat += rng.uniform(-0.05, 0.05)
        lon += rng.uniform(-0.05, 0.05)
        params = {
            "lat": f"{lat:.5f}",
            "lon": f"{lon:.5f}",
            "radius_km": 10,
            "open_now": "true" if path.startswith("/api") else "on",
        }
        params["text" if path.startswith("/api") else "q"] = rng.choice(texts)
        params["taxonomy"] = rng.choice(types)
        urls.append(f"{path}?{urlencode(params)}")
    return urls


def in_process(urls: list[str]) -> dict:
    """The same API queries as direct calls of search_services (one connection, no HTTP): the search's own
    cost, without the server, the serialization and the queueing of concurrent clients. "cold" computes every
    answer (nothing remembered); "remembered" asks the same queries again."""
    from urllib.parse import parse_qs, urlsplit

    from meetpoint.directory import search_cache
    from meetpoint.directory.search import SearchQuery, search_services

    queries = []
    for url in urls:
        params = {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
        queries.append(
            SearchQuery(
                text=params["text"],
                taxonomy_codes=[params["taxonomy"]],
                latitude=float(params["lat"]),
                longitude=float(params["lon"]),
                radius_km=float(params["radius_km"]),
                open_now=True,
            )
        )
    for query in queries[:10]:  # warm the page cache and the taxonomy cache
        search_services(query)
    from django.conf import settings

    figures = {}
    for kind in ("cold", "remembered"):
        remembering = kind == "remembered"
        settings.MEETPOINT_SEARCH_CACHE_ENTRIES = 2000 if remembering else 0
        search_cache.forget_all()
        if remembering:
            for query in queries:  # each answer computed once, as a busy server would have by now
                search_services(query)
        latencies, hits = [], 0
        for query in queries:
            started = time.perf_counter()
            hits += search_services(query).total
            latencies.append(time.perf_counter() - started)
        latencies.sort()
        figures[kind] = {
            "n": len(latencies),
            "p50": statistics.median(latencies) * 1000,
            "p95": latencies[int(0.95 * (len(latencies) - 1))] * 1000,
            "mean_total": hits / len(latencies),
        }
    return figures


def wait_for(port: int, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/bench/trivial/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the server did not start")


@contextlib.contextmanager
def serving(args, env: dict, cache_entries: str | None):
    """gunicorn serving the app on 127.0.0.1 (cache_entries: MEETPOINT_SEARCH_CACHE_ENTRIES, None: default)."""
    extra = {"MEETPOINT_BENCH_SERVER": "1", "MEETPOINT_DB_CONN_MAX_AGE": str(args.conn_max_age)}
    if cache_entries is not None:
        extra["MEETPOINT_SEARCH_CACHE_ENTRIES"] = cache_entries
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "bench.directory_search:application",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--worker-class",
            "gthread",
            "--keep-alive",
            "5",
            "--log-level",
            "warning",
            "--preload",
        ],
        cwd=ROOT,
        env=env | extra,
    )
    try:
        wait_for(args.port)
        yield server
    finally:
        server.terminate()
        server.wait(timeout=30)


def _prepare_postgres(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small data and short runs (seconds)")
    parser.add_argument("--services", type=int, default=100_000)
    parser.add_argument("--locations", type=int, default=30_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20.0, help="measured time per endpoint")
    parser.add_argument(
        "--workers", type=int, default=(os.cpu_count() or 2) * 2, help="gunicorn worker processes"
    )
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker")
    parser.add_argument("--port", type=int, default=0, help="0: a free port chosen by the system")
    parser.add_argument(
        "--database-url", default="", help="PostgreSQL URL of a database the benchmark may drop"
    )
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=60,
        help="MEETPOINT_DB_CONN_MAX_AGE for the server (persistent PostgreSQL connections; SQLite ignores it)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.services, args.locations, args.seconds, args.clients = 2000, 600, 3.0, min(args.clients, 8)

    if not args.port:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            args.port = probe.getsockname()[1]
    workdir = Path(tempfile.mkdtemp(prefix="meetpoint-bench-"))
    database_url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    if database_url.startswith("postgres"):
        _prepare_postgres(database_url)
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        MEETPOINT_VAR_DIR=str(workdir),
        DEBUG="false",
        DJANGO_SETTINGS_MODULE="meetpoint.settings",
        LOG_LEVEL="ERROR",
    )
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    generate(args.services, args.locations)
    direct = in_process(search_urls(random.Random(11), "/api/v1/directory/search"))
    from django.db import connection

    connection.close()  # the server's workers open their own

    rng = random.Random(11)
    api_urls, page_urls = search_urls(rng, "/api/v1/directory/search"), search_urls(rng, "/")
    results = []
    for remembering in (True, False):
        entries = None if remembering else "0"
        with serving(args, env, entries):
            if remembering:
                primed = prime(args.port, api_urls) + prime(args.port, page_urls)
                print(
                    f"asked each of the {len(api_urls) + len(page_urls)} search URLs once in {primed:.0f} s"
                )
                results.append(
                    (
                        "search API (text+type+10 km+open now)",
                        drive(args.port, api_urls, args.clients, args.seconds),
                    )
                )
                results.append(
                    (
                        "search page (HTML, same filters)",
                        drive(args.port, page_urls, args.clients, args.seconds),
                    )
                )
                results.append(
                    ("trivial JSON view", drive(args.port, ["/bench/trivial/"], args.clients, args.seconds))
                )
            else:
                results.append(
                    ("search API, nothing remembered", drive(args.port, api_urls, args.clients, args.seconds))
                )
    shutil.rmtree(workdir, ignore_errors=True)

    engine = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    print(
        f"\n{engine}, {args.services:,} services at {args.locations:,} locations, {args.clients} clients, "
        f"{args.seconds:.0f} s each, gunicorn {args.workers}x{args.threads} threads, {os.cpu_count()} CPUs"
    )
    print(f"{'endpoint':<42} {'requests':>9} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8}")
    for name, r in results:
        print(f"{name:<42} {r['n']:>9} {r['errors']:>7} {r['p50']:>8.1f} {r['p95']:>8.1f} {r['rps']:>8.1f}")
    trivial_rps = results[2][1]["rps"] or float("nan")
    print(f"\nsearch API / trivial throughput: {results[0][1]['rps'] / trivial_rps:.2f}  (target >= 0.50)")
    print(f"search page / trivial throughput: {results[1][1]['rps'] / trivial_rps:.2f}")
    print(f"search API, nothing remembered / trivial throughput: {results[3][1]['rps'] / trivial_rps:.2f}")
    print(f"search API p95: {results[0][1]['p95']:.1f} ms  (target < 50 ms)")
    for kind, figures in direct.items():
        print(
            f"in process, {kind} (search_services, same queries, one connection, no HTTP): "
            f"p50 {figures['p50']:.2f} ms, p95 {figures['p95']:.2f} ms over {figures['n']} searches, "
            f"{figures['mean_total']:.0f} matches each on average"
        )


if __name__ == "__main__":
    main()
