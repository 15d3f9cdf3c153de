"""The attacker: everything one audience holds, solved exactly for the figures it was not given.

Independent of how releases are built (releases.py): it reads only what was delivered — the contents of
packages and open-data periods — and the relations anyone may know: a period is the sum of its months, an
area total the sum of its places, a total the sum of its categories (`Indicator.categories`). A "*" is any
count >= 0 (the attacker knows a hidden count may be small or may hide another), a figure never released is
any count >= 0. For a target cell it finds, by integer linear programming (`scipy.optimize.milp`, exact),
the least and greatest value consistent with all of it. Used by the tests (fixed attacks and random worlds)
and by `bench/disclosure_attack.py`; plain functions, no database.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from meetpoint.outcomes.disclosure import SUPPRESSED_MARK, required_distinct_values
from meetpoint.outcomes.periods import Period, months_of, period_starting

TOTAL = "__total__"


def cell_key(code: str, grain: str, place: str, period: Period) -> tuple:
    """(indicator, place grain, place or TOTAL, first month, last month): a figure any release may carry."""
    if place == TOTAL or grain == "county":
        grain, place = "county", TOTAL
    return (code, grain, place, period.start.isoformat(), period.end.isoformat())


@dataclass
class Holdings:
    """What one audience holds: published figures, hidden ones, and the shape of each release."""

    known: dict[Hashable, int] = field(default_factory=dict)
    hidden: set = field(default_factory=set)
    places: dict[tuple, set] = field(default_factory=dict)  # (code, grain, period) -> places
    additive: dict[str, bool] = field(default_factory=dict)

    def add(self, contents: dict, additive: dict[str, bool] | None = None) -> None:
        period_info = contents["period"]
        period = Period(
            date.fromisoformat(period_info["start"]),
            date.fromisoformat(period_info["end"]),
            period_info["grain"],
        )
        grain = contents["place_grain"]
        for table in contents["tables"]:
            if table.get("rate"):
                continue
            code = table["indicator"]
            self.additive.setdefault(code, (additive or {}).get(code, True))
            entries = [(TOTAL, table["total"])]
            if grain != "county":
                entries += [(row["place"], row["value"]) for row in table.get("rows", [])]
                self.places.setdefault((code, grain, period), set()).update(
                    row["place"] for row in table.get("rows", [])
                )
            for place, value in entries:
                key = cell_key(code, grain, place, period)
                if table.get("withheld") or value == SUPPRESSED_MARK:
                    if key not in self.known:
                        self.hidden.add(key)
                else:
                    self.known[key] = int(value)
                    self.hidden.discard(key)


def _month_keys(key: tuple) -> list[tuple]:
    code, grain, place, start, end = key
    period = _period_of(start, end)
    return (
        [cell_key(code, grain, place, month) for month in months_of(period)]
        if period.grain != "month"
        else []
    )


def _period_of(start: str, end: str) -> Period:
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    for grain in ("month", "quarter", "year"):
        try:
            period = period_starting(grain, first)
        except ValueError:
            continue
        if period.end == last:
            return period
    raise ValueError(f"{start}..{end} is not a fixed period")


def ranges(
    holdings: Holdings,
    targets: Iterable[tuple],
    categories: dict[str, tuple[str, ...]] | None = None,
) -> dict[tuple, tuple[float, float]]:
    """For each target cell, (least, greatest) integer value consistent with everything held."""
    categories = categories or {}
    variables: dict[tuple, int] = {}

    def var(key) -> int:
        if key not in variables:
            variables[key] = len(variables)
        return variables[key]

    rows: list[tuple[dict[int, float], float, float]] = []  # (coefficients, low, high)
    targets = list(targets)
    seeds = list(holdings.known) + list(holdings.hidden) + targets
    for key in seeds:
        var(key)
    # Periods: every quarter or year is the sum of its months (months never released are unknowns).
    for key in list(variables):
        if holdings.additive.get(key[0], True):
            months = _month_keys(key)
            if months:
                coefficients = {var(m): 1.0 for m in months}
                coefficients[var(key)] = coefficients.get(var(key), 0) - 1.0
                rows.append((coefficients, 0.0, 0.0))
    # Places: an area total is the sum of its places (at the grain and period of one release).
    for (code, grain, period), names in holdings.places.items():
        total = var(cell_key(code, grain, TOTAL, period))
        parts = [var(cell_key(code, grain, name, period)) for name in names]
        if holdings.additive.get(code, True):
            coefficients = {p: 1.0 for p in parts}
            coefficients[total] = coefficients.get(total, 0) - 1.0
            rows.append((coefficients, 0.0, 0.0))
        else:
            for p in parts:  # a distinct count: each place at most the total, the total at most their sum
                rows.append(({p: 1.0, total: -1.0}, -math.inf, 0.0))
            coefficients = {p: 1.0 for p in parts}
            coefficients[total] = coefficients.get(total, 0) - 1.0
            rows.append((coefficients, 0.0, math.inf))
    # Categories: a total is the sum of its categories, for every cell either side holds.
    for parent, members in categories.items():
        shapes = {key[1:] for key in list(variables) if key[0] == parent or key[0] in members}
        for rest in shapes:
            coefficients = {var((member, *rest)): 1.0 for member in members}
            coefficients[var((parent, *rest))] = coefficients.get(var((parent, *rest)), 0) - 1.0
            rows.append((coefficients, 0.0, 0.0))
    count = len(variables)
    lower, upper = np.zeros(count), np.full(count, np.inf)
    for key, value in holdings.known.items():
        lower[variables[key]] = upper[variables[key]] = value
    constraints = []
    if rows:
        matrix = np.zeros((len(rows), count))
        low, high = np.zeros(len(rows)), np.zeros(len(rows))
        for i, (coefficients, row_low, row_high) in enumerate(rows):
            for j, c in coefficients.items():
                matrix[i, j] += c
            low[i], high[i] = row_low, row_high
        constraints = [LinearConstraint(matrix, low, high)]
    integrality = np.ones(count)
    found = {}
    for key in targets:
        objective = np.zeros(count)
        objective[variables[key]] = 1.0
        least = milp(objective, constraints=constraints, integrality=integrality, bounds=Bounds(lower, upper))
        most = milp(-objective, constraints=constraints, integrality=integrality, bounds=Bounds(lower, upper))
        if least.status != 0:  # infeasible: the releases contradict each other (a finding in itself)
            found[key] = (math.nan, math.nan)
            continue
        found[key] = (least.fun, math.inf if most.status != 0 else -most.fun)
    return found


def possible_values(low: float, high: float) -> float:
    if math.isnan(low):
        return 0
    if math.isinf(high):
        return math.inf
    return math.floor(high + 1e-6) - math.ceil(low - 1e-6) + 1


def narrowed(
    holdings: Holdings,
    truth: dict[tuple, int],
    threshold: int,
    categories: dict[str, tuple[str, ...]] | None = None,
) -> list[tuple[tuple, int, float]]:
    """The small true counts (1 to K-1) the audience was not given and can pin to fewer than ceil(K/2) values:
    (cell, true value, possible values). Empty: the promise holds."""
    targets = [
        key for key, value in truth.items() if 1 <= value <= threshold - 1 and key not in holdings.known
    ]
    if not targets:
        return []
    needed = required_distinct_values(threshold)
    found = []
    for key, (low, high) in ranges(holdings, targets, categories).items():
        values = possible_values(low, high)
        if values < needed:
            found.append((key, truth[key], values))
    return found
