"""Report and release downloads: JSON, CSV, XLSX (openpyxl) and PDF (reportlab, through pdf.py, with the pages'
charts). Every report or package that leaves this way is logged (`log_report_export`, `log_package_export`).
openpyxl and reportlab are imported when a file of their kind is asked for, not at start-up."""

from __future__ import annotations

import io
import json

from django.utils.translation import gettext as _

from meetpoint import spreadsheet_cells
from meetpoint.accounts import audit
from meetpoint.outcomes import svgcharts
from meetpoint.outcomes.reports import Report, format_value

FORMATS = ("json", "csv", "xlsx", "pdf")
CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
CSV_HEADER = [
    "organization",
    "site",
    "program",
    "from",
    "to",
    "indicator",
    "name",
    "unit",
    "breakdown",
    "key",
    "value",
    "previous_period_value",
    "note",
]


def report_rows(report: Report) -> list[list]:
    """The report flattened under one plain header row: one row per indicator and breakdown (total, each site,
    each trend bucket). Where the report was made (organization, site, program, dates) is in columns of every
    row, so the file is a plain table; counts are integers."""
    where = [
        report.organization.name,
        report.site.name if report.site else "",
        report.service.name if report.service else "",
        report.start.isoformat(),
        report.end.isoformat(),
    ]
    rows = [list(CSV_HEADER)]
    for row in report.rows:
        note = "" if row.splits_by_site else "cannot be split by site"
        rows.append([*where, row.code, row.name, row.unit, "total", "", row.value, row.previous, note])
        for site, value in row.by_site.items():
            rows.append(
                [*where, row.code, row.name, row.unit, "site", report.sites.get(site, site), value, "", ""]
            )
        for label, value in row.trend:
            rows.append([*where, row.code, row.name, row.unit, report.trend_grain, label, value, "", ""])
    for name in report.not_by_site:
        rows.append([*where, "", name, "", "not shown", "", "", "", "cannot be split by site"])
    for name in report.hidden:
        rows.append([*where, "", name, "", "not shown", "", "", "", "cannot be split by program"])
    return rows


def report_file(report: Report, kind: str) -> bytes:
    if kind == "json":
        return json.dumps(report.as_dict(), indent=2).encode()
    if kind == "csv":
        buffer = io.StringIO()
        spreadsheet_cells.csv_writer(buffer).writerows(report_rows(report))
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
    from openpyxl import Workbook

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


def _change(row) -> str:
    return "—" if row.change is None else f"{row.change:+.1f}%"


def report_blocks(report: Report) -> list:
    """The report page as PDF blocks: the same sections, tables and charts, in the same order."""
    from meetpoint.outcomes import pdf

    blocks = [
        pdf.Para(
            _("%(start)s to %(end)s (%(days)s days); previous period %(pstart)s to %(pend)s.")
            % {
                "start": report.start.isoformat(),
                "end": report.end.isoformat(),
                "days": report.days,
                "pstart": report.previous_start.isoformat(),
                "pend": report.previous_end.isoformat(),
            },
            muted=True,
        ),
        pdf.Para(report.summary),
    ]
    if report.not_by_site:
        blocks.append(
            pdf.Para(_("Cannot be split by site (not shown): ") + ", ".join(report.not_by_site) + ".")
        )
    if report.hidden:
        blocks.append(
            pdf.Para(_("Cannot be split by program (not shown): ") + ", ".join(report.hidden) + ".")
        )
    blocks.append(pdf.Heading(_("By item, with the previous period")))
    blocks.append(
        pdf.Grid(
            [_("Indicator"), _("Unit"), _("This period"), _("Previous period"), _("Change")],
            [
                [row.name, row.unit, format_value(row.value), format_value(row.previous), _change(row)]
                for row in report.active_rows
            ]
            or [[_("No activity recorded in this period or the previous one."), "", "", "", ""]],
            numeric=(2, 3, 4),
        )
    )
    if report.idle_rows:
        blocks.append(
            pdf.Para(
                _("No activity in either period: ") + ", ".join(row.name for row in report.idle_rows),
                muted=True,
            )
        )
    site_rows = [
        [row.name, report.sites.get(site, site), format_value(value)]
        for row in report.active_rows
        for site, value in row.by_site.items()
    ]
    blocks.append(pdf.Heading(_("By site")))
    blocks.append(
        pdf.Grid([_("Indicator"), _("Site"), _("Value")], site_rows or [["—", "", ""]], numeric=(2,))
    )
    blocks.append(pdf.Heading(_("Trend by %(grain)s") % {"grain": report.trend_grain}))
    blocks.extend(pdf.ChartBlock(chart) for chart in report_charts(report))
    return blocks


def report_charts(report: Report) -> list[svgcharts.Chart]:
    """The report's trend charts (page and PDF alike)."""
    return [
        svgcharts.bar_layout(
            f"trend-{row.code}",
            row.name,
            row.trend,
            row.unit,
            _("%(indicator)s per %(grain)s") % {"indicator": row.name, "grain": report.trend_grain},
        )
        for row in report.chart_rows()
        if row.trend
    ]


def report_pdf(report: Report, page_size: str = "letter") -> bytes:
    from meetpoint.outcomes import pdf

    return pdf.document(
        _("Report: %(subject)s") % {"subject": report.subject}, report_blocks(report), page_size=page_size
    )


def dashboard_pdf(board, organization_name: str, page_size: str = "letter") -> bytes:
    """The coalition dashboard as a PDF: the by-partner table as a table, the notes, the map and every trend."""
    from meetpoint.outcomes import pdf

    names = [i["name"] for i in board.indicators]
    rows = [
        [partner, *[str(cell) if cell != "" else "—" for cell in cells]]
        for partner, cells in board.partner_rows
    ]
    rows.append([_("All partners"), *[cell or "—" for cell in board.combined_cells]])
    blocks = [
        pdf.Para(
            _("Combined figures shared with %(organization)s under agreements in force.")
            % {"organization": organization_name}
        ),
        pdf.Para(
            _("Partners: %(partners)s. Period shown: %(period)s.")
            % {"partners": ", ".join(board.partners) or _("none yet"), "period": board.period or "—"}
        ),
        pdf.Para(
            _("'*' is a suppressed cell; '≥' marks a combined figure that leaves out suppressed cells."),
            muted=True,
        ),
        *[pdf.Para(note) for note in board.notes],
        pdf.Heading(_("By partner, %(period)s") % {"period": board.period or "—"}),
    ]
    # One table per group of indicators, so that a wide table never runs off the page.
    for start in range(0, max(1, len(names)), 4):
        chunk = slice(start, start + 4)
        blocks.append(
            pdf.Grid(
                [_("Partner"), *names[chunk]],
                [[row[0], *row[1:][chunk]] for row in rows],
                numeric=tuple(range(1, 1 + len(names[chunk]))),
            )
        )
    charts = board.chart_layouts()
    if charts["map"] is not None:
        blocks += [pdf.Heading(_("Map by area")), pdf.ChartBlock(charts["map"])]
    blocks.append(pdf.Heading(_("Trends, all partners")))
    blocks.extend(pdf.ChartBlock(chart) for chart in charts["trends"])
    return pdf.document(_("Coalition dashboard"), blocks, page_size=page_size)


def combined_file(report, kind: str) -> bytes:
    """The combined report as JSON, CSV (one plain header row; a row per indicator and partner, then the total)
    or PDF."""
    if kind == "json":
        return json.dumps(report.as_dict(), indent=2).encode()
    if kind == "csv":
        buffer = io.StringIO()
        writer = spreadsheet_cells.csv_writer(buffer)
        writer.writerow(
            ["from", "to", "indicator", "name", "unit", "partner", "value", "lower_bound", "note"]
        )
        for row in report.rows:
            note = "distinct people added over periods" if row.distinct else ""
            for partner in report.partners:
                cell = row.by_partner.get(partner)
                value = "" if cell is None else ("*" if cell.number is None else cell.number)
                lower = "" if cell is None else str(cell.partial).lower()
                writer.writerow(
                    [report.start, report.end, row.code, row.name, row.unit, partner, value, lower, note]
                )
            total = "*" if row.total.number is None else row.total.number
            writer.writerow(
                [report.start, report.end, row.code, row.name, row.unit, "All partners", total,
                 str(row.total.partial).lower(), note]
            )  # fmt: skip
        return buffer.getvalue().encode()
    if kind == "pdf":
        return combined_pdf(report)
    raise ValueError("format must be one of json, csv, pdf")


def combined_pdf(report, page_size: str = "letter") -> bytes:
    from meetpoint.outcomes import combined, pdf

    blocks = [
        pdf.Para(
            _("%(start)s to %(end)s (%(days)s days); periods %(periods)s.")
            % {
                "start": report.start.isoformat(),
                "end": report.end.isoformat(),
                "days": report.days,
                "periods": ", ".join(report.periods),
            },
            muted=True,
        ),
        pdf.Para(combined.key_sentence(report) or _("No figures.")),
        pdf.Para(
            _("'*' is a suppressed cell; '≥' marks a figure that leaves out suppressed cells."), muted=True
        ),
        *[pdf.Para(note) for note in report.notes],
        pdf.Heading(_("All partners")),
        pdf.Grid(
            [_("Indicator"), _("Unit"), _("All partners")],
            [[row.name, row.unit, row.shown] for row in report.rows],
            numeric=(2,),
        ),
        pdf.Heading(_("By partner")),
    ]
    for start in range(0, max(1, len(report.partners)), 3):
        partners = report.partners[start : start + 3]
        blocks.append(
            pdf.Grid(
                [_("Indicator"), *partners],
                [[row.name, *[report.partner_cell(row, p) for p in partners]] for row in report.rows],
                numeric=tuple(range(1, 1 + len(partners))),
            )
        )
    title = _("Combined report: %(organization)s") % {"organization": report.organization.name}
    return pdf.document(title, blocks, page_size=page_size)


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
