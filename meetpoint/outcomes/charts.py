"""Charts as matplotlib figures: drawn on PDF pages (reports, coalition dashboard) and rendered to SVG for the
report page.

Charts take plain series, so reports and the coalition dashboard share them. The coalition dashboard's page
draws the same charts with svgcharts.py, which writes the SVG text directly (~150 ms a chart here, well under a
millisecond there).
"""

from __future__ import annotations

import io
import math
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

BRAND = "#1d5c63"
HATCH = "#b9c2c9"


def trend_figure(title: str, points: list[tuple[str, float | None]], unit: str = "") -> Figure:
    """A bar chart of one indicator over weeks or months; None (suppressed) bars are drawn hatched."""
    figure = Figure(figsize=(6.4, 2.6), dpi=100)
    axes = figure.subplots()
    labels = [label for label, _ in points]
    values = [value if isinstance(value, int | float) else 0 for _, value in points]
    hidden = [not isinstance(value, int | float) for _, value in points]
    bars = axes.bar(range(len(points)), values, color=BRAND)
    for bar, is_hidden in zip(bars, hidden, strict=True):
        if is_hidden:
            bar.set_hatch("//")
            bar.set_facecolor("white")
            bar.set_edgecolor(HATCH)
            bar.set_height(max(values or [1]) * 0.05 or 1)
    step = max(1, math.ceil(len(labels) / 8))
    axes.set_xticks(range(0, len(labels), step), labels[::step], fontsize=7, rotation=0)
    axes.tick_params(axis="y", labelsize=7)
    axes.set_title(title, fontsize=9, loc="left")
    if unit:
        axes.set_ylabel(unit, fontsize=7)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    return figure


def area_map_figure(title: str, areas: dict[str, float | None]) -> Figure:
    """A choropleth of fixed areas drawn as a grid of equal cells (ZIP3 areas or service areas), shaded by
    value; suppressed areas are hatched and labelled '*'. Needs no map tiles or geometry files."""
    names = sorted(areas)
    columns = max(1, min(4, len(names)))
    rows = max(1, math.ceil(len(names) / columns))
    figure = Figure(figsize=(6.4, 0.9 + 1.1 * rows), dpi=100)
    axes = figure.subplots()
    numbers = [v for v in areas.values() if isinstance(v, int | float)]
    top = max(numbers) if numbers else 1
    colormap = matplotlib.colormaps["Blues"]
    for i, name in enumerate(names):
        value = areas[name]
        x, y = i % columns, rows - 1 - i // columns
        if isinstance(value, int | float):
            color = colormap(0.15 + 0.8 * (value / top if top else 0))
            patch = Rectangle((x, y), 0.95, 0.9, facecolor=color, edgecolor="white")
            text = f"{name}\n{value:,.0f}"
        else:
            patch = Rectangle((x, y), 0.95, 0.9, facecolor="white", edgecolor=HATCH, hatch="//")
            text = f"{name}\n*"
        axes.add_patch(patch)
        dark = isinstance(value, int | float) and top and value / top > 0.5
        axes.text(
            x + 0.47, y + 0.45, text, ha="center", va="center", fontsize=8, color="white" if dark else "black"
        )
    axes.set_xlim(0, columns)
    axes.set_ylim(0, rows)
    axes.set_axis_off()
    axes.set_title(title, fontsize=9, loc="left")
    figure.tight_layout()
    return figure


def svg(figure: Figure, description: str) -> str:
    """The figure as inline SVG markup (no XML prolog), with a title for screen readers."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    plt.close(figure)
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.S)
    safe = description.replace("&", "&amp;").replace("<", "&lt;")
    return text.replace(">", f' role="img" aria-label="{safe.replace(chr(34), "")}">', 1)
