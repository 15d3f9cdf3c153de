"""Random worlds for the attacker's test and benchmark: one organization's counts over half a year (a total
with two categories, and a plain count), releases of random months and quarters to several recipients, late
records between them; then the attacker (attacker.py) plays over everything the recipients hold, pooled.

`world_from(pick)` builds a world from a source of choices (`pick(n)` -> 0..n-1): hypothesis draws them in
the test (so a failure shrinks to a small world), a seeded random generator in `bench/disclosure_attack.py`.
Runs `releases.build_release` directly on in-memory records: no database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace

from meetpoint import indicators as indicator_registry
from meetpoint.indicators import Indicator
from meetpoint.outcomes import attacker, disclosure, releases
from meetpoint.outcomes.periods import Period, months_of, period_starting

TOTAL_CODE, POSITIVE, NEGATIVE, VISITS = (
    "attack_screened",
    "attack_positive",
    "attack_negative",
    "attack_visits",
)
CATEGORIES = {TOTAL_CODE: (POSITIVE, NEGATIVE)}
ITEMS = {POSITIVE: "positive", NEGATIVE: "negative", VISITS: "visit"}
MONTHS = [period_starting("month", date(2025, m, 1)) for m in range(7, 13)]
QUARTERS = [period_starting("quarter", date(2025, m, 1)) for m in (7, 10)]
THRESHOLD = 11
# Counts drawn mostly near the threshold, where subtraction hurts.
COUNTS = (0, 1, 2, 3, 4, 5, 7, 9, 10, 11, 12, 14, 17, 25, 40)
SETS = (
    [TOTAL_CODE, POSITIVE, NEGATIVE],
    [TOTAL_CODE, NEGATIVE],
    [POSITIVE, NEGATIVE],
    [TOTAL_CODE, VISITS],
    [VISITS],
)


@dataclass
class Step:
    period: Period
    codes: list[str]
    recipient: int
    late: tuple[str, int, int] | None = None  # (item, month index, count) added before this release


@dataclass
class World:
    counts: dict[tuple[str, int], int]  # (item, month index) -> count
    steps: list[Step]


@dataclass
class Outcome:
    narrowed: list = field(default_factory=list)  # small counts the attacker pins (must be empty)
    unfrozen: list = field(default_factory=list)  # quarters that differ from their released months
    releases: int = 0
    cells: int = 0
    hidden: int = 0
    withheld: int = 0
    targets: int = 0


def world_from(pick: Callable[[int], int]) -> World:
    counts = {(item, m): COUNTS[pick(len(COUNTS))] for item in ITEMS.values() for m in range(len(MONTHS))}
    steps = []
    for _ in range(1 + pick(6)):
        periods = MONTHS + QUARTERS
        period = periods[pick(len(periods))]
        late = None
        if pick(3) == 0:
            late = (list(ITEMS.values())[pick(len(ITEMS))], pick(len(MONTHS)), 1 + pick(4))
        steps.append(Step(period, SETS[pick(len(SETS))], pick(3), late))
    return World(counts, steps)


@contextmanager
def registered(counts: dict[tuple[str, int], int]) -> Iterator[None]:
    """The world's indicators in the registry for the duration (their codes are the world's own)."""

    def count_of(item: str):
        def compute(scope, group_by):
            total = sum(
                value
                for (name, m), value in counts.items()
                if name == item and scope.start <= MONTHS[m].start and MONTHS[m].end <= scope.end
            )
            return {(): total}

        return compute

    def both(scope, group_by):
        return {(): count_of("positive")(scope, ())[()] + count_of("negative")(scope, ())[()]}

    made = [
        Indicator(
            TOTAL_CODE,
            "Screened",
            "attack world",
            "people",
            "tests",
            compute=both,
            categories=(POSITIVE, NEGATIVE),
        ),
        Indicator(
            POSITIVE, "Screened positive", "attack world", "people", "tests", compute=count_of("positive")
        ),
        Indicator(
            NEGATIVE, "Screened negative", "attack world", "people", "tests", compute=count_of("negative")
        ),
        Indicator(
            VISITS, "Visits", "attack world", "visits", "tests", compute=count_of("visit"), counts_people=True
        ),
    ]
    saved = {i.code: indicator_registry.registry.pop(i.code, None) for i in made}
    for indicator in made:
        indicator_registry.register(indicator)
    try:
        yield
    finally:
        for code, previous in saved.items():
            indicator_registry.registry.pop(code, None)
            if previous is not None:
                indicator_registry.registry[code] = previous


def play(world: World) -> Outcome:
    """Releases what the rules allow, step by step, then attacks everything released, pooled."""
    counts = dict(world.counts)
    organization = SimpleNamespace(pk="attack-org", name="Attack world", slug="attack-world")
    held: list = []
    outcome = Outcome()
    touched: set[int] = set()  # months whose counts changed after a release of them
    released_months: set[int] = set()
    with registered(counts):
        for step in world.steps:
            if step.late is not None:
                item, m, extra = step.late
                counts[(item, m)] += extra
                if m in released_months:
                    touched.add(m)
            if any(h[0] == step.period and h[2]["recipient"] == {"id": step.recipient} for h in held):
                continue  # one package per recipient and period
            spec = releases.ReleaseSpec(
                organization, step.codes, step.period, "county", THRESHOLD, True, {"id": step.recipient}
            )
            contents, suppression = releases.build_release(spec, held)
            held.append((step.period, "county", contents, suppression))
            released_months.update(i for i, month in enumerate(MONTHS) if step.period.contains(month))
            outcome.releases += 1
            for table in contents["tables"]:
                outcome.cells += 1
                outcome.withheld += bool(table["withheld"])
                outcome.hidden += table["total"] == disclosure.SUPPRESSED_MARK
        holdings = attacker.Holdings()
        for _period, _grain, contents, _suppression in held:
            holdings.add(contents)
        truth = {}
        for code in (TOTAL_CODE, POSITIVE, NEGATIVE, VISITS):
            indicator = indicator_registry.registry[code]
            for period in MONTHS + QUARTERS:
                if any(period.contains(MONTHS[m]) for m in touched):
                    continue  # the truth moved after release: checked below as frozen figures instead
                scope = indicator_registry.Scope(
                    organization_ids=("attack-org",), start=period.start, end=period.end
                )
                truth[attacker.cell_key(code, "county", attacker.TOTAL, period)] = int(
                    indicator.value(scope, ())[()]
                )
        outcome.targets = sum(1 for value in truth.values() if 1 <= value < THRESHOLD)
        outcome.narrowed = attacker.narrowed(holdings, truth, THRESHOLD, CATEGORIES)
    # Frozen facts: a released quarter equals the sum of its released, shown months.
    for key, value in holdings.known.items():
        code, _grain, _place, start, end = key
        quarter = next(
            (q for q in QUARTERS if q.start.isoformat() == start and q.end.isoformat() == end), None
        )
        if quarter is None:
            continue
        months = [attacker.cell_key(code, "county", attacker.TOTAL, m) for m in months_of(quarter)]
        if all(m in holdings.known for m in months) and sum(holdings.known[m] for m in months) != value:
            outcome.unfrozen.append((key, value, [holdings.known[m] for m in months]))
    return outcome
