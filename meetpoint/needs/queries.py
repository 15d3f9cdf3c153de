"""The needs page's reads: the areas an organization uses beside program reach and reported overdoses, and
the ranked "where to go next" list. Everything here is aggregate and by fixed, ended periods only; counts of
people from 1 to K-1 are hidden for every role, and so are figures that would give one back (figures.py)."""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from meetpoint.needs import ranking
from meetpoint.needs.figures import UNPLACED, PeriodFigures, figures, protected_measure
from meetpoint.needs.models import Area, NeedsSource
from meetpoint.outcomes.periods import Period, latest_closed, period_from_label

SHOWN_MEASURES = ("RPL_THEMES", "EP_POV150", "EP_UNEMP", "EP_UNINSUR", "EP_NOVEH")
REACH_MEASURES = ("encounters", "naloxone_kits", "trainings")
PURPOSES = {"mobile": "encounters", "training": "trainings"}
PERIOD_FORMS = "a calendar month (2026-09), quarter (2026-Q3) or year (2026) that has ended"


def default_period() -> Period:
    """The last quarter that has ended."""
    return latest_closed("quarter", timezone.localdate())


def requested_period(label: str | None) -> Period:
    """The fixed, ended period a request names (the default when it names none); ValueError saying which
    periods are allowed otherwise."""
    if not label:
        return default_period()
    period = period_from_label(label)
    if period.end >= timezone.localdate():
        raise ValueError(f"{period.label} has not ended yet; needs figures come for {PERIOD_FORMS}")
    return period


def weights() -> dict[str, float]:
    return {**ranking.DEFAULT_WEIGHTS, **getattr(settings, "MEETPOINT_NEEDS_WEIGHTS", {})}


def source_of(membership):
    """Whose areas this member's organization uses: (True, organization or None for the site's data)."""
    choice = NeedsSource.objects.filter(organization_id=membership.organization_id).select_related("source")
    chosen = choice.first()
    if chosen is not None:
        return chosen.source
    if Area.objects.filter(owner_id=membership.organization_id).exists():
        return membership.organization
    return None


def areas_for(membership) -> list[Area]:
    return list(Area.objects.filter(owner=source_of(membership)))


def possible_sources(membership) -> list:
    """Organizations that imported areas (the member's own first), for the admin's choice."""
    from meetpoint.accounts.models import Organization

    owners = Organization.objects.filter(need_areas__isnull=False).distinct().order_by("name")
    return sorted(owners, key=lambda o: (o.pk != membership.organization_id, o.name))


@dataclass
class AreaRowView:
    area: Area
    measures: dict
    reach: dict = field(default_factory=dict)  # measure -> {"count", "shown", "per_1000", "suppressed"}
    overdoses: dict = field(default_factory=dict)
    sdoh: list = field(default_factory=list)


def _cell(found: PeriodFigures, code: str, measure: str, population) -> dict:
    if measure not in found.table.available:
        return {"count": None, "shown": _("n/a"), "per_1000": None, "suppressed": False}
    if code == UNPLACED:
        count = found.table.unplaced.get(measure, 0)
    else:
        count = found.table.values.get(code, {}).get(measure, 0)
    if (code, measure) in found.hidden:
        # The rate times the population would give the count back, so it is withheld too.
        return {
            "count": None,
            "shown": found.shown(code, measure, count),
            "per_1000": None,
            "suppressed": True,
        }
    return {
        "count": count,
        "shown": found.shown(code, measure, count),
        "per_1000": ranking.per_thousand(count, population),
        "suppressed": False,
    }


def unplaced(found: PeriodFigures) -> dict[str, str]:
    """What matched no imported area, by measure, as it may be shown."""
    return {
        measure: found.shown(UNPLACED, measure, count)
        for measure, count in found.table.unplaced.items()
        if count or protected_measure(measure)
    }


def area_rows(period: Period, membership) -> tuple[list[AreaRowView], PeriodFigures]:
    areas = areas_for(membership)
    found = figures(areas, period)
    rows = []
    for area in areas:
        row = AreaRowView(area=area, measures={m: area.measures.get(m) for m in SHOWN_MEASURES})
        for measure in REACH_MEASURES:
            row.reach[measure] = _cell(found, area.code, measure, area.population)
        row.overdoses = _cell(found, area.code, "overdoses", area.population)
        for code, name in found.table.sdoh:
            row.sdoh.append((name, _cell(found, area.code, f"sdoh:{code}", area.population)))
        rows.append(row)
    return rows, found


def ranked_areas(
    period: Period, membership, purpose: str = "mobile"
) -> tuple[list[ranking.RankedArea], PeriodFigures]:
    """The organization's areas ranked for the next mobile-unit stops (reach = encounters) or trainings
    (reach = trainings)."""
    reach_measure = PURPOSES.get(purpose, "encounters")
    areas = areas_for(membership)
    found = figures(areas, period)
    table = found.table
    facts = []
    for area in areas:
        counts = table.values.get(area.code, {})
        facts.append(
            ranking.AreaFacts(
                code=area.code,
                name=area.name,
                population=area.population,
                svi=area.measures.get("RPL_THEMES"),
                overdoses=(counts.get("overdoses", 0) if "overdoses" in table.available else None),
                reach=(counts.get(reach_measure, 0) if reach_measure in table.available else None),
            )
        )
    return ranking.rank_areas(facts, weights()), found


def hidden_parts(item: ranking.RankedArea, found: PeriodFigures, purpose: str) -> set[str]:
    """The parts of a score whose value (a rate) would give a hidden count back."""
    reach_measure = PURPOSES.get(purpose, "encounters")
    parts = set()
    if (item.facts.code, "overdoses") in found.hidden:
        parts.add("overdoses")
    if (item.facts.code, reach_measure) in found.hidden:
        parts.add("reach")
    return parts


def explain(item: ranking.RankedArea, purpose: str, hidden: set[str] = frozenset()) -> list[str]:
    """The reasoning behind a score, in words; the rate of a hidden count is withheld (`hidden` parts)."""
    reasons = []
    mobile = PURPOSES.get(purpose, "encounters") == "encounters"
    for name, part in item.parts.items():
        numbers = {
            "value": f"{part['value']:.2f}",
            "standing": f"{part['standing']:.2f}",
            "points": f"{part['points']:.2f}",
            "weight": f"{part['weight']:.2f}",
        }
        if name == "svi":
            text = _("Social vulnerability percentile %(value)s → %(points)s of %(weight)s")
        elif name == "overdoses" and name in hidden:
            text = _(
                "Overdoses not shown for the period (a small count; rate withheld), standing %(standing)s → "
                "%(points)s of %(weight)s"
            )
        elif name == "reach" and name in hidden:
            text = _(
                "Reach not shown for the period (a small count; rate withheld); lower reach earns more "
                "(%(standing)s) → %(points)s of %(weight)s"
            )
        elif name == "overdoses":
            text = _(
                "%(value)s overdoses per 1,000 residents, standing %(standing)s → %(points)s of %(weight)s"
            )
        elif mobile:
            text = _(
                "%(value)s encounters per 1,000 residents; lower reach earns more (%(standing)s) → "
                "%(points)s of %(weight)s"
            )
        else:
            text = _(
                "%(value)s trainings per 1,000 residents; lower reach earns more (%(standing)s) → "
                "%(points)s of %(weight)s"
            )
        reasons.append(text % numbers)
    labels = {
        "svi": _("no SVI"),
        "overdoses": _("no overdose rate"),
        "reach": _("no encounter rate") if mobile else _("no training rate"),
    }
    if item.missing:
        reasons.append(
            _("Left out (weights rescaled): %(parts)s")
            % {"parts": ", ".join(labels[m] for m in item.missing)}
        )
    return reasons
