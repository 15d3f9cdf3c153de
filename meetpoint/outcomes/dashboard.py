"""The coalition dashboard: combined figures of every partner sharing with an organization under agreements in
force, built only from the packages delivered (already disclosure-controlled), so it can reveal nothing the
recipient does not already hold. Combined figures add published cells; where a partner's cell is suppressed
the combined figure is marked as a lower bound."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from meetpoint.outcomes import charts, queries
from meetpoint.outcomes.disclosure import SUPPRESSED_MARK


@dataclass
class Combined:
    value: float = 0
    partial: bool = False  # some contribution was suppressed: the true figure is at least `value`
    hidden: bool = False  # every contribution was suppressed

    def add(self, cell) -> None:
        if cell == SUPPRESSED_MARK or cell is None:
            self.partial = True
            if self.value == 0:
                self.hidden = True
        else:
            self.value += cell
            self.hidden = False

    @property
    def shown(self) -> str:
        if self.hidden and not self.value:
            return SUPPRESSED_MARK
        text = f"{self.value:,.0f}" if float(self.value).is_integer() else f"{self.value:,.2f}"
        return f"≥ {text}" if self.partial else text

    @property
    def number(self) -> float | None:
        return None if self.hidden and not self.value else self.value


@dataclass
class Dashboard:
    partners: list[str]
    indicators: list[dict]  # code, name, unit
    periods: list[str]
    period: str | None
    by_partner: dict[str, dict[str, object]]  # partner -> code -> shown cell (latest period)
    combined: dict[str, Combined]
    trends: dict[str, list[tuple[str, float | None]]]
    areas: dict[str, dict[str, Combined]]  # code -> area -> combined
    map_indicator: str | None
    packages: int = 0
    notes: list[str] = field(default_factory=list)

    def trend_svgs(self) -> list[str]:
        names = {i["code"]: i for i in self.indicators}
        return [
            charts.svg(
                charts.trend_figure(names[code]["name"], points, names[code]["unit"]),
                f"{names[code]['name']} by period, all partners",
            )
            for code, points in self.trends.items()
            if not names[code]["rate"]
        ]

    def trend_figures(self) -> list:
        names = {i["code"]: i for i in self.indicators}
        return [
            charts.trend_figure(names[code]["name"], points, names[code]["unit"])
            for code, points in self.trends.items()
            if not names[code]["rate"]
        ]

    def map_figure(self):
        if not self.map_indicator or not self.areas.get(self.map_indicator):
            return None
        name = next(i["name"] for i in self.indicators if i["code"] == self.map_indicator)
        cells = {area: c.number for area, c in self.areas[self.map_indicator].items()}
        return charts.area_map_figure(f"{name} by area, {self.period}", cells)

    def map_svg(self) -> str:
        figure = self.map_figure()
        return charts.svg(figure, "Map of activity by area") if figure is not None else ""


def build_dashboard(membership, period: str | None = None, map_indicator: str | None = None) -> Dashboard:
    today = timezone.localdate()
    packages = [p for p in queries.inbox(membership).order_by("period_start") if p.agreement.in_force(today)]
    partners = sorted({p.agreement.sharer.name for p in packages})
    indicators: dict[str, dict] = {}
    periods: list[str] = []
    trends: dict[str, dict[str, Combined]] = {}
    for package in packages:
        label = package.period_label
        if label not in periods:
            periods.append(label)
        for table in package.contents["tables"]:
            code = table["indicator"]
            indicators.setdefault(
                code, {"code": code, "name": table["name"], "unit": table["unit"], "rate": table.get("rate")}
            )
            if not table.get("rate"):
                trends.setdefault(code, {}).setdefault(label, Combined()).add(table["total"])
    chosen = period if period in periods else (periods[-1] if periods else None)
    by_partner: dict[str, dict] = {name: {} for name in partners}
    combined: dict[str, Combined] = {}
    areas: dict[str, dict[str, Combined]] = {}
    for package in packages:
        if package.period_label != chosen:
            continue
        partner = package.agreement.sharer.name
        for table in package.contents["tables"]:
            code = table["indicator"]
            by_partner[partner][code] = table["total"]
            if not table.get("rate"):
                combined.setdefault(code, Combined()).add(table["total"])
                for row in table.get("rows", []):
                    areas.setdefault(code, {}).setdefault(row["place"], Combined()).add(row["value"])
    mappable = [code for code in indicators if areas.get(code)]
    map_code = map_indicator if map_indicator in mappable else (mappable[0] if mappable else None)
    return Dashboard(
        partners=partners,
        indicators=sorted(indicators.values(), key=lambda i: i["name"]),
        periods=periods,
        period=chosen,
        by_partner=by_partner,
        combined=combined,
        trends={
            code: [(label, series[label].number if label in series else 0) for label in periods]
            for code, series in trends.items()
        },
        areas=areas,
        map_indicator=map_code,
        packages=len(packages),
    )
