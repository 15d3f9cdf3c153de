"""Assembles a disclosure-controlled release (a package under an agreement, or an open-data period) of one
organization's indicators, audited together with every earlier release of the same organization.

Every release of an organization is audited as if all its recipients pooled what they hold (a package to the
coalition, another to the health department, the public open data): the strictest, simplest assumption.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace

from meetpoint import indicators as indicator_registry
from meetpoint.accounts import audit
from meetpoint.directory.models import Location
from meetpoint.outcomes import disclosure
from meetpoint.outcomes.periods import Period, months_of, nesting_equations, overlap_problem, unreleased_parts
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
    """The release's contents (what the recipient receives) and the server-side suppression record.

    Protected counts are audited together with everything the recipient may hold (every earlier release of
    the organization): per indicator its places and nested periods, and across indicators a total and its
    categories (`Indicator.categories`), so one family is protected as one table. Figures the recipient
    never received but that these relations tie to what they hold (a month inside a released quarter, a
    category not shared) are unknowns of the audit. A period made of months already released is built from
    those frozen figures (late records reach it only through a correction), so an old package and a new one
    never differ by the records that arrived in between."""
    registry = indicator_registry.registry
    held = earlier_releases(spec.organization) if held is None else held
    held = [h for h in held if h[0].overlaps(spec.period)]
    problem = overlap_problem(spec.period, [h[0] for h in held])
    if problem:
        raise ReleaseRefused(problem)
    built: dict[str, dict] = {}
    suppression, statuses = {}, {}
    plans: dict[str, dict] = {}
    codes = [c for c in spec.indicators if c in registry]
    ordered = [c for c in codes if not registry[c].numerator] + [c for c in codes if registry[c].numerator]
    for code in ordered:
        indicator = registry[code]
        if indicator.numerator:
            continue
        protected = is_protected(indicator, spec.protect_supplies)
        table = _table_head(code, indicator, protected)
        built[code] = table
        same = _same_release(code, spec, held)
        if same is not None:  # already released for this period and grain: the same figures, no new view
            table.update({k: same[k] for k in ("rows", "total", "withheld", "reason")})
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
        values, whole = _frozen_values(code, indicator, spec, held)
        if not protected:
            _finish(table, spec, values, whole, {place: None for place in values} | {TOTAL: None})
            statuses[code] = {place: None for place in values} | {TOTAL: None}
            suppression[code] = {}
            continue
        plans[code] = _plan(code, indicator, spec, held, values, whole)
    for family in _families(plans):
        values, equations, cells = {}, [], {}
        for code in family:
            plan = plans[code]
            values.update({key: value for key, (_place, value) in plan["new_keys"].items()})
            equations += plan["equations"]
            cells.update(plan["cells"])
        equations += _category_equations(family, plans, spec, held, cells)
        for key in values:
            cells.pop(key, None)
        protection = disclosure.protect(values, equations, spec.threshold, held=cells, label=_label)
        contradiction = None if protection.withheld else _contradiction(values, protection, equations, cells)
        if contradiction is not None:
            protection = disclosure.Protection(
                status={key: disclosure.PRIMARY for key in values},
                withheld=True,
                reason=(
                    f"withheld: {_label(contradiction.total)} no longer equals the sum of the figures already "
                    "released for it (records arrived after they were released); publish a correction first, "
                    "or the difference would reveal the late records"
                ),
            )
        for code in family:
            plan, table = plans[code], built[code]
            if protection.withheld:
                table.update(
                    withheld=True, reason=protection.reason, rows=[], total=disclosure.SUPPRESSED_MARK
                )
                status = {place: disclosure.PRIMARY for place in plan["values"]} | {TOTAL: disclosure.PRIMARY}
            else:
                status = {place: protection.status.get(key) for key, (place, _v) in plan["new_keys"].items()}
                _finish(table, spec, plan["values"], plan["whole"], status)
            statuses[code] = status
            suppression[code] = {place: s for place, s in status.items() if s}
    for code in ordered:
        indicator = registry[code]
        if indicator.numerator:
            table = _table_head(code, indicator, is_protected(indicator, spec.protect_supplies))
            rows, total = _rate_rows(indicator, spec, statuses)
            table.update(rows=rows, total=total)
            built[code] = table
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
        "tables": [built[code] for code in ordered],
    }
    return contents, suppression


def _contradiction(values: dict, protection, equations: list, cells: dict):
    """An exact equation whose figures would all be published and do not add up: the difference is records
    that arrived after an earlier release (a frozen fact), which this release must not give away."""

    def shown(key):
        if key in values:
            return None if protection.status.get(key) else values[key]
        cell = cells.get(key)
        return cell.value if cell is not None and not cell.status else None

    for equation in equations:
        if not equation.exact or not any(key in values for key in (equation.total, *equation.members)):
            continue
        figures = [shown(key) for key in (equation.total, *equation.members)]
        if all(f is not None for f in figures) and figures[0] != sum(figures[1:]):
            return equation
    return None


def _table_head(code: str, indicator, protected: bool) -> dict:
    return {
        "indicator": code,
        "name": str(indicator.name),
        "unit": indicator.unit,
        "counts_people": indicator.counts_people,
        "protected": protected,
        "rate": bool(indicator.numerator),
        "withheld": False,
        "reason": "",
    }


def _finish(table: dict, spec: ReleaseSpec, values: dict, whole: int, status: dict) -> None:
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


def _live_values(indicator, spec: ReleaseSpec) -> tuple[dict[str, int], int]:
    values = {place: int(round(v)) for place, v in place_values(indicator, spec).items()}
    return values, int(round(total_value(indicator, spec)))


def _frozen_values(code: str, indicator, spec: ReleaseSpec, held) -> tuple[dict[str, int], int]:
    """The release's figures: live, except that months of it already released count with the figures they
    were released with (a release is a frozen fact; later records change it only through a correction)."""
    values, whole = _live_values(indicator, spec)
    if spec.period.grain == "month" or not indicator.additive:
        return values, whole
    released: dict[Period, tuple[str, dict]] = {}
    for period, grain, contents, _suppression in held:
        if period.grain != "month" or not spec.period.contains(period):
            continue
        table = next((t for t in contents["tables"] if t["indicator"] == code and not t.get("rate")), None)
        usable = table is not None and not table.get("withheld")
        if usable and (period not in released or grain == spec.place_grain):
            released[period] = (grain, table)
    if not released:
        return values, whole
    frozen_whole, frozen_values = 0, {}
    for month in months_of(spec.period):
        live_rows, live_total = _live_values(indicator, replace(spec, period=month))
        grain, table = released.get(month, (None, None))
        published = table is not None and table["total"] != disclosure.SUPPRESSED_MARK
        frozen_whole += int(table["total"]) if published else live_total
        rows = live_rows
        if table is not None and grain == spec.place_grain and spec.place_grain != "county":
            shown = {r["place"]: r["value"] for r in table["rows"]}
            rows = {
                place: (
                    int(shown[place])
                    if shown.get(place, disclosure.SUPPRESSED_MARK) != disclosure.SUPPRESSED_MARK
                    else live
                )
                for place, live in live_rows.items()
            } | {
                p: int(v) for p, v in shown.items() if p not in live_rows and v != disclosure.SUPPRESSED_MARK
            }
        for place, value in rows.items():
            frozen_values[place] = frozen_values.get(place, 0) + value
    if spec.place_grain == "county":
        frozen_values = {ALL_AREAS: frozen_whole}
    return dict(sorted(frozen_values.items())), frozen_whole


def _plan(code: str, indicator, spec: ReleaseSpec, held, values: dict, whole: int) -> dict:
    """One indicator's part of the audit: its new cells, what the recipient holds of it, and its equations
    (places, nested periods, and the never-released periods that complete a partial nesting)."""
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
    missing = unreleased_parts(sorted({*periods, spec.period}))
    for part in missing:
        part_values, part_whole = _live_values(indicator, replace(spec, period=part))
        cells[_cell(code, "county", TOTAL, part)] = disclosure.HeldCell(part_whole, disclosure.UNRELEASED)
        if spec.place_grain != "county":
            places[(spec.place_grain, part)] = set(part_values)
            for place, value in part_values.items():
                cells[_cell(code, spec.place_grain, place, part)] = disclosure.HeldCell(
                    value, disclosure.UNRELEASED
                )
        else:
            places.setdefault(("county", part), set())
    equations = _equations(code, places, [*periods, *missing, spec.period], cells, distinct)
    for key in new_keys:
        cells.pop(key, None)
    return {"values": values, "whole": whole, "new_keys": new_keys, "cells": cells, "equations": equations}


def _families(plans: dict[str, dict]) -> list[list[str]]:
    """The protected indicators of this release grouped by the categories that tie them (a total and its
    categories are one family, audited as one table)."""
    registry = indicator_registry.registry
    family_of = {code: {code} for code in plans}
    for parent in registry.values():
        linked = [c for c in (parent.code, *parent.categories) if c in plans] if parent.categories else []
        for code in linked[1:]:
            merged = family_of[linked[0]] | family_of[code]
            for member in merged:
                family_of[member] = merged
    seen, families = set(), []
    for code in plans:
        if code not in seen:
            family = sorted(family_of[code], key=list(plans).index)
            seen.update(family)
            families.append(family)
    return families


def _category_equations(family: list[str], plans: dict, spec: ReleaseSpec, held, cells: dict) -> list:
    """total = sum of its categories, for every cell of this release, across the family. A member of the
    relation that this release does not carry is taken from what the recipient holds, or else is an unknown
    of the audit (never released), so the total minus the shared categories cannot give it back."""
    registry = indicator_registry.registry
    equations = []
    for parent in registry.values():
        members = (parent.code, *parent.categories)
        if not parent.categories or not set(members) & set(family):
            continue
        keys = {key[1:] for code in members if code in plans for key in plans[code]["new_keys"]}
        for code in members:
            if code in plans or code not in registry:
                continue
            held_cells, _places, _periods = _held_cells(code, held)
            live_values, live_whole = _live_values(registry[code], spec)
            for rest in keys:
                key = (code, *rest)
                if key in held_cells:
                    cells[key] = held_cells[key]
                else:
                    place = TOTAL if rest[0] == TOTAL else rest[1]
                    truth = live_whole if place == TOTAL else live_values.get(place, 0)
                    cells[key] = disclosure.HeldCell(truth, disclosure.UNRELEASED)
        for rest in keys:
            for code in members:
                cells.setdefault((code, *rest), disclosure.HeldCell(0, None))  # absent from its table: zero
            equations.append(
                disclosure.Equation((parent.code, *rest), tuple((c, *rest) for c in parent.categories))
            )
    return equations


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
