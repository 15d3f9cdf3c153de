"""Charts for web pages written as SVG text by hand: a bar chart of one indicator over periods and a grid map of
areas. They draw what charts.py draws with matplotlib for PDFs, in a fraction of a millisecond instead of
~150 ms a chart, and a few kilobytes instead of ~25 (matplotlib writes every glyph as a path).

Every chart is an image for screen readers: `role="img"`, a <title> (the chart's title) and a <desc> that says
the description and every value in words, so nothing is only in the picture. Each bar and cell also carries
its own <title> (shown on hover). Every text from the data is escaped: the result is inserted as markup.
`ident` must be unique on the page: it prefixes the ids that the title, description and hatching refer to
(characters other than letters, digits, '-' and '_' become '-').
"""

from __future__ import annotations

import math
import re
from html import escape

from django.utils.translation import gettext as _

BRAND = "#1d5c63"
HATCH = "#b9c2c9"
AXIS = "#59636e"
GRID = "#e3e7ea"
WIDTH = 640
# ColorBrewer "Blues", the stops of matplotlib's colormap of that name, interpolated the same way.
BLUES = ["#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b"]


def _safe_id(ident: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", ident)


def number(value: float) -> str:
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _shown(value) -> str:
    return number(value) if isinstance(value, int | float) else _("suppressed")


def _ticks(top: float, count: int = 4) -> list[float]:
    """0 and round steps (1, 2, 2.5 or 5 × a power of ten) up to at least `top`."""
    if top <= 0:
        return [0, 1]
    rough = top / count
    power = 10 ** math.floor(math.log10(rough))
    step = next(f * power for f in (1, 2, 2.5, 5, 10) if f * power >= rough)
    return [i * step for i in range(math.ceil(top / step - 1e-9) + 1)]


def _open(ident: str, height: int, title: str, description: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
        f'height="{height}" role="img" aria-labelledby="{ident}-title" aria-describedby="{ident}-desc">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
    ]


def _hatching(ident: str) -> str:
    return (
        f'<defs><pattern id="{ident}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{HATCH}" stroke-width="2"/></pattern></defs>'
    )


def _values_said(pairs) -> str:
    return "; ".join(f"{label}: {_shown(value)}" for label, value in pairs)


def bar_chart(
    ident: str, title: str, points: list[tuple[str, float | None]], unit: str, description: str
) -> str:
    """One bar per (label, value); a None value (suppressed) is a short hatched bar (a twentieth of the axis)."""
    ident, height, left, right, top, bottom = _safe_id(ident), 260, 64, 12, 32, 28
    plot_width, plot_height = WIDTH - left - right, height - top - bottom
    numbers = [v for _label, v in points if isinstance(v, int | float)]
    highest = max(numbers, default=0)
    ticks = _ticks(highest)
    scale = plot_height / ticks[-1]
    said = f"{description}. {_values_said(points)}." if points else f"{description}."
    parts = _open(ident, height, title, said)
    if len(numbers) < len(points):
        parts.append(_hatching(ident))
    parts.append(f'<text x="4" y="18" font-size="13" font-weight="600" fill="#1b1f24">{escape(title)}</text>')
    for tick in ticks:
        y = top + plot_height - tick * scale
        parts.append(f'<line x1="{left}" x2="{WIDTH - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" fill="{AXIS}">'
            f"{number(tick)}</text>"
        )
    if unit:
        middle = top + plot_height / 2
        parts.append(
            f'<text x="14" y="{middle:.1f}" font-size="11" text-anchor="middle" fill="{AXIS}" '
            f'transform="rotate(-90 14 {middle:.1f})">{escape(unit)}</text>'
        )
    slot = plot_width / max(1, len(points))
    every = max(1, math.ceil(len(points) / 8))
    for i, (label, value) in enumerate(points):
        x = left + i * slot + slot * 0.1
        if isinstance(value, int | float):
            bar, fill = max(value, 0) * scale, f'fill="{BRAND}"'
        else:
            bar, fill = plot_height * 0.05, f'fill="url(#{ident}-hatch)" stroke="{HATCH}"'
        parts.append(
            f'<rect x="{x:.1f}" y="{top + plot_height - bar:.1f}" width="{slot * 0.8:.1f}" height="{bar:.1f}" '
            f"{fill}><title>{escape(str(label))}: {escape(_shown(value))}</title></rect>"
        )
        if i % every == 0:
            parts.append(
                f'<text x="{x + slot * 0.4:.1f}" y="{height - 10}" font-size="11" text-anchor="middle" '
                f'fill="{AXIS}">{escape(str(label))}</text>'
            )
    base = top + plot_height
    parts.append(f'<line x1="{left}" x2="{WIDTH - right}" y1="{base}" y2="{base}" stroke="{AXIS}"/>')
    parts.append(f'<line x1="{left}" x2="{left}" y1="{top}" y2="{base}" stroke="{AXIS}"/>')
    parts.append("</svg>")
    return "".join(parts)


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


def area_grid(ident: str, title: str, areas: dict[str, float | None], description: str) -> str:
    """Fixed areas (ZIP3 or service areas) as a grid of equal cells shaded by value; suppressed areas are hatched
    and show '*'. Needs no map tiles or geometry files."""
    ident, names = _safe_id(ident), sorted(areas)
    columns = max(1, min(4, len(names)))
    rows = max(1, math.ceil(len(names) / columns))
    cell_width, cell_height, top = (WIDTH - 16) / columns, 100, 32
    height = top + rows * cell_height + 8
    numbers = [v for v in areas.values() if isinstance(v, int | float)]
    highest = max(numbers, default=0)
    said = f"{description}. {_values_said((name, areas[name]) for name in names)}." if names else description
    parts = _open(ident, height, title, said)
    if len(numbers) < len(names):
        parts.append(_hatching(ident))
    parts.append(f'<text x="4" y="18" font-size="13" font-weight="600" fill="#1b1f24">{escape(title)}</text>')
    for i, name in enumerate(names):
        value = areas[name]
        x, y = 8 + (i % columns) * cell_width, top + (i // columns) * cell_height
        share = value / highest if isinstance(value, int | float) and highest else 0
        if isinstance(value, int | float):
            fill, text, ink = (
                f'fill="{blue(0.15 + 0.8 * share)}"',
                number(value),
                "#fff" if share > 0.5 else "#000",
            )
        else:
            fill, text, ink = f'fill="url(#{ident}-hatch)" stroke="{HATCH}"', "*", "#000"
        middle = x + cell_width * 0.475
        parts.append(
            f'<rect x="{x:.1f}" y="{y}" width="{cell_width * 0.95:.1f}" height="{cell_height * 0.9:.0f}" {fill}>'
            f"<title>{escape(name)}: {escape(_shown(value))}</title></rect>"
            f'<text x="{middle:.1f}" y="{y + 40}" font-size="13" text-anchor="middle" fill="{ink}">'
            f'{escape(name)}<tspan x="{middle:.1f}" dy="18">{escape(text)}</tspan></text>'
        )
    parts.append("</svg>")
    return "".join(parts)
