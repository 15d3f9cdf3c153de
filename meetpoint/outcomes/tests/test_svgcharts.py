"""The one chart path: well-formed, escaped SVG, readable without the picture, whole-number axes for counts, and
the same shapes drawn as vectors in PDFs."""

import xml.etree.ElementTree as ET

import pytest

from meetpoint.outcomes import svgcharts

SVG = "{http://www.w3.org/2000/svg}"


def parsed(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # noqa: S314 - our own output, parsed to prove it is well-formed


def test_bar_chart_says_its_title_and_every_value():
    markup = svgcharts.bar_chart(
        "trend-kits",
        "Naloxone kits",
        [("2025-01", 600), ("2025-02", None), ("2025-03", 1234.5)],
        "kits",
        "Kits",
    )
    svg = parsed(markup)
    assert svg.get("role") == "img"
    assert (
        svg.get("aria-labelledby") == "trend-kits-title" and svg.get("aria-describedby") == "trend-kits-desc"
    )
    assert svg.find(f"{SVG}title").text == "Naloxone kits"
    assert svg.find(f"{SVG}desc").text == "Kits. 2025-01: 600; 2025-02: suppressed; 2025-03: 1,234.5."
    bars = svg.findall(f"{SVG}rect")
    assert [bar.find(f"{SVG}title").text for bar in bars] == [
        "2025-01: 600",
        "2025-02: suppressed",
        "2025-03: 1,234.5",
    ]
    assert bars[1].get("fill") == "url(#trend-kits-hatch)"
    assert svg.find(f".//{SVG}pattern").get("id") == "trend-kits-hatch"
    assert float(bars[2].get("height")) > float(bars[0].get("height")) > float(bars[1].get("height")) > 0


def test_text_from_the_data_is_escaped():
    bars = svgcharts.bar_chart('t"><script>', "<script>alert(1)</script>", [("<b>", 1)], 'un"it', "A & B <i>")
    grid = svgcharts.area_grid("m'x", "<img src=x>", {"<z>": 3, "a&b": None}, "<desc>")
    markup = bars + grid
    assert "<script>" not in markup and "<b>" not in markup and "<img" not in markup and "<z>" not in markup
    assert "&lt;script&gt;" in markup and "A &amp; B &lt;i&gt;" in markup
    assert parsed(bars).get("aria-labelledby") == "t---script--title"
    assert parsed(grid).get("aria-labelledby") == "m-x-title"


def test_axis_steps_are_round_and_reach_the_highest_value():
    assert svgcharts._ticks(58) == [0, 20, 40, 60]
    assert svgcharts._ticks(3) == [0, 1, 2, 3]
    assert svgcharts._ticks(2000) == [0, 500, 1000, 1500, 2000]
    assert svgcharts._ticks(0) == [0, 1]
    assert svgcharts._ticks(0.9) == [0, 0.25, 0.5, 0.75, 1.0]


def test_a_chart_with_no_periods_is_still_a_chart():
    svg = parsed(svgcharts.bar_chart("empty", "Nothing yet", [], "", "No periods"))
    assert svg.find(f"{SVG}desc").text == "No periods."
    assert svg.findall(f"{SVG}rect") == []


def test_area_grid_shades_by_value_and_hatches_hidden_areas():
    svg = parsed(
        svgcharts.area_grid("map", "Kits by area, 2025-06", {"152": 40, "153": None, "154": 10}, "Map")
    )
    assert svg.find(f"{SVG}desc").text == "Map. 152: 40; 153: suppressed; 154: 10."
    cells = {cell.find(f"{SVG}title").text.split(":")[0]: cell for cell in svg.findall(f"{SVG}rect")}
    assert cells["152"].get("fill") == svgcharts.blue(0.95)
    assert cells["154"].get("fill") == svgcharts.blue(0.15 + 0.8 * 0.25)
    assert cells["153"].get("fill") == "url(#map-hatch)"
    labels = {t.text: t for t in svg.findall(f"{SVG}text")}
    assert labels["152"].get("fill") == "#fff" and labels["154"].get("fill") == "#000"
    assert [t.text for t in svg.findall(f"{SVG}text")][1:] == ["152", "40", "153", "*", "154", "10"]


@pytest.mark.parametrize(("fraction", "stop"), [(0.0, 0), (0.5, 4), (1.0, 8)])
def test_map_colours_are_the_blues_scale(fraction, stop):
    assert svgcharts.blue(fraction) == svgcharts.BLUES[stop]


def test_count_axes_show_whole_numbers():
    assert svgcharts._ticks(0.2, whole=True) == [0, 1]
    assert svgcharts._ticks(3, whole=True) == [0, 1, 2, 3]
    assert svgcharts._ticks(9, whole=True) == [0, 5, 10]
    svg = parsed(
        svgcharts.bar_chart("people", "People", [("2025-01", 1), ("2025-02", 0)], "people", "People")
    )
    labels = [t.text for t in svg.findall(f"{SVG}text")][1:]
    assert "0.5" not in labels and "0.25" not in labels and "1" in labels


def test_the_pdf_draws_the_same_shapes_as_the_page():
    from reportlab.graphics.shapes import Rect, String

    from meetpoint.outcomes import pdf

    chart = svgcharts.bar_layout(
        "k", "Kits", [("2025-01", 4), ("2025-02", None), ("2025-03", 9)], "kits", "Kits"
    )
    picture = pdf.drawing(chart, 468)
    flat = list(picture.getContents()[0].getContents())
    strings = [s.text for s in flat if isinstance(s, String)]
    assert "Kits" in strings and "2025-01" in strings and "2025-03" in strings
    fills = [r.fillColor.hexval() for r in flat if isinstance(r, Rect) and r.fillColor is not None]
    assert fills.count("0x" + svgcharts.BRAND[1:]) == 2  # two bars; the suppressed one is hatched
