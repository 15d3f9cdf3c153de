"""The attacker's longer run: random worlds (outcomes/attack_worlds.py), released by Meetpoint's rules and, as a
baseline in the same run, by the small-number rule alone (every count of 1 to K-1 hidden, nothing else); then
the exact attacker (outcomes/attacker.py) over everything the recipients hold, pooled.

    .venv/bin/python -m bench.disclosure_attack [--worlds 300] [--seed 1]

Prints worlds tried, releases, cells, cells hidden and tables withheld, and how many worlds leave a small
count pinned to fewer than ceil(K/2) values (Meetpoint: must be 0), with the time per world. No database.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time


def _setup() -> None:
    folder = tempfile.mkdtemp(prefix="meetpoint-bench-attack-")
    # Nothing is read from or written to a database; a throwaway one is named so var/ is never touched.
    os.environ["DATABASE_URL"] = "sqlite:///" + os.path.join(folder, "unused.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meetpoint.settings")
    import django

    django.setup()


def baseline_play(world):
    """The same world released by the small-number rule alone."""
    from meetpoint.outcomes import attack_worlds as worlds
    from meetpoint.outcomes import attacker, disclosure

    counts = dict(world.counts)
    holdings, released, touched, seen = attacker.Holdings(), set(), set(), set()
    with worlds.registered(counts):
        from meetpoint import indicators as registry

        for step in world.steps:
            if step.late is not None:
                item, m, extra = step.late
                counts[(item, m)] += extra
                if any(p.contains(worlds.MONTHS[m]) for p in released):
                    touched.add(m)
            if (step.period, step.recipient) in seen:
                continue
            seen.add((step.period, step.recipient))
            tables = []
            for code in step.codes:
                scope = registry.Scope(organization_ids=("x",), start=step.period.start, end=step.period.end)
                value = int(registry.registry[code].value(scope, ())[()])
                shown = disclosure.SUPPRESSED_MARK if disclosure.is_small(value, worlds.THRESHOLD) else value
                tables.append({"indicator": code, "total": shown})
            period = {
                "start": step.period.start.isoformat(),
                "end": step.period.end.isoformat(),
                "grain": step.period.grain,
            }
            holdings.add({"period": period, "place_grain": "county", "tables": tables})
            released.add(step.period)
        truth = {}
        for code in (worlds.TOTAL_CODE, worlds.POSITIVE, worlds.NEGATIVE, worlds.VISITS):
            for period in worlds.MONTHS + worlds.QUARTERS:
                if any(period.contains(worlds.MONTHS[m]) for m in touched):
                    continue
                scope = registry.Scope(organization_ids=("x",), start=period.start, end=period.end)
                truth[attacker.cell_key(code, "county", attacker.TOTAL, period)] = int(
                    registry.registry[code].value(scope, ())[()]
                )
        return attacker.narrowed(holdings, truth, worlds.THRESHOLD, worlds.CATEGORIES)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worlds", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args(argv)
    if options.worlds < 1:
        parser.error("--worlds must be at least 1")
    _setup()
    from meetpoint.outcomes.attack_worlds import play, world_from

    rng = random.Random(options.seed)
    totals = {"releases": 0, "cells": 0, "hidden": 0, "withheld": 0, "targets": 0}
    broken, baseline_broken, unfrozen = 0, 0, 0
    times, baseline_times = [], []
    for _ in range(options.worlds):
        world = world_from(rng.randrange)
        started = time.perf_counter()
        outcome = play(world)
        times.append(time.perf_counter() - started)
        started = time.perf_counter()
        baseline_broken += bool(baseline_play(world))
        baseline_times.append(time.perf_counter() - started)
        broken += bool(outcome.narrowed)
        unfrozen += bool(outcome.unfrozen)
        for name in totals:
            totals[name] += getattr(outcome, name)
    print(f"worlds tried: {options.worlds} (seed {options.seed}); K = 11, a hidden count needs >= 6 values")
    print(
        f"releases: {totals['releases']}, tables: {totals['cells']}, totals hidden: {totals['hidden']}, "
        f"tables withheld: {totals['withheld']}, small true counts attacked: {totals['targets']}"
    )
    print(f"{'rule':<32} {'worlds with a count pinned':>28} {'median ms/world':>16}")
    print(
        f"{'small-number rule alone':<32} {baseline_broken:>28} {statistics.median(baseline_times) * 1000:>16.1f}"
    )
    print(f"{'Meetpoint (audited releases)':<32} {broken:>28} {statistics.median(times) * 1000:>16.1f}")
    print(f"quarters differing from their released months (late records shown): {unfrozen}")
    return 1 if broken or unfrozen else 0


if __name__ == "__main__":
    sys.exit(main())
