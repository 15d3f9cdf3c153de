"""The coalition's combined report over a closed period (for example the partners' last 180 days): every
partner whose agreement covers the whole period, with the per-partner breakdown, built only from the
disclosure-controlled packages the coalition received (current ones: a correction replaces, a withdrawal
removes). Like the dashboard it can reveal nothing the coalition does not already hold.

A partner's figure for the period adds its packages' figures (each counted once, see dashboard.partner_figures);
where one of them is suppressed the sum is a lower bound ("≥"). Counts of distinct people are added over
periods as they are (a person seen in two months counts twice) and say so; rates are not added.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from meetpoint import indicators as indicator_registry
from meetpoint.outcomes import queries, reports
from meetpoint.outcomes.dashboard import Combined, partner_figures
from meetpoint.outcomes.reports import ReportError, max_report_days, report_order


@dataclass
class CombinedRow:
    code: str
    name: str
    unit: str
    total: Combined
    by_partner: dict[str, Combined]
    distinct: bool  # a count of distinct people: the parts' sum counts a person once per period and partner

    @property
    def shown(self) -> str:
        return self.total.shown


@dataclass
class CombinedReport:
    organization: object
    start: date
    end: date
    partners: list[str]
    periods: list[str]
    rows: list[CombinedRow]
    left_out: list[str] = field(default_factory=list)  # partners whose packages do not cover the period
    notes: list[str] = field(default_factory=list)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def partner_cell(self, row: CombinedRow, partner: str) -> str:
        cell = row.by_partner.get(partner)
        return cell.shown if cell is not None else "—"

    @property
    def table(self) -> list[tuple[CombinedRow, list[str]]]:
        return [(row, [self.partner_cell(row, partner) for partner in self.partners]) for row in self.rows]

    def as_dict(self) -> dict:
        return {
            "organization": {"id": str(self.organization.pk), "name": self.organization.name},
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "days": self.days,
            "periods": self.periods,
            "partners": self.partners,
            "left_out": self.left_out,
            "notes": self.notes,
            "indicators": [
                {
                    "code": row.code,
                    "name": row.name,
                    "unit": row.unit,
                    "distinct_people_added_over_periods": row.distinct,
                    "total": row.total.number,
                    "lower_bound": row.total.partial,
                    "by_partner": [
                        {
                            "partner": partner,
                            "value": row.by_partner[partner].number if partner in row.by_partner else None,
                            "lower_bound": row.by_partner[partner].partial
                            if partner in row.by_partner
                            else False,
                        }
                        for partner in self.partners
                    ],
                }
                for row in self.rows
            ],
        }


def _covers(agreement, start: date, end: date) -> bool:
    """The agreement was in force over the whole period (accepted, valid, and not ended before it closed)."""
    return bool(
        agreement.sharer_accepted_at
        and agreement.recipient_accepted_at
        and agreement.valid_from <= start
        and (agreement.valid_until is None or end <= agreement.valid_until)
        and (agreement.ended_at is None or timezone.localdate(agreement.ended_at) > end)
    )


def _tiles(periods: list[tuple[date, date]], start: date, end: date) -> bool:
    day = start
    for first, last in sorted(periods):
        if first != day:
            return False
        day = last + timedelta(days=1)
    return day == end + timedelta(days=1)


def build_combined(membership, start: date, end: date, *, today: date | None = None) -> CombinedReport:
    """The combined report of [start, end]; a ReportError says what is wrong with the period."""
    today = today or timezone.localdate()
    if end < start:
        raise ReportError(
            _("The end date %(end)s is before the start date %(start)s.") % {"end": end, "start": start}
        )
    if end >= today:
        raise ReportError(
            _("The period is still open: it must end before today (%(today)s).")
            % {"today": today.isoformat()}
        )
    if (end - start).days + 1 > max_report_days():
        raise ReportError(_("Reports cover at most %(days)s days.") % {"days": max_report_days()})
    received = list(
        queries.current_inbox(membership)
        .filter(period_start__lte=end, period_end__gte=start)
        .select_related("agreement__sharer")
        .order_by("period_start")
    )
    if not received:
        first = (
            queries.current_inbox(membership).order_by("period_start").values_list("period_start", flat=True)
        )
        since = first.first()
        if since is None:  # nothing received yet: an empty report, not an error
            return CombinedReport(
                membership.organization, start, end, [], [], [], notes=[_("No packages received yet.")]
            )
        raise ReportError(
            _("No partner's figures cover this period; the data starts on %(day)s.")
            % {"day": since.isoformat()}
            if since and since > end
            else _("No partner's figures cover this period.")
        )
    by_partner: dict[object, list] = {}
    for package in received:
        by_partner.setdefault(package.agreement.sharer_id, []).append(package)
    kept, left_out, bounds = [], [], set()
    for packages in by_partner.values():
        sharer = packages[0].agreement.sharer
        inside = [p for p in packages if start <= p.period_start and p.period_end <= end]
        bounds.update((p.period_start, p.period_end) for p in packages)
        covered = {(p.period_start, p.period_end) for p in inside}
        if _tiles(list(covered), start, end) and all(_covers(p.agreement, start, end) for p in inside):
            kept.extend(inside)
        else:
            left_out.append(sharer.name)
    if not kept:
        starts = sorted({first for first, _last in bounds if first >= start})
        ends = sorted({last for _first, last in bounds if last <= end})
        hint = (
            _(" For example from %(start)s to %(end)s.") % {"start": starts[0], "end": ends[-1]}
            if starts and ends and starts[0] < ends[-1]
            else ""
        )
        raise ReportError(
            _(
                "No partner's delivered periods make up exactly %(start)s to %(end)s: choose a period made of "
                "whole delivered periods that every partner's agreement covers."
            )
            % {"start": start.isoformat(), "end": end.isoformat()}
            + hint
        )
    registry = indicator_registry.registry
    partners = sorted({p.agreement.sharer.name for p in kept})
    totals: dict[str, Combined] = {}
    parts: dict[str, dict[str, Combined]] = {}
    names: dict[str, tuple[str, str]] = {}
    for (_sharer, _label, code), (package, table) in partner_figures(kept).items():
        if table.get("rate"):
            continue
        names.setdefault(code, (table["name"], table["unit"]))
        partner = package.agreement.sharer.name
        parts.setdefault(code, {}).setdefault(partner, Combined()).add(table["total"])
        totals.setdefault(code, Combined()).add(table["total"])
    rows = [
        CombinedRow(
            code,
            names[code][0],
            names[code][1],
            totals[code],
            parts[code],
            distinct=code in registry and not registry[code].additive,
        )
        for code in report_order(totals)
    ]
    notes = []
    if any(row.distinct for row in rows):
        notes.append(
            _(
                "Counts of distinct people are added over periods and partners as delivered: a person seen in two "
                "months, or by two partners, counts twice."
            )
        )
    if left_out:
        notes.append(
            _("Left out, because their delivered figures do not cover the whole period: %(partners)s.")
            % {"partners": ", ".join(sorted(left_out))}
        )
    corrected = sorted({p.agreement.sharer.name for p in kept if p.corrects_id})
    if corrected:
        notes.append(_("Includes corrected figures from: %(partners)s.") % {"partners": ", ".join(corrected)})
    periods = sorted({p.period_label for p in kept})
    return CombinedReport(
        membership.organization, start, end, partners, periods, rows, sorted(left_out), notes
    )


def key_sentence(report: CombinedReport) -> str:
    """'Across 3 partners, in 183 days: 4,876 naloxone kits distributed, …' (key figures only, ≥ where partial)."""
    parts = []
    for row in report.rows:
        if row.code in reports.KEY_FIGURES and row.total.number:
            text = reports.KEY_FIGURES[row.code] % {"count": row.total.number, "shown": row.total.shown}
            parts.append(text)
    if not parts:
        return ""
    return _("Across %(partners)s partners, in %(days)s days: %(items)s.") % {
        "partners": len(report.partners),
        "days": report.days,
        "items": "; ".join(parts),
    }
