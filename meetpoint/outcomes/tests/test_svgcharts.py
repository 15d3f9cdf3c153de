"""The hand-written SVG charts of the dashboard page: well-formed, escaped, readable without the picture, and in
the PDF charts' colours."""

import xml.etree.ElementTree as ET

import matplotlib
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
    assert [s.text for s in svg.iter(f"{SVG}tspan")] == ["40", "*", "10"]


@pytest.mark.parametrize("fraction", [0.0, 0.15, 0.3, 0.5, 0.62, 0.8, 0.95, 1.0])
def test_map_colours_are_matplotlibs_blues_of_the_pdf(fraction):
    expected = matplotlib.colormaps["Blues"](fraction)  # a float: an int would be an index
    drawn = svgcharts.blue(fraction)
    channels = [int(drawn[k : k + 2], 16) for k in (1, 3, 5)]
    assert all(abs(c - round(e * 255)) <= 2 for c, e in zip(channels, expected[:3], strict=True))
