"""Assembles a disclosure-controlled release (a package under an agreement, or an open-data period) of one
organization's indicators, audited together with every earlier release of the same organization.

Every release of an organization is audited as if all its recipients pooled what they hold (a package to the
coalition, another to the health department, the public open data): the strictest, simplest assumption.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from meetpoint import indicators as indicator_registry
from meetpoint.accounts import audit
from meetpoint.directory.models import Location
from meetpoint.outcomes import disclosure
from meetpoint.outcomes.periods import Period, nesting_equations, overlap_problem
from meetpoint.outcomes.places import uuids

FORMAT = "meetpoint-release/1"
TOTAL = "__total__"
ALL_AREAS = "All areas"
UNKNOWN_PLACE = "Unknown area"


class ReleaseRefused(ValueError):
    """The release may not be made at all (e.g. its period partially overlaps an earlier one)."""


@dataclass
class ReleaseSpec:
    organization: object  # accounts.Organization
    indicators: list[str]
    period: Period
    place_grain: str  # county | zip3 | service_area
    threshold: int
    protect_supplies: bool
    recipient: dict | None = None  # {"id", "name", "slug"}; None for open data


def log_release(release) -> None:
    """Logs a package delivered under an agreement (`outcomes.package.sent`) or an open-data period published
    (`outcomes.open_data.published`) in the transaction that stores it: for whom, which period, and the checksum of
    exactly what was released. Called by every path that stores one, so none leaves unlogged."""
    tables = release.contents.get("tables", [])
    detail = {
        "period": release.period_label,
        "checksum": release.checksum,
        "tables": len(tables),
        "withheld": sum(1 for table in tables if table.get("withheld")),
    }
    agreement = getattr(release, "agreement", None)
    if agreement is not None:
        detail.update(agreement=str(agreement.pk), recipient=str(agreement.recipient_id))
        audit.record("outcomes.package.sent", organization=agreement.sharer, obj=release, detail=detail)
    else:
        detail.update(dataset=release.dataset.slug)
        audit.record(
            "outcomes.open_data.published",
            organization=release.dataset.organization,
            obj=release,
            detail=detail,
        )


def checksum(contents: dict) -> str:
    return hashlib.sha256(canonical_json(contents).encode()).hexdigest()


def canonical_json(contents: dict) -> str:
    return json.dumps(contents, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def place_group(place_grain: str) -> tuple[str, ...]:
    return {"county": (), "zip3": ("area",), "service_area": ("site",)}[place_grain]


def site_labels(site_ids) -> dict:
    """Public names of sites: a confidential site is named only by its public area."""
    labels = {}
    for location in Location.objects.filter(pk__in=uuids(site_ids)):
        name = (location.public_area or "Confidential site") if location.is_confidential else location.name
        labels[str(location.pk)] = name or str(location.pk)
    return labels


def _scope(spec: ReleaseSpec):
    return indicator_registry.Scope(
        organization_ids=(spec.organization.pk,), start=spec.period.start, end=spec.period.end
    )


def total_value(indicator, spec: ReleaseSpec) -> float:
    """The whole release's figure, computed by the indicator itself (for distinct people it is not the sum
    of the places)."""
    return indicator.value(_scope(spec), ()).get((), 0)


def place_values(indicator, spec: ReleaseSpec) -> dict[str, float]:
    """{place label: value} for one indicator over the release's scope; 'All areas' for the county grain."""
    scope = _scope(spec)
    group = place_group(spec.place_grain)
    raw = indicator.value(scope, group)
    if not group:
        return {ALL_AREAS: raw.get((), 0)}
    keys: dict[str, float] = {}
    for key, value in raw.items():
        label = str(key[0]) if key[0] not in (None, "") else UNKNOWN_PLACE
        keys[label] = keys.get(label, 0) + value
    if spec.place_grain == "service_area":
        labels = site_labels(list(keys))
        merged: dict[str, float] = {}
        for key, value in keys.items():
            label = labels.get(key, UNKNOWN_PLACE)
            merged[label] = merged.get(label, 0) + value
        keys = merged
    return dict(sorted(keys.items()))


SUPPLY_UNITS = frozenset({"kits", "syringes", "strips", "doses", "items", "supplies", "pounds", "containers"})


def is_supply_count(indicator) -> bool:
    """Only counts of supplies may go unprotected (when an agreement says so); everything else, people,
    encounters, overdoses, tests, positives, referrals, is always protected."""
    return not indicator.counts_people and (indicator.unit in SUPPLY_UNITS or "supply" in indicator.tags)


def is_protected(indicator, protect_supplies: bool) -> bool:
    if indicator.numerator:
        registry = indicator_registry.registry
        parts = [registry.get(indicator.numerator), registry.get(indicator.denominator)]
        return any(p is not None and is_protected(p, protect_supplies) for p in parts)
    return protect_supplies or not is_supply_count(indicator)


def _cell(code, grain, place, period: Period):
    if place == TOTAL or grain == "county":
        return (code, TOTAL, period.start.isoformat(), period.end.isoformat())
    return (code, grain, place, period.start.isoformat(), period.end.isoformat())


def _label(key) -> str:
    if key[1] == TOTAL:
        return f"{key[0]} total {key[2]}..{key[3]}"
    return f"{key[0]} {key[2]} {key[3]}..{key[4]}"


def earlier_releases(
    organization, exclude_period: Period | None = None
) -> list[tuple[Period, str, dict, dict]]:
    """Every earlier release of `organization`: (period, place grain, contents, suppression)."""
    from meetpoint.outcomes.models import OpenRelease, SharedPackage

    found = []
    for model, filters in (
        (SharedPackage, {"agreement__sharer": organization}),
        (OpenRelease, {"dataset__organization": organization}),
    ):
        for release in model.objects.filter(**filters):
            period = Period(release.period_start, release.period_end, release.contents["period"]["grain"])
            found.append((period, release.contents["place_grain"], release.contents, release.suppression))
    return found


def _held_cells(code: str, held) -> tuple[dict, dict[tuple, set], list[Period]]:
    """Cells of earlier releases for one indicator: {key: HeldCell}, places per (grain, period), periods."""
    cells: dict = {}
    places: dict[tuple, set] = {}
    periods = []
    for period, grain, contents, suppression in held:
        table = next((t for t in contents["tables"] if t["indicator"] == code), None)
        if table is None or table.get("rate"):
            continue
        periods.append(period)
        statuses = suppression.get(code, {})
        entries = [(row["place"], row["value"]) for row in table["rows"]] if grain != "county" else []
        entries.append((TOTAL, table["total"]))
        places.setdefault((grain, period), set()).update(p for p, _ in entries if p != TOTAL)
        for place, value in entries:
            key = _cell(code, grain, place, period)
            known = None if value == disclosure.SUPPRESSED_MARK else int(value)
            previous = cells.get(key)
            if known is not None:
                cells[key] = disclosure.HeldCell(known, None)  # published anywhere: known to all
            elif previous is None or previous.status:
                status = statuses.get(place, disclosure.COMPLEMENTARY)
                if previous is not None and previous.status == disclosure.PRIMARY:
                    status = disclosure.PRIMARY
                cells[key] = disclosure.HeldCell(None, status)
    return cells, places, periods


def is_distinct_count(indicator) -> bool:
    """Counts of distinct people (unique participants) do not add up over months or areas: a person seen in
    two months is one person in the quarter. Providers declare them with `Indicator.additive=False`."""
    return not indicator.additive


def _equations(
    code: str, places: dict[tuple, set], periods: list[Period], cells: dict, distinct: bool
) -> list:
    equations = []
    for (grain, period), names in places.items():
        if grain != "county" and names:
            equations.append(
                disclosure.Equation(
                    _cell(code, grain, TOTAL, period),
                    tuple(_cell(code, grain, n, period) for n in sorted(names)),
                    distinct=distinct,
                )
            )
    unique_periods = sorted(set(periods))
    for outer, parts, complete in nesting_equations(unique_periods):
        equations.append(
            disclosure.Equation(
                _cell(code, "county", TOTAL, outer),
                tuple(_cell(code, "county", TOTAL, p) for p in parts),
                partial=not complete,
                distinct=distinct,
            )
        )
        grains = {g for (g, p) in places if p == outer and g != "county"}
        for grain in grains:
            for name in places[(grain, outer)] | {n for p in parts for n in places.get((grain, p), set())}:
                members = []
                for part in parts:
                    if (grain, part) in places:
                        members.append(_cell(code, grain, name, part))
                if len(members) != len(parts):
                    continue  # a part released in another grain: its places are not linked one to one
                equations.append(
                    disclosure.Equation(
                        _cell(code, grain, name, outer),
                        tuple(members),
                        partial=not complete,
                        distinct=distinct,
                    )
                )
    for equation in equations:  # a place absent from a release had zero: known exactly
        for key in (equation.total, *equation.members):
            cells.setdefault(key, disclosure.HeldCell(0, None))
    return equations


def build_release(spec: ReleaseSpec, held=None) -> tuple[dict, dict]:
    """The release's contents (what the recipient receives) and the server-side suppression record."""
    registry = indicator_registry.registry
    held = earlier_releases(spec.organization) if held is None else held
    held = [h for h in held if h[0].overlaps(spec.period)]
    problem = overlap_problem(spec.period, [h[0] for h in held])
    if problem:
        raise ReleaseRefused(problem)
    tables, suppression, statuses = [], {}, {}
    codes = [c for c in spec.indicators if c in registry]
    ordered = [c for c in codes if not registry[c].numerator] + [c for c in codes if registry[c].numerator]
    for code in ordered:
        indicator = registry[code]
        protected = is_protected(indicator, spec.protect_supplies)
        table = {
            "indicator": code,
            "name": str(indicator.name),
            "unit": indicator.unit,
            "counts_people": indicator.counts_people,
            "protected": protected,
            "rate": bool(indicator.numerator),
            "withheld": False,
            "reason": "",
        }
        if indicator.numerator:
            rows, total = _rate_rows(indicator, spec, statuses)
            table.update(rows=rows, total=total)
            tables.append(table)
            continue
        same = _same_release(code, spec, held)
        if same is not None:  # already released for this period and grain: the same figures, no new view
            table.update({k: same[k] for k in ("rows", "total", "withheld", "reason")})
            tables.append(table)
            status = {r["place"]: r["value"] == disclosure.SUPPRESSED_MARK for r in same["rows"]}
            status[TOTAL] = same["total"] == disclosure.SUPPRESSED_MARK
            statuses[code] = status
            suppression[code] = {
                p: disclosure.PRIMARY
                if s and same_status.get(p) == disclosure.PRIMARY
                else disclosure.COMPLEMENTARY
                for same_status in [same["_suppression"]]
                for p, s in status.items()
                if s
            }
            continue
        values = place_values(indicator, spec)
        values = {place: int(round(v)) for place, v in values.items()}
        whole = int(round(total_value(indicator, spec)))
        status = {place: None for place in values} | {TOTAL: None}
        if protected:
            cells, places, periods = _held_cells(code, held)
            new_places = set(values) if spec.place_grain != "county" else set()
            places[(spec.place_grain, spec.period)] = new_places
            new_keys = {}
            for place, value in values.items():
                if spec.place_grain != "county":
                    new_keys[_cell(code, spec.place_grain, place, spec.period)] = (place, value)
            new_keys[_cell(code, spec.place_grain, TOTAL, spec.period)] = (TOTAL, whole)
            for key in new_keys:
                cells.pop(key, None)
            # A count that does not add up over places in this very release is a count of distinct people,
            # whatever its tags say: modelling it as a sum would make the audit's equations false.
            distinct = is_distinct_count(indicator) or (
                spec.place_grain != "county" and whole != sum(values.values())
            )
            equations = _equations(code, places, [*periods, spec.period], cells, distinct)
            for key in new_keys:
                cells.pop(key, None)
            protection = disclosure.protect(
                {key: value for key, (_place, value) in new_keys.items()},
                equations,
                spec.threshold,
                held=cells,
                label=_label,
            )
            if protection.withheld:
                table.update(
                    withheld=True, reason=protection.reason, rows=[], total=disclosure.SUPPRESSED_MARK
                )
                status = {place: disclosure.PRIMARY for place in status}
                tables.append(table)
                statuses[code] = status
                suppression[code] = status
                continue
            status = {place: protection.status.get(key) for key, (place, _v) in new_keys.items()}
        hidden = {place for place, how in status.items() if how}
        rows = (
            [
                {"place": place, "value": disclosure.SUPPRESSED_MARK if place in hidden else value}
                for place, value in values.items()
            ]
            if spec.place_grain != "county"
            else []
        )
        table.update(rows=rows, total=disclosure.SUPPRESSED_MARK if TOTAL in hidden else whole)
        tables.append(table)
        statuses[code] = status
        suppression[code] = {place: s for place, s in status.items() if s}
    contents = {
        "format": FORMAT,
        "sharer": {
            "id": str(spec.organization.pk),
            "name": spec.organization.name,
            "slug": spec.organization.slug,
        },
        "recipient": spec.recipient or "public",
        "period": {
            "start": spec.period.start.isoformat(),
            "end": spec.period.end.isoformat(),
            "label": spec.period.label,
            "grain": spec.period.grain,
        },
        "place_grain": spec.place_grain,
        "threshold": spec.threshold,
        "suppressed_mark": disclosure.SUPPRESSED_MARK,
        "tables": tables,
    }
    return contents, suppression


def _same_release(code: str, spec: ReleaseSpec, held) -> dict | None:
    for period, grain, contents, suppression in held:
        if period == spec.period and grain == spec.place_grain:
            for table in contents["tables"]:
                if table["indicator"] == code:
                    return {**table, "_suppression": suppression.get(code, {})}
    return None


def _rate_rows(indicator, spec: ReleaseSpec, statuses: dict) -> tuple[list, object]:
    """A rate per place; hidden where its numerator or denominator is hidden (in this release, or when the
    part is not released itself, by the threshold alone)."""
    registry = indicator_registry.registry
    numerator, denominator = registry[indicator.numerator], registry[indicator.denominator]
    top, bottom = place_values(numerator, spec), place_values(denominator, spec)
    top_total, bottom_total = total_value(numerator, spec), total_value(denominator, spec)

    def part_status(part, values, whole):
        if part.code in statuses:
            return statuses[part.code]
        if not is_protected(part, spec.protect_supplies):
            return {}
        found = {p: disclosure.is_primary(int(round(v)), spec.threshold) for p, v in values.items()}
        found[TOTAL] = disclosure.is_primary(int(round(whole)), spec.threshold)
        return found

    top_status = part_status(numerator, top, top_total)
    bottom_status = part_status(denominator, bottom, bottom_total)
    rates = {p: round(top.get(p, 0) / b, 3) for p, b in bottom.items() if b}
    shown = disclosure.suppress_rates(rates, top_status, bottom_status)
    rows = [{"place": p, "value": v} for p, v in shown.items()] if spec.place_grain != "county" else []
    total = round(top_total / bottom_total, 3) if bottom_total else None
    hidden = top_status.get(TOTAL) or bottom_status.get(TOTAL)
    return rows, (disclosure.SUPPRESSED_MARK if hidden and total is not None else total)
