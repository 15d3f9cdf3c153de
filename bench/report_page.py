"""The demo region's 180-day reports as people open them: an organization's report page and PDF, and the
coalition's combined report page and PDF, each timed through the real views, side by side with the same report
computed the plain way (every registered indicator, from the raw rows instead of the roll-ups).

    .venv/bin/python -m bench.report_page [--repeat 5] [--quick] [--database-url postgres://…/meetpoint_bench_rp]

Uses its own database (a temporary SQLite file, or the PostgreSQL database named, dropped and created again)
with the demo region loaded; never touches var/meetpoint.sqlite3. Prints medians in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta


def _median_ms(run, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def measure(repeat: int) -> list[tuple[str, float, float]]:
    from django.conf import settings
    from django.test import Client
    from django.utils import timezone

    from meetpoint.accounts.models import Membership
    from meetpoint.outcomes import exports
    from meetpoint.outcomes.reports import build_report

    def client_of(username: str) -> Client:
        from meetpoint.testworld import sign_in_verified  # an admin signs in with a second factor

        member = Membership.objects.select_related("user").get(user__username=username)
        client = sign_in_verified(Client(), member.user)
        session = client.session
        session["acting_membership_id"] = member.pk
        session.save()
        return client

    mobile = client_of("demo-mobile-admin")
    coalition = client_of("demo-coalition-analyst")
    member = Membership.objects.select_related("organization").get(user__username="demo-mobile-admin")
    end = timezone.localdate() - timedelta(days=1)
    start = end - timedelta(days=179)
    query = {"from": start.isoformat(), "to": end.isoformat()}

    def get(client, url, params):
        def run():
            answer = client.get(url, params)
            if answer.status_code != 200:
                raise SystemExit(f"{url} answered {answer.status_code}: {answer.content[:300]!r}")

        return run

    def plain(kind: str):
        def run():
            settings.MEETPOINT_OUTREACH_ROLLUPS = False
            try:
                report = build_report(member.organization, start, end, codes=["all"])
                if kind == "page":
                    [chart.svg() for chart in exports.report_charts(report)]
                else:
                    exports.report_file(report, "pdf")
            finally:
                settings.MEETPOINT_OUTREACH_ROLLUPS = True

        return run

    rows = []
    for label, shown, baseline in (
        ("report page, 180 days", get(mobile, "/outcomes/report/", query), plain("page")),
        ("report PDF, 180 days", get(mobile, "/outcomes/report/download.pdf", query), plain("pdf")),
        ("combined report page, 6 closed months", get(coalition, "/outcomes/combined/", {}), None),
        ("combined report PDF, 6 closed months", get(coalition, "/outcomes/combined/download.pdf", {}), None),
    ):
        shown()  # warm: fonts registered, templates compiled (once per worker)
        rows.append(
            (label, _median_ms(shown, repeat), _median_ms(baseline, repeat) if baseline else float("nan"))
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="one of each: checks that it runs")
    parser.add_argument("--database-url", help="PostgreSQL database of its own (dropped and created again)")
    args = parser.parse_args(argv)
    from bench.dashboard import configure, load_demo

    configure(args.database_url)
    import django

    django.setup()
    print(f"loaded the demo region in {load_demo():.1f} s; load average {os.getloadavg()[0]:.1f}")
    repeat = 1 if args.quick else args.repeat
    print(f"{'what':42} {'shown, from roll-ups':>22} {'plain way (all, raw)':>22} {'ratio':>7}")
    for label, shown, plain in measure(repeat):
        ratio = plain / shown if plain == plain else float("nan")
        print(f"{label:42} {shown:>19.0f} ms {plain:>19.0f} ms {ratio:>6.1f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
