"""The coalition dashboard: combined figures of every partner sharing with an organization under agreements in
force, built only from the packages delivered (already disclosure-controlled), so it can reveal nothing the
recipient does not already hold. Combined figures add published cells; where a partner's cell is suppressed
the combined figure is marked as a lower bound.

The charts are laid out by svgcharts.py: written as SVG for the page when the dashboard is built (the built
dashboard is kept in the cache until anything it shows changes, dashboard_cache.py), and drawn as vectors from
the same layout in the PDF (exports.dashboard_pdf)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from meetpoint.outcomes import dashboard_cache, queries, svgcharts
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
    """Stored in the cache as it is: raise dashboard_cache.FORMAT when its fields (or Combined's) change."""

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
    trend_charts: list[str] = field(default_factory=list)  # SVG markup, drawn by draw()
    map_chart: str = ""

    @property
    def partner_rows(self) -> list[tuple[str, list]]:
        """The by-partner table: each partner's cell of each indicator, in the order of `indicators`."""
        return [
            (partner, [cells.get(i["code"], "") for i in self.indicators])
            for partner, cells in self.by_partner.items()
        ]

    @property
    def combined_cells(self) -> list[str]:
        return [self.combined[i["code"]].shown if i["code"] in self.combined else "" for i in self.indicators]

    def _trend_series(self):
        names = {i["code"]: i for i in self.indicators}
        for code, points in self.trends.items():
            if not names[code]["rate"]:
                yield code, names[code], points

    def _map_cells(self) -> tuple[str, dict[str, float | None]] | None:
        if not self.map_indicator or not self.areas.get(self.map_indicator):
            return None
        name = next(i["name"] for i in self.indicators if i["code"] == self.map_indicator)
        cells = {area: c.number for area, c in self.areas[self.map_indicator].items()}
        return _("%(indicator)s by area, %(period)s") % {"indicator": name, "period": self.period}, cells

    def chart_layouts(self) -> dict:
        """The charts (in the active language) as svgcharts layouts: {"trends": [...], "map": Chart | None}."""
        trends = [
            svgcharts.bar_layout(
                f"trend-{code}",
                indicator["name"],
                points,
                indicator["unit"],
                _("%(indicator)s by period, all partners") % {"indicator": indicator["name"]},
            )
            for code, indicator, points in self._trend_series()
        ]
        drawn = self._map_cells()
        area_map = (
            svgcharts.grid_layout("area-map", drawn[0], drawn[1], _("Map of activity by area"))
            if drawn is not None
            else None
        )
        return {"trends": trends, "map": area_map}

    def draw(self) -> None:
        """Writes the page's charts (in the active language) into trend_charts and map_chart."""
        charts = self.chart_layouts()
        self.trend_charts = [chart.svg() for chart in charts["trends"]]
        self.map_chart = charts["map"].svg() if charts["map"] is not None else ""

    def trend_svgs(self) -> list[str]:
        return self.trend_charts

    def map_svg(self) -> str:
        return self.map_chart


def build_dashboard(membership, period: str | None = None, map_indicator: str | None = None) -> Dashboard:
    """The dashboard of the membership's organization with its charts drawn: from the cache when nothing it
    shows has changed since it was stored, else built, drawn and stored."""
    organization, today, language = membership.organization, timezone.localdate(), get_language()
    board = dashboard_cache.read(
        dashboard_cache.inbox_digest(organization, today).key(period, map_indicator, language)
    )
    if isinstance(board, Dashboard):
        return board
    received = list(
        queries.current_inbox(membership).order_by("period_start", "period_end", "agreement__sharer__name")
    )
    built_from = dashboard_cache.digest(
        organization,
        [(p.pk, p.checksum, p.period_label, p.period_start, p.period_end, p.agreement_id) for p in received],
        {p.agreement_id: p.agreement for p in received},
        today,
    )
    period, map_indicator = built_from.chosen(period, map_indicator)
    board = combine([p for p in received if p.agreement.in_force(today)], period, map_indicator)
    board.draw()
    dashboard_cache.write(built_from.key(period, map_indicator, language), board)
    return board


def partner_figures(packages: list) -> dict[tuple[object, str, str], tuple[object, dict]]:
    """Each partner's table of each indicator for each period, once: (sharer id, period, indicator) -> (package,
    table). Whatever is stored (two agreements of one partner, a package and its correction), a partner's figure
    for a period is counted once, the most recently delivered one."""
    chosen: dict[tuple[object, str, str], tuple[object, dict]] = {}
    for package in sorted(packages, key=lambda p: p.created):
        for table in package.contents["tables"]:
            chosen[(package.agreement.sharer_id, package.period_label, table["indicator"])] = (package, table)
    return chosen


def combine(packages: list, period: str | None, map_indicator: str | None) -> Dashboard:
    """The dashboard of these packages (current, under agreements in force, oldest period first), without its
    charts."""
    partners = sorted({p.agreement.sharer.name for p in packages})
    indicators: dict[str, dict] = {}
    periods: list[str] = []
    trends: dict[str, dict[str, Combined]] = {}
    for package in packages:
        if package.period_label not in periods:
            periods.append(package.period_label)
    figures = partner_figures(packages)
    for (_sharer, label, code), (_package, table) in figures.items():
        indicators.setdefault(
            code, {"code": code, "name": table["name"], "unit": table["unit"], "rate": table.get("rate")}
        )
        if not table.get("rate"):
            trends.setdefault(code, {}).setdefault(label, Combined()).add(table["total"])
    chosen = period if period in periods else (periods[-1] if periods else None)
    by_partner: dict[str, dict] = {name: {} for name in partners}
    combined: dict[str, Combined] = {}
    areas: dict[str, dict[str, Combined]] = {}
    notes: list[str] = []
    for (_sharer, label, code), (package, table) in figures.items():
        if label != chosen:
            continue
        by_partner[package.agreement.sharer.name][code] = table["total"]
        if not table.get("rate"):
            combined.setdefault(code, Combined()).add(table["total"])
            for row in table.get("rows", []):
                areas.setdefault(code, {}).setdefault(row["place"], Combined()).add(row["value"])
    for package in packages:
        if package.period_label == chosen and package.corrects_id:
            notes.append(
                _("%(partner)s corrected its %(period)s figures: %(reason)s")
                % {
                    "partner": package.agreement.sharer.name,
                    "period": chosen,
                    "reason": package.correction_reason,
                }
            )
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
        notes=notes,
    )
