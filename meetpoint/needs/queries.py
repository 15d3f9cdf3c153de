"""The needs page's reads: imported areas beside program reach and reported overdoses, and the ranked
"where to go next" list. Everything here is aggregate; counts of 1-10 people or overdoses are shown as "<11"."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from meetpoint.needs import ranking
from meetpoint.needs.models import Area
from meetpoint.needs.reach import ReachTable, gather, is_small, small_number

SHOWN_MEASURES = ("RPL_THEMES", "EP_POV150", "EP_UNEMP", "EP_UNINSUR", "EP_NOVEH")
REACH_MEASURES = ("encounters", "naloxone_kits", "trainings")
PURPOSES = {"mobile": "encounters", "training": "trainings"}


def default_period() -> tuple[date, date]:
    today = timezone.localdate()
    return today - timedelta(days=364), today


def weights() -> dict[str, float]:
    return {**ranking.DEFAULT_WEIGHTS, **getattr(settings, "MEETPOINT_NEEDS_WEIGHTS", {})}


@dataclass
class AreaRowView:
    area: Area
    measures: dict
    reach: dict = field(default_factory=dict)  # measure -> {"count", "shown", "per_1000"}
    overdoses: dict = field(default_factory=dict)
    sdoh: list = field(default_factory=list)


def _cell(count, population, available: bool, protect: bool) -> dict:
    if not available:
        return {"count": None, "shown": _("n/a"), "per_1000": None, "suppressed": False}
    count = count or 0
    suppressed = protect and is_small(count)
    rate = ranking.per_thousand(count, population)
    return {
        "count": None if suppressed else count,
        "shown": small_number(count) if protect else f"{count:,.0f}",
        "per_1000": None if suppressed else rate,
        "suppressed": suppressed,
    }


def area_rows(start: date, end: date) -> tuple[list[AreaRowView], ReachTable]:
    areas = list(Area.objects.all())
    table = gather(areas, start, end)
    rows = []
    for area in areas:
        counts = table.values.get(area.code, {})
        row = AreaRowView(area=area, measures={m: area.measures.get(m) for m in SHOWN_MEASURES})
        for measure in REACH_MEASURES:
            row.reach[measure] = _cell(
                counts.get(measure), area.population, measure in table.available, False
            )
        row.overdoses = _cell(counts.get("overdoses"), area.population, "overdoses" in table.available, True)
        for code, name in table.sdoh:
            row.sdoh.append((name, _cell(counts.get(f"sdoh:{code}"), area.population, True, True)))
        rows.append(row)
    return rows, table


def ranked_areas(
    start: date, end: date, purpose: str = "mobile"
) -> tuple[list[ranking.RankedArea], ReachTable]:
    """Areas ranked for the next mobile-unit stops (reach = encounters) or trainings (reach = trainings)."""
    reach_measure = PURPOSES.get(purpose, "encounters")
    areas = list(Area.objects.all())
    table = gather(areas, start, end)
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
    return ranking.rank_areas(facts, weights()), table


def explain(item: ranking.RankedArea, purpose: str) -> list[str]:
    """The reasoning behind a score, in words, with small overdose counts protected."""
    facts = item.facts
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
        elif name == "overdoses" and is_small(facts.overdoses):
            text = _(
                "Overdoses <11 in the period (rate withheld), standing %(standing)s → %(points)s of %(weight)s"
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
