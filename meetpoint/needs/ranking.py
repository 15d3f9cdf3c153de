"""The "where to go next" score: high need and low reach rank first. No database; every part is shown.

score = w_svi × SVI percentile (RPL_THEMES, 0–1)
      + w_overdose × percentile rank of overdoses per 1,000 residents among the areas
      + w_reach × (1 − percentile rank of reach per 1,000 residents among the areas)

A percentile rank puts the lowest area at 0 and the highest at 1 (ties share their average rank). When an
area lacks a part (no SVI, no population), that part is left out and the other weights are scaled up so they
still sum to 1; the reasoning says so.
"""

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

DEFAULT_WEIGHTS = {"svi": 0.4, "overdoses": 0.35, "reach": 0.25}


@dataclass(frozen=True)
class AreaFacts:
    code: str
    name: str
    population: int | None
    svi: float | None  # RPL_THEMES, 0-1
    overdoses: float | None  # count in the period
    reach: float | None  # count in the period (encounters, or trainings)


@dataclass
class RankedArea:
    facts: AreaFacts
    score: float
    rank: int = 0
    parts: dict = field(default_factory=dict)  # part -> {"value", "standing", "weight", "points"}
    missing: list[str] = field(default_factory=list)


def per_thousand(count: float | None, population: int | None) -> float | None:
    if count is None or not population:
        return None
    return 1000 * count / population


def percentile_ranks(values: dict[str, float]) -> dict[str, float]:
    """Each key's standing among the values, 0 (lowest) to 1 (highest), ties averaged; a single value is 0.5."""
    if not values:
        return {}
    if len(values) == 1:
        return dict.fromkeys(values, 0.5)
    ordered = sorted(values.values())
    n = len(ordered)
    ranks = {}
    for key, value in values.items():
        below = bisect_left(ordered, value)
        equal = bisect_right(ordered, value) - below
        ranks[key] = (below + (equal - 1) / 2) / (n - 1)
    return ranks


def rank_areas(facts: list[AreaFacts], weights: dict[str, float] | None = None) -> list[RankedArea]:
    weights = {**DEFAULT_WEIGHTS, **(weights or {})}
    od_rates = {f.code: r for f in facts if (r := per_thousand(f.overdoses, f.population)) is not None}
    reach_rates = {f.code: r for f in facts if (r := per_thousand(f.reach, f.population)) is not None}
    od_standing = percentile_ranks(od_rates)
    reach_standing = percentile_ranks(reach_rates)
    ranked = []
    for area in facts:
        parts, missing = {}, []
        if area.svi is not None:
            parts["svi"] = {"value": area.svi, "standing": area.svi}
        else:
            missing.append("svi")
        if area.code in od_standing:
            parts["overdoses"] = {"value": od_rates[area.code], "standing": od_standing[area.code]}
        else:
            missing.append("overdoses")
        if area.code in reach_standing:
            # Low reach is what earns points: the standing is inverted.
            parts["reach"] = {"value": reach_rates[area.code], "standing": 1 - reach_standing[area.code]}
        else:
            missing.append("reach")
        total_weight = sum(weights[name] for name in parts)
        score = 0.0
        for name, part in parts.items():
            part["weight"] = weights[name] / total_weight if total_weight else 0.0
            part["points"] = part["weight"] * part["standing"]
            score += part["points"]
        ranked.append(RankedArea(facts=area, score=score if parts else 0.0, parts=parts, missing=missing))
    ranked.sort(key=lambda r: (-r.score, r.facts.code))
    for position, item in enumerate(ranked, start=1):
        item.rank = position
    return ranked
