"""Report and release downloads: JSON, CSV, XLSX (openpyxl) and PDF (matplotlib's PDF backend, with charts).
Every report or package that leaves this way is logged (`log_report_export`, `log_package_export`)."""

from __future__ import annotations

import io
import json
import textwrap

import matplotlib.image as mpimg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from openpyxl import Workbook

from meetpoint import spreadsheet_cells
from meetpoint.accounts import audit
from meetpoint.outcomes import charts
from meetpoint.outcomes.reports import Report, format_value

FORMATS = ("json", "csv", "xlsx", "pdf")
CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def report_rows(report: Report) -> list[list]:
    """The report flattened: one row per indicator and breakdown (total, each site, each trend bucket)."""
    rows = [["indicator", "name", "unit", "breakdown", "key", "value", "previous_period_value"]]
    for row in report.rows:
        rows.append([row.code, row.name, row.unit, "total", "", row.value, row.previous])
        for site, value in row.by_site.items():
            rows.append([row.code, row.name, row.unit, "site", report.sites.get(site, site), value, ""])
        for label, value in row.trend:
            rows.append([row.code, row.name, row.unit, report.trend_grain, label, value, ""])
    return rows


def report_file(report: Report, kind: str) -> bytes:
    if kind == "json":
        return json.dumps(report.as_dict(), indent=2).encode()
    if kind == "csv":
        buffer = io.StringIO()
        writer = spreadsheet_cells.csv_writer(buffer)
        writer.writerow(["# " + report.summary])
        writer.writerows(report_rows(report))
        return buffer.getvalue().encode()
    if kind == "xlsx":
        return _xlsx(report)
    if kind == "pdf":
        return report_pdf(report)
    raise ValueError(f"format must be one of {', '.join(FORMATS)}")


def log_report_export(report: Report, kind: str, *, via: str, request=None, membership=None) -> None:
    """Logs a report leaving Meetpoint: which organization's report, which period, site or program, which format,
    and how: "download", "api", or the file a command wrote (a command passes neither request nor membership)."""
    detail = {
        "format": kind,
        "from": report.start.isoformat(),
        "to": report.end.isoformat(),
        "site": str(report.site.pk) if report.site else "",
        "service": str(report.service.pk) if report.service else "",
    }
    if request is None and membership is None:
        audit.record_command(
            "outcomes.report.export",
            command="report",
            organization=report.organization,
            detail={**detail, "file": via},
        )
    else:
        audit.record(
            "outcomes.report.export", request=request, membership=membership, detail={**detail, "via": via}
        )


def log_package_export(package, kind: str, *, via: str, request=None, membership=None) -> None:
    """Logs a received data-sharing package being downloaded or fetched by the recipient."""
    audit.record(
        "outcomes.package.export",
        request=request,
        membership=membership,
        obj=package,
        detail={"format": kind, "via": via, "period": package.period_label, "checksum": package.checksum},
    )


def _xlsx(report: Report) -> bytes:
    book = Workbook()
    summary = book.active
    summary.title = "Summary"
    summary.append([report.subject])
    summary.append([f"{report.start.isoformat()} to {report.end.isoformat()}"])
    summary.append([report.summary])
    summary.append([])
    summary.append(["Indicator", "Unit", "Value", "Previous period", "Change %"])
    for row in report.rows:
        summary.append([row.name, row.unit, row.value, row.previous, row.change])
    detail = book.create_sheet("Detail")
    for line in report_rows(report):
        detail.append(line)
    spreadsheet_cells.safe_workbook(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _text_page(title: str, lines: list[str]) -> Figure:
    page = Figure(figsize=(8.27, 11.69))  # A4 portrait
    y = 0.95
    page.text(0.07, y, title, fontsize=15, weight="bold", va="top")
    y -= 0.05
    for line in lines:
        for piece in textwrap.wrap(line, 95) or [""]:
            page.text(0.07, y, piece, fontsize=9, va="top", family="DejaVu Sans")
            y -= 0.022
            if y < 0.05:
                return page
    return page


def pdf_document(title: str, lines: list[str], figures: list[Figure]) -> bytes:
    buffer = io.BytesIO()
    with PdfPages(buffer) as pdf:
        pdf.savefig(_text_page(title, lines))
        for i in range(0, len(figures), 3):  # three charts a page
            page = Figure(figsize=(8.27, 11.69))
            for j, chart in enumerate(figures[i : i + 3]):
                png = io.BytesIO()
                chart.savefig(png, format="png", dpi=150)
                png.seek(0)
                axes = page.add_axes((0.05, 0.68 - j * 0.31, 0.9, 0.28))
                axes.imshow(mpimg.imread(png))
                axes.set_axis_off()
            pdf.savefig(page)
        info = pdf.infodict()
        info["Title"] = title
    return buffer.getvalue()


def report_pdf(report: Report) -> bytes:
    lines = [
        f"{report.start.isoformat()} to {report.end.isoformat()} ({report.days} days); previous period "
        f"{report.previous_start.isoformat()} to {report.previous_end.isoformat()}.",
        "",
        report.summary,
        "",
        "Indicator — value (previous period, change)",
    ]
    for row in report.active_rows:
        change = "" if row.change is None else f", {row.change:+.1f}%"
        lines.append(
            f"  {row.name}: {format_value(row.value)} {row.unit} ({format_value(row.previous)}{change})"
        )
    if any(row.by_site for row in report.active_rows):
        lines += ["", "By site"]
        for row in report.active_rows:
            for site, value in row.by_site.items():
                lines.append(f"  {row.name} — {report.sites.get(site, site)}: {format_value(value)}")
    if report.idle_rows:
        lines += ["", "No activity in either period: " + ", ".join(row.name for row in report.idle_rows)]
    figures = [charts.trend_figure(row.name, row.trend, row.unit) for row in report.chart_rows() if row.trend]
    return pdf_document(f"Report: {report.subject}", lines, figures)


def release_csv(contents: dict) -> bytes:
    """A release as CSV: one row per indicator and place, the total last; '*' marks a suppressed cell."""
    buffer = io.StringIO()
    writer = spreadsheet_cells.csv_writer(buffer)
    writer.writerow(["period", "indicator", "name", "unit", "place", "value", "note"])
    period = contents["period"]["label"]
    for table in contents["tables"]:
        note = table.get("reason", "")
        for row in table.get("rows", []):
            writer.writerow(
                [period, table["indicator"], table["name"], table["unit"], row["place"], row["value"], ""]
            )
        writer.writerow(
            [period, table["indicator"], table["name"], table["unit"], "Total", table["total"], note]
        )
    return buffer.getvalue().encode()
