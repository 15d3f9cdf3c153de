"""The indicator registry. Each app declares the indicators it can compute in its own `indicators.py`
(imported from its AppConfig.ready()); the outcomes app reads them here and imports none of their models.

An indicator computes counts for a Scope, grouped by any of GROUPS, returning {group values tuple: number}.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

GROUPS = ("day", "week", "month", "site", "organization", "area")


@dataclass(frozen=True)
class Scope:
    """Which records an indicator counts: organizations, an inclusive date range, optionally some sites."""

    organization_ids: tuple
    start: date
    end: date
    site_ids: tuple | None = None  # directory Location ids (fixed sites and mobile units)
    service_ids: tuple | None = None  # directory Service ids: a program's report (indicators that can tell)


@dataclass(frozen=True)
class Indicator:
    code: str  # e.g. "naloxone_kits_distributed"
    name: str
    definition: str  # plain language, for the catalog page
    unit: str  # "encounters", "kits", "people", "ratio", ...
    provider: str  # the app label that computes it
    compute: Callable[[Scope, tuple[str, ...]], dict[tuple, float]] | None = None
    counts_people: bool = False  # counts of people are always protected by disclosure control
    # False for counts of distinct people (unique participants): their parts do not add up to their total,
    # which both reports (no summing days into months) and the disclosure audit must know.
    additive: bool = True
    # False when compute() cannot tell which site or mobile unit a record belongs to (it ignores
    # Scope.site_ids): a site's report then lists it as "cannot be split by site" instead of showing the
    # organization's total under the site's name.
    by_site: bool = True
    numerator: str | None = None  # ratio indicators are derived from two registered counts
    denominator: str | None = None
    # Codes of the indicators that split this one into categories (e.g. a screening's results): the total is
    # the sum of its categories, a relation the disclosure audit uses across every release a recipient holds.
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = field(default_factory=tuple)

    def value(self, scope: Scope, group_by: tuple[str, ...] = ()) -> dict[tuple, float]:
        if self.compute is not None:
            return self.compute(scope, group_by)
        top = registry[self.numerator].value(scope, group_by)
        bottom = registry[self.denominator].value(scope, group_by)
        return {key: (top.get(key, 0) / count) for key, count in bottom.items() if count}


registry: dict[str, Indicator] = {}


def register(indicator: Indicator) -> Indicator:
    if indicator.code in registry and registry[indicator.code] != indicator:
        raise ValueError(f"Indicator {indicator.code!r} is registered twice.")
    unknown = set(indicator.tags) & set(GROUPS)
    if unknown:
        raise ValueError(f"Tags {unknown} clash with group names.")
    if indicator.compute is None and not (indicator.numerator and indicator.denominator):
        raise ValueError(f"Indicator {indicator.code!r} needs compute() or a numerator and denominator.")
    registry[indicator.code] = indicator
    return indicator
