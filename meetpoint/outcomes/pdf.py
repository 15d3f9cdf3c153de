"""PDF documents of reports and the coalition dashboard, laid out by reportlab's platypus: flowing paragraphs,
real tables (their header row repeated on each page), the same charts as the pages (svgcharts' shapes drawn as
vectors), and page breaks where the content needs them, so nothing is ever cut. US Letter by default.

reportlab is imported here only, and this module only when a PDF is asked for (never at start-up).
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.graphics.shapes import Drawing, Group, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, letter
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable

from meetpoint.outcomes import svgcharts

rl_config.useA85 = 0  # streams stay binary (compressed): smaller files, no ASCII85 pass
rl_config.shapeChecking = 0  # our shapes are built from checked layouts: skip the per-attribute validation

PAGE_SIZES = {"letter": letter, "a4": A4}
_FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))


def _fonts() -> tuple[str, str, bool]:
    """DejaVu Sans where the system has it (it has '≥', '—', '→' and every Latin letter), else Bitstream Vera,
    which ships with reportlab. Returns (regular, bold, full glyph set)."""
    if "MeetpointSans" in pdfmetrics.getRegisteredFontNames():
        return "MeetpointSans", "MeetpointSans-Bold", _fonts.full  # type: ignore[attr-defined]
    for folder in _FONT_DIRS:
        if (folder / "DejaVuSans.ttf").exists() and (folder / "DejaVuSans-Bold.ttf").exists():
            regular, bold, full = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf", True
            break
    else:
        import reportlab

        base = Path(reportlab.__file__).parent / "fonts"
        regular, bold, full = base / "Vera.ttf", base / "VeraBd.ttf", False
    pdfmetrics.registerFont(TTFont("MeetpointSans", str(regular)))
    pdfmetrics.registerFont(TTFont("MeetpointSans-Bold", str(bold)))
    _fonts.full = full  # type: ignore[attr-defined]
    return "MeetpointSans", "MeetpointSans-Bold", full


def _plain(text: str, full: bool) -> str:
    if full:
        return text
    return text.replace("≥", ">=").replace("—", "-").replace("–", "-").replace("→", "->")


# ---- What a document is made of ----------------------------------------------------------------------------


@dataclass
class Heading:
    text: str
    level: int = 2


@dataclass
class Para:
    text: str
    muted: bool = False


@dataclass
class Grid:
    """A table: a header row and body rows of text; numeric columns are right-aligned."""

    header: list[str]
    rows: list[list[str]]
    numeric: tuple[int, ...] = ()


@dataclass
class ChartBlock:
    chart: svgcharts.Chart


# ---- Charts as vector drawings -----------------------------------------------------------------------------


def _hatch(rect: svgcharts.Rect, height: float) -> list:
    """A suppressed bar or cell: a white box outlined and crossed by 45° lines, like the pages' pattern."""
    y = height - rect.y - rect.height
    shapes = [
        Rect(rect.x, y, rect.width, rect.height, fillColor=colors.white, strokeColor=_hex(svgcharts.HATCH))
    ]
    step = 6.0
    for k in range(1, math.ceil((rect.width + rect.height) / step)):
        offset = k * step  # the line x - y' = offset - height, clipped to the box
        x1, y1 = max(0.0, offset - rect.height), min(rect.height, offset)
        x2, y2 = min(rect.width, offset), max(0.0, offset - rect.width)
        shapes.append(
            Line(rect.x + x1, y + y1, rect.x + x2, y + y2, strokeColor=_hex(svgcharts.HATCH), strokeWidth=1)
        )
    return shapes


def _hex(value: str):
    return colors.HexColor(value)


def drawing(chart: svgcharts.Chart, width: float) -> Drawing:
    """The chart's shapes as a reportlab Drawing `width` points wide (y flipped: PDF y grows upwards)."""
    regular, bold, full = _fonts()
    height = chart.height
    group = Group()
    for shape in chart.shapes:
        if isinstance(shape, svgcharts.Rect):
            if shape.fill is None:
                for piece in _hatch(shape, height):
                    group.add(piece)
            else:
                group.add(
                    Rect(
                        shape.x,
                        height - shape.y - shape.height,
                        shape.width,
                        shape.height,
                        fillColor=_hex(shape.fill),
                        strokeColor=None,
                    )
                )
        elif isinstance(shape, svgcharts.Line):
            group.add(
                Line(shape.x1, height - shape.y1, shape.x2, height - shape.y2, strokeColor=_hex(shape.color))
            )
        else:
            text = String(
                0 if shape.rotate else shape.x,
                0 if shape.rotate else height - shape.y,
                _plain(shape.text, full),
                fontName=bold if shape.bold else regular,
                fontSize=shape.size,
                fillColor=_hex(shape.color),
                textAnchor=shape.anchor,
            )
            if shape.rotate:
                turned = Group(text)
                turned.translate(shape.x + 4, height - shape.y)
                turned.rotate(90)
                group.add(turned)
            else:
                group.add(text)
    scale = width / svgcharts.WIDTH
    group.scale(scale, scale)
    picture = Drawing(width, height * scale)
    picture.add(group)
    return picture


class _Chart(Flowable):
    def __init__(self, chart: svgcharts.Chart) -> None:
        super().__init__()
        self.chart = chart

    def wrap(self, available_width, available_height):
        self.picture = drawing(self.chart, available_width)
        return self.picture.width, self.picture.height

    def draw(self):
        self.picture.drawOn(self.canv, 0, 0)


# ---- The document ------------------------------------------------------------------------------------------


def document(title: str, blocks: list, *, page_size: str = "letter", subject: str = "") -> bytes:
    """A PDF of the blocks, in order, on as many pages as they need."""
    regular, bold, full = _fonts()
    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["BodyText"], fontName=regular, fontSize=9.5, leading=13)
    muted = ParagraphStyle("muted", parent=body, textColor=_hex(svgcharts.AXIS), fontSize=8.5, leading=11)
    headings = {
        1: ParagraphStyle("h1", parent=base["Heading1"], fontName=bold, fontSize=16, leading=20),
        2: ParagraphStyle("h2", parent=base["Heading2"], fontName=bold, fontSize=12.5, leading=16),
        3: ParagraphStyle("h3", parent=base["Heading3"], fontName=bold, fontSize=10.5, leading=14),
    }
    cell = ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5)
    number_cell = ParagraphStyle("number", parent=cell, alignment=2)
    head_cell = ParagraphStyle("head", parent=cell, fontName=bold)
    buffer = io.BytesIO()
    page = PAGE_SIZES.get(page_size, letter)
    frame_width = page[0] - 1.5 * inch

    def flow(block):
        if isinstance(block, Heading):
            return [
                CondPageBreak(1.2 * inch),
                Paragraph(escape(_plain(block.text, full)), headings[block.level]),
            ]
        if isinstance(block, Para):
            return [Paragraph(escape(_plain(block.text, full)), muted if block.muted else body)]
        if isinstance(block, ChartBlock):
            return [KeepTogether([_Chart(block.chart), Spacer(1, 6)])]
        if isinstance(block, Grid):

            def row(values, header=False):
                return [
                    Paragraph(
                        escape(_plain(str(v), full)),
                        head_cell if header else (number_cell if i in block.numeric else cell),
                    )
                    for i, v in enumerate(values)
                ]

            columns = len(block.header)
            first = frame_width * (0.42 if columns > 2 else 0.6)
            widths = [first] + [(frame_width - first) / max(1, columns - 1)] * (columns - 1)
            table = Table(
                [row(block.header, True)] + [row(r) for r in block.rows],
                colWidths=widths,
                repeatRows=1,
            )
            table.setStyle(
                TableStyle(
                    [
                        ("LINEBELOW", (0, 0), (-1, 0), 0.8, _hex(svgcharts.AXIS)),
                        ("LINEBELOW", (0, 1), (-1, -1), 0.3, _hex(svgcharts.GRID)),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("TOPPADDING", (0, 0), (-1, -1), 2),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                    ]
                )
            )
            return [table, Spacer(1, 8)]
        raise TypeError(f"not a PDF block: {block!r}")

    story = [Paragraph(escape(_plain(title, full)), headings[1])]
    for block in blocks:
        story.extend(flow(block))
    pdf = SimpleDocTemplate(
        buffer,
        pagesize=page,
        leftMargin=0.75 * inch,
        rightMargin=0.75 * inch,
        topMargin=0.7 * inch,
        bottomMargin=0.7 * inch,
        title=title,
        subject=subject,
        author="Meetpoint",
    )

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(regular, 7.5)
        canvas.setFillColor(_hex(svgcharts.AXIS))
        canvas.drawRightString(page[0] - 0.75 * inch, 0.45 * inch, f"{_plain(title, full)} · {doc.page}")
        canvas.restoreState()

    pdf.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
