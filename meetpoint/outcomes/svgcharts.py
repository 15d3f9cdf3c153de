"""Meetpoint's one chart path: a bar chart of one indicator over periods and a grid map of areas, laid out once
as plain shapes (`Chart`) and written as SVG text for pages (report, dashboard) or as a vector drawing for PDFs
(pdf.py draws the same shapes with reportlab). Nothing else draws charts, so pages and PDFs always agree; a
chart takes well under a millisecond.

Every SVG chart is an image for screen readers: `role="img"`, a <title> (the chart's title) and a <desc> that
says the description and every value in words, so nothing is only in the picture. Each bar and cell also carries
its own <title> (shown on hover). Every text from the data is escaped: the result is inserted as markup.
`ident` must be unique on the page: it prefixes the ids that the title, description and hatching refer to
(characters other than letters, digits, '-' and '_' become '-'). Counts get whole-number axes (no "0.5 people").
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from html import escape

from django.utils.translation import gettext as _

BRAND = "#1d5c63"
HATCH = "#b9c2c9"
AXIS = "#59636e"
GRID = "#e3e7ea"
INK = "#1b1f24"
WIDTH = 640
# ColorBrewer "Blues" (the stops of matplotlib's colormap of that name), interpolated linearly.
BLUES = ["#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b"]


@dataclass
class Rect:
    x: float
    y: float
    width: float
    height: float
    fill: str | None  # None: hatched (a suppressed value)
    title: str = ""


@dataclass
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    color: str


@dataclass
class Text:
    x: float
    y: float
    text: str
    size: int = 11
    anchor: str = "start"  # start | middle | end
    color: str = AXIS
    bold: bool = False
    rotate: bool = False  # vertical (reading upwards), e.g. the unit beside the axis


@dataclass
class Chart:
    """A chart as shapes in a WIDTH × height box, y growing downwards (as in SVG)."""

    ident: str
    title: str
    description: str  # what it shows and every value in words
    height: float
    shapes: list = field(default_factory=list)

    @property
    def hatched(self) -> bool:
        return any(isinstance(shape, Rect) and shape.fill is None for shape in self.shapes)

    def svg(self) -> str:
        return write_svg(self)


def _safe_id(ident: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", ident)


def number(value: float) -> str:
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _shown(value) -> str:
    return number(value) if isinstance(value, int | float) else _("suppressed")


def _ticks(top: float, count: int = 4, whole: bool = False) -> list[float]:
    """0 and round steps (1, 2, 2.5 or 5 × a power of ten) up to at least `top`; `whole`: steps of at least 1
    and never 2.5 (an axis of people, kits or visits shows whole numbers)."""
    if top <= 0:
        return [0, 1]
    rough = top / count
    power = 10 ** math.floor(math.log10(rough))
    factors = (1, 2, 5, 10) if whole else (1, 2, 2.5, 5, 10)
    step = next(f * power for f in factors if f * power >= rough)
    if whole:
        step = max(1, round(step))
    return [i * step for i in range(math.ceil(top / step - 1e-9) + 1)]


def _values_said(pairs) -> str:
    return "; ".join(f"{label}: {_shown(value)}" for label, value in pairs)


def bar_layout(
    ident: str, title: str, points: list[tuple[str, float | None]], unit: str, description: str
) -> Chart:
    """One bar per (label, value); a None value (suppressed) is a short hatched bar (a twentieth of the axis)."""
    height, left, right, top, bottom = 260, 64, 12, 32, 28
    plot_width, plot_height = WIDTH - left - right, height - top - bottom
    numbers = [v for _label, v in points if isinstance(v, int | float)]
    ticks = _ticks(
        max(numbers, default=0), whole=unit != "ratio" and all(float(v).is_integer() for v in numbers)
    )
    scale = plot_height / ticks[-1]
    said = f"{description}. {_values_said(points)}." if points else f"{description}."
    chart = Chart(_safe_id(ident), title, said, height)
    shapes = chart.shapes
    shapes.append(Text(4, 18, title, size=13, color=INK, bold=True))
    for tick in ticks:
        y = top + plot_height - tick * scale
        shapes.append(Line(left, y, WIDTH - right, y, GRID))
        shapes.append(Text(left - 6, y + 4, number(tick), anchor="end"))
    if unit:
        shapes.append(Text(14, top + plot_height / 2, unit, anchor="middle", rotate=True))
    slot = plot_width / max(1, len(points))
    every = max(1, math.ceil(len(points) / 8))
    for i, (label, value) in enumerate(points):
        x = left + i * slot + slot * 0.1
        if isinstance(value, int | float):
            bar, fill = max(value, 0) * scale, BRAND
        else:
            bar, fill = plot_height * 0.05, None
        shapes.append(Rect(x, top + plot_height - bar, slot * 0.8, bar, fill, f"{label}: {_shown(value)}"))
        if i % every == 0:
            shapes.append(Text(x + slot * 0.4, height - 10, str(label), anchor="middle"))
    base = top + plot_height
    shapes.append(Line(left, base, WIDTH - right, base, AXIS))
    shapes.append(Line(left, top, left, base, AXIS))
    return chart


def blue(fraction: float) -> str:
    """The colour at `fraction` (0 to 1) of the Blues scale, as #rrggbb."""
    position = min(max(fraction, 0.0), 1.0) * (len(BLUES) - 1)
    low = min(int(position), len(BLUES) - 2)
    share = position - low
    start, end = BLUES[low], BLUES[low + 1]
    channels = (
        round(int(start[k : k + 2], 16) * (1 - share) + int(end[k : k + 2], 16) * share) for k in (1, 3, 5)
    )
    return "#" + "".join(f"{c:02x}" for c in channels)


def grid_layout(ident: str, title: str, areas: dict[str, float | None], description: str) -> Chart:
    """Fixed areas (ZIP3 or service areas) as a grid of equal cells shaded by value; suppressed areas are hatched
    and show '*'. Needs no map tiles or geometry files."""
    names = sorted(areas)
    columns = max(1, min(4, len(names)))
    rows = max(1, math.ceil(len(names) / columns))
    cell_width, cell_height, top = (WIDTH - 16) / columns, 100, 32
    numbers = [v for v in areas.values() if isinstance(v, int | float)]
    highest = max(numbers, default=0)
    said = f"{description}. {_values_said((name, areas[name]) for name in names)}." if names else description
    chart = Chart(_safe_id(ident), title, said, top + rows * cell_height + 8)
    chart.shapes.append(Text(4, 18, title, size=13, color=INK, bold=True))
    for i, name in enumerate(names):
        value = areas[name]
        x, y = 8 + (i % columns) * cell_width, top + (i // columns) * cell_height
        share = value / highest if isinstance(value, int | float) and highest else 0
        if isinstance(value, int | float):
            fill, text, ink = blue(0.15 + 0.8 * share), number(value), "#fff" if share > 0.5 else "#000"
        else:
            fill, text, ink = None, "*", "#000"
        middle = x + cell_width * 0.475
        chart.shapes.append(
            Rect(x, y, cell_width * 0.95, round(cell_height * 0.9), fill, f"{name}: {_shown(value)}")
        )
        chart.shapes.append(Text(middle, y + 40, name, size=13, anchor="middle", color=ink))
        chart.shapes.append(Text(middle, y + 58, text, size=13, anchor="middle", color=ink))
    return chart


# ---- SVG ---------------------------------------------------------------------------------------------------


def _svg_shape(ident: str, shape) -> str:
    if isinstance(shape, Rect):
        fill = f'fill="{shape.fill}"' if shape.fill else f'fill="url(#{ident}-hatch)" stroke="{HATCH}"'
        return (
            f'<rect x="{shape.x:.1f}" y="{shape.y:.1f}" width="{shape.width:.1f}" height="{shape.height:.1f}" '
            f"{fill}><title>{escape(shape.title)}</title></rect>"
        )
    if isinstance(shape, Line):
        return (
            f'<line x1="{shape.x1:.1f}" x2="{shape.x2:.1f}" y1="{shape.y1:.1f}" y2="{shape.y2:.1f}" '
            f'stroke="{shape.color}"/>'
        )
    anchor = f' text-anchor="{shape.anchor}"' if shape.anchor != "start" else ""
    weight = ' font-weight="600"' if shape.bold else ""
    turn = f' transform="rotate(-90 {shape.x:.1f} {shape.y:.1f})"' if shape.rotate else ""
    return (
        f'<text x="{shape.x:.1f}" y="{shape.y:.1f}" font-size="{shape.size}"{anchor}{weight} '
        f'fill="{shape.color}"{turn}>{escape(shape.text)}</text>'
    )


def write_svg(chart: Chart) -> str:
    ident = chart.ident
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {chart.height:.0f}" width="{WIDTH}" '
        f'height="{chart.height:.0f}" role="img" aria-labelledby="{ident}-title" '
        f'aria-describedby="{ident}-desc">',
        f'<title id="{ident}-title">{escape(chart.title)}</title>',
        f'<desc id="{ident}-desc">{escape(chart.description)}</desc>',
    ]
    if chart.hatched:
        parts.append(
            f'<defs><pattern id="{ident}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
            f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
            f'<line x1="0" y1="0" x2="0" y2="6" stroke="{HATCH}" stroke-width="2"/></pattern></defs>'
        )
    parts.extend(_svg_shape(ident, shape) for shape in chart.shapes)
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(
    ident: str, title: str, points: list[tuple[str, float | None]], unit: str, description: str
) -> str:
    """The bar chart as SVG markup for a page."""
    return bar_layout(ident, title, points, unit, description).svg()


def area_grid(ident: str, title: str, areas: dict[str, float | None], description: str) -> str:
    """The area grid as SVG markup for a page."""
    return grid_layout(ident, title, areas, description).svg()
