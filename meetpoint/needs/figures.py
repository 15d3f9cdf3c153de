"""Reach and overdoses by area for one fixed period, with the small-number rule made safe against subtraction.

Needs figures come only by calendar month, quarter or year that has ended (periods.py); any member may ask
for any of them, so the rule must hold across all of them at once. A count from 1 to K-1 is hidden ("<K").
A quarter's figure is also hidden ("*") when any of its months is hidden, and a year's when any of its
quarters is: then every equation that holds a hidden figure (quarter = its months, year = its quarters)
has a hidden total with nothing above it, so each hidden count can still take every value from 1 to K-1
(the attacker's LP range is the whole interval). The same holds for the "not placed in any area" figures.
"""

from dataclasses import dataclass, field

from meetpoint.needs.models import Area
from meetpoint.needs.reach import ReachTable, gather
from meetpoint.outcomes.disclosure import DEFAULT_THRESHOLD, SUPPRESSED_MARK, is_small
from meetpoint.outcomes.periods import Period, months_of, sub_periods

# Counts of people (and supplies) that the rule protects; trainings held are counts of events.
PROTECTED = frozenset({"encounters", "naloxone_kits", "overdoses"})
UNPLACED = "(unplaced)"


def protected_measure(measure: str) -> bool:
    return measure in PROTECTED or measure.startswith("sdoh:")


@dataclass
class PeriodFigures:
    table: ReachTable  # the period's counts (sums of its months)
    hidden: set = field(default_factory=set)  # (area code or UNPLACED, measure) whose count is not shown

    def shown(self, code: str, measure: str, count: float | None) -> str:
        if (code, measure) not in self.hidden:
            return "—" if count is None else f"{count:,.0f}"
        return f"<{DEFAULT_THRESHOLD}" if is_small(count) else SUPPRESSED_MARK


def figures(areas: list[Area], period: Period) -> PeriodFigures:
    """The period's figures by area, with what must be hidden. Reads each month of the period once."""
    months = months_of(period) if period.grain != "month" else [period]
    tables = {month: gather(areas, month.start, month.end) for month in months}

    def count(table: ReachTable, code: str, measure: str) -> float:
        if code == UNPLACED:
            return table.unplaced.get(measure, 0)
        return table.values.get(code, {}).get(measure, 0)

    def hidden(span: Period, code: str, measure: str) -> bool:
        total = sum(count(tables[m], code, measure) for m in months if span.contains(m))
        return is_small(total) or any(hidden(part, code, measure) for part in sub_periods(span))

    first = tables[months[0]]
    values = {area.code: {} for area in areas}
    unplaced: dict[str, float] = {}
    available = {m: list(codes) for m, codes in first.available.items()}
    for table in tables.values():
        for measure, codes in table.available.items():
            available.setdefault(measure, list(codes))
        for code, counts in table.values.items():
            for measure, value in counts.items():
                values[code][measure] = values[code].get(measure, 0) + value
        for measure, value in table.unplaced.items():
            unplaced[measure] = unplaced.get(measure, 0) + value
    table = ReachTable(values=values, available=available, unplaced=unplaced, sdoh=first.sdoh)
    protected = [m for m in available if protected_measure(m)]
    concealed = {
        (code, measure)
        for code in [*values, UNPLACED]
        for measure in protected
        if hidden(period, code, measure)
    }
    return PeriodFigures(table, concealed)
