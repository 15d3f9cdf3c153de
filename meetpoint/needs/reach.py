"""Program reach and reported overdoses by area, read through the indicator registry (this app imports no
other app's models). Keys an indicator reports under "area" are matched to imported areas by code, by alias,
by FIPS prefix (a block group or tract inside a tract or county), or — for a grid cell — by the nearest area
interior point within MEETPOINT_NEEDS_GRID_MATCH_KM."""

import math
from dataclasses import dataclass
from datetime import date

from django.conf import settings

from meetpoint import indicators as registry
from meetpoint.accounts.models import Organization
from meetpoint.needs.models import Area

# measure -> indicator codes summed for it (those not registered are skipped).
DEFAULT_REACH_INDICATORS = {
    "encounters": ["outreach_encounters"],
    "naloxone_kits": ["naloxone_kits_distributed", "naloxone_kits_at_events"],
    "trainings": ["trainings_held"],
    "overdoses": ["overdoses_reported_fatal", "overdoses_reported_nonfatal"],
}


def reach_indicators() -> dict[str, list[str]]:
    return {**DEFAULT_REACH_INDICATORS, **getattr(settings, "MEETPOINT_NEEDS_REACH_INDICATORS", {})}


@dataclass
class AreaIndex:
    areas: list[Area]

    def __post_init__(self) -> None:
        self.by_code = {area.code: area for area in self.areas}
        for area in self.areas:
            for alias in area.aliases or ():
                self.by_code.setdefault(str(alias), area)
        self.placed = [a for a in self.areas if a.latitude is not None and a.longitude is not None]

    def match(self, key) -> Area | None:
        text = str(key or "").strip()
        if not text:
            return None
        if text in self.by_code:
            return self.by_code[text]
        kind, _, rest = text.partition(":")
        body = rest if rest else text
        if kind == "grid" or ("," in body and not body.replace(",", "").isdigit()):
            return self._nearest(body)
        digits = "".join(ch for ch in body if ch.isdigit())
        for length in (11, 5):
            if len(digits) >= length and digits[:length] in self.by_code:
                return self.by_code[digits[:length]]
        return None

    def _nearest(self, cell: str) -> Area | None:
        try:
            lat_text, lon_text = cell.split(",")
            size = float(getattr(settings, "MEETPOINT_GRID_DEGREES", 0.01))
            lat, lon = float(lat_text) + size / 2, float(lon_text) + size / 2  # the cell's centre
        except ValueError:
            return None
        limit = float(getattr(settings, "MEETPOINT_NEEDS_GRID_MATCH_KM", 5))
        best, best_km = None, limit
        for area in self.placed:
            km = _km(lat, lon, area.latitude, area.longitude)
            if km <= best_km:
                best, best_km = area, km
        return best


def _km(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(a))


@dataclass
class ReachTable:
    values: dict[str, dict[str, float]]  # area code -> measure -> count
    available: dict[str, list[str]]  # measure -> indicator codes that answered by area
    unplaced: dict[str, float]  # measure -> counts that matched no imported area
    sdoh: list[tuple[str, str]]  # (indicator code, name) of screening needs shown by area


def _by_area(code: str, scope: registry.Scope) -> dict | None:
    indicator = registry.registry.get(code)
    if indicator is None:
        return None
    try:
        return indicator.value(scope, ("area",))
    except (ValueError, KeyError, NotImplementedError, TypeError):
        return None  # this indicator cannot group by area


def _area_of(key):
    return key[0] if isinstance(key, tuple) and key else key


def sdoh_indicators() -> list[registry.Indicator]:
    """Screening indicators of social needs (tagged "sdoh", or the AHC HRSN "need" level), shown as aggregate
    needs by area when they can group by area."""
    return [
        ind
        for ind in registry.registry.values()
        if "sdoh" in ind.tags or {"ahc-hrsn", "need"} <= set(ind.tags)
    ]


def gather(areas: list[Area], start: date, end: date, organization_ids=None) -> ReachTable:
    if organization_ids is None:
        organization_ids = tuple(Organization.objects.values_list("pk", flat=True))
    scope = registry.Scope(organization_ids=tuple(organization_ids), start=start, end=end)
    index = AreaIndex(areas)
    values: dict[str, dict[str, float]] = {area.code: {} for area in areas}
    available: dict[str, list[str]] = {}
    unplaced: dict[str, float] = {}
    measures = dict(reach_indicators())
    sdoh = []
    for indicator in sdoh_indicators():
        measures.setdefault(f"sdoh:{indicator.code}", [indicator.code])
    for measure, codes in measures.items():
        for code in codes:
            counts = _by_area(code, scope)
            if counts is None or (counts and all(_area_of(key) is None for key in counts)):
                continue  # not registered, or it cannot tell areas apart
            available.setdefault(measure, []).append(code)
            for key, count in counts.items():
                area = index.match(_area_of(key))
                if area is None:
                    unplaced[measure] = unplaced.get(measure, 0) + count
                    continue
                values[area.code][measure] = values[area.code].get(measure, 0) + count
        if measure.startswith("sdoh:") and measure in available:
            code = measure[5:]
            sdoh.append((code, registry.registry[code].name))
    return ReachTable(values=values, available=available, unplaced=unplaced, sdoh=sdoh)
