"""Disclosure control: small-cell suppression, complementary suppression and the linear-programming audit.

Plain functions, no database. A release is a set of cells (each a count) tied together by equations
`total = sum(members)` (row totals, column totals, a quarter equal to the sum of its months, …). The rule:

* a count from 1 to K-1 is suppressed (primary); zero and K or more are shown; K is the threshold;
* while any equation has exactly one suppressed cell, the smallest other nonzero cell of it is suppressed too
  (complementary), so no total minus the published cells gives a hidden one back;
* then an attacker who knows the rule (a primary cell lies in [1, K-1], a complementary one is >= 0, every
  published cell and total is exact, every equation holds, including those linking this release with every
  release the recipient already holds) computes with linear programming the least and greatest value each
  suppressed cell can take. Every suppressed cell must keep at least ceil(K/2) possible integer values; while
  one does not, one more cell on its equations is suppressed; when nothing is left to suppress, the release is
  withheld with the reason.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

PRIMARY = "primary"
COMPLEMENTARY = "complementary"
# A figure the recipient never received but that the equations tie to what they hold (a month not released
# inside a released quarter, a category not shared beside its total). The server knows its true value; the
# attacker knows only that it is >= 0. It must keep ceil(K/2) possible values when it is a count of 1 to K-1.
UNRELEASED = "unreleased"
DEFAULT_THRESHOLD = 11
SUPPRESSED_MARK = "*"


@dataclass(frozen=True)
class Equation:
    """`total` equals the sum of `members`; or, when `partial`, is at least that sum (only some parts are
    known); or, when `distinct`, lies between the largest member and the sum (counts of distinct people: a
    person seen in two months or two areas is one person in the quarter or the county); both flags: at
    least the largest known member."""

    total: Hashable
    members: tuple
    partial: bool = False
    distinct: bool = False

    @property
    def exact(self) -> bool:
        return not (self.partial or self.distinct)


@dataclass
class HeldCell:
    """A cell of a release the recipient already holds: its published value, or how it was suppressed."""

    value: int | None
    status: str | None = None  # None (published), PRIMARY, COMPLEMENTARY or UNRELEASED (value: the truth)


@dataclass
class AuditFinding:
    key: Hashable
    low: float
    high: float

    @property
    def distinct_values(self) -> int | float:
        if math.isinf(self.high):
            return math.inf
        return math.floor(self.high + 1e-6) - math.ceil(self.low - 1e-6) + 1


@dataclass
class Protection:
    """The outcome of protecting one release: how each cell is shown, or why the release is withheld."""

    status: dict = field(default_factory=dict)  # key -> None (shown) | PRIMARY | COMPLEMENTARY
    withheld: bool = False
    reason: str = ""

    def shown(self, key: Hashable, value):
        return SUPPRESSED_MARK if self.withheld or self.status.get(key) else value

    @property
    def suppressed(self) -> set:
        return {key for key, status in self.status.items() if status}


def required_distinct_values(threshold: int) -> int:
    return math.ceil(threshold / 2)


def is_primary(value: int, threshold: int) -> bool:
    return 1 <= value <= threshold - 1


def is_small(value: float | None, threshold: int = DEFAULT_THRESHOLD) -> bool:
    """The small-number rule, for every page, API answer, export and chart: a count from 1 to K-1."""
    return value is not None and 0 < value < threshold


def small_count(value: float | None, threshold: int = DEFAULT_THRESHOLD) -> str:
    """A count as a shared page shows it: 1 to K-1 become "<K"; zero and K or more are shown; None is "—"."""
    if value is None:
        return "—"
    if is_small(value, threshold):
        return f"<{threshold}"
    return f"{value:,.0f}"


def audit(
    cells: dict[Hashable, HeldCell], equations: Iterable[Equation], threshold: int
) -> list[AuditFinding]:
    """The attacker's view: for every suppressed cell, the least and greatest value consistent with all
    published cells and equations. Returns the findings for cells with fewer than ceil(K/2) possible values."""
    # Imported here, not with the module: numpy and scipy cost every process a second to start, and only a
    # release with suppressed cells needs them.
    import numpy as np
    from scipy.optimize import linprog

    unknown = [key for key, cell in cells.items() if cell.status]
    if not unknown:
        return []
    index = {key: i for i, key in enumerate(unknown)}
    a_eq, b_eq, a_ub, b_ub = [], [], [], []
    for equation in equations:
        row = np.zeros(len(unknown))
        constant = 0.0  # sum(members) - total = 0, known values moved to the right
        for key, sign in [(m, 1.0) for m in equation.members] + [(equation.total, -1.0)]:
            cell = cells.get(key)
            if cell is None:
                raise ValueError(f"Equation names an unknown cell {key!r}.")
            if cell.status:
                row[index[key]] += sign
            else:
                constant -= sign * (cell.value or 0)
        if not row.any():
            continue
        if equation.exact:
            a_eq.append(row)
            b_eq.append(constant)
            continue
        if equation.partial and not equation.distinct:  # sum(members) - total <= 0
            a_ub.append(row)
            b_ub.append(constant)
        if equation.distinct and not equation.partial:  # total - sum(members) <= 0
            a_ub.append(-row)
            b_ub.append(-constant)
        if equation.distinct:  # member - total <= 0 for each member
            for member in equation.members:
                bound, known = np.zeros(len(unknown)), 0.0
                for key, sign in ((member, 1.0), (equation.total, -1.0)):
                    if cells[key].status:
                        bound[index[key]] += sign
                    else:
                        known -= sign * (cells[key].value or 0)
                if bound.any():
                    a_ub.append(bound)
                    b_ub.append(known)
    bounds = [(1, threshold - 1) if cells[key].status == PRIMARY else (0, None) for key in unknown]
    # An unreleased figure matters only when it is small: narrowing a large one reveals no one.
    watched = [
        key
        for key in unknown
        if cells[key].status != UNRELEASED or is_primary(int(cells[key].value or 0), threshold)
    ]
    options = {
        "A_eq": np.array(a_eq) if a_eq else None,
        "b_eq": np.array(b_eq) if b_eq else None,
        "A_ub": np.array(a_ub) if a_ub else None,
        "b_ub": np.array(b_ub) if b_ub else None,
        "bounds": bounds,
        "method": "highs",
    }
    needed = required_distinct_values(threshold)
    findings = []
    for key in watched:
        i = index[key]
        objective = np.zeros(len(unknown))
        objective[i] = 1.0
        low = linprog(objective, **options)
        if low.status == 2:  # infeasible: published figures contradict each other; nothing is safe
            return [AuditFinding(key, 0, -1) for key in unknown]
        high = linprog(-objective, **options)
        high_value = math.inf if high.status == 3 else -high.fun
        finding = AuditFinding(key, low.fun, high_value)
        if finding.distinct_values < needed:
            findings.append(finding)
    return findings


def protect(
    values: dict[Hashable, int],
    equations: Iterable[Equation],
    threshold: int = DEFAULT_THRESHOLD,
    *,
    held: dict[Hashable, HeldCell] | None = None,
    label=str,
) -> Protection:
    """Decides which cells of a new release to suppress.

    `values` are the new release's true counts; `held` are the cells of releases the recipient already holds
    (fixed: they cannot be changed now); `equations` may tie both together. `label(key)` names a cell in the
    reason when the release is withheld.
    """
    if threshold < 2:
        raise ValueError("The threshold must be at least 2.")
    equations = list(equations)
    held = held or {}
    status: dict = {key: (PRIMARY if is_primary(value, threshold) else None) for key, value in values.items()}

    def cell_view() -> dict[Hashable, HeldCell]:
        view = dict(held)
        for key, value in values.items():
            view[key] = HeldCell(value, status[key])
        return view

    def suppressed(key) -> bool:
        if key in status:
            return bool(status[key])
        cell = held[key]
        if cell.status == UNRELEASED:
            return is_primary(int(cell.value or 0), threshold)
        return bool(cell.status)

    def candidate(keys: Iterable) -> Hashable | None:
        """The smallest nonzero published cell of this release among `keys` (members before totals)."""
        choices = [key for key in keys if key in values and not status[key] and values[key] > 0]
        return min(choices, key=lambda key: (values[key], str(key))) if choices else None

    # Complementary suppression by lines: no equation may have exactly one hidden cell.
    changed = True
    while changed:
        changed = False
        for equation in equations:
            if not equation.exact:
                continue
            line = (*equation.members, equation.total)
            if sum(1 for key in line if suppressed(key)) == 1:
                chosen = candidate(equation.members) or candidate([equation.total])
                if chosen is not None:
                    status[chosen] = COMPLEMENTARY
                    changed = True
    # Then the audit decides; add suppressions on the equations of a cell that is still too narrow.
    for _round in range(len(values) + 1):
        findings = audit(cell_view(), equations, threshold)
        if not findings:
            return Protection(status=status)
        added = False
        for finding in findings:
            lines = [e for e in equations if finding.key in e.members or finding.key == e.total]
            members = [key for e in lines for key in e.members]
            chosen = candidate(members) or candidate([e.total for e in lines])
            if chosen is not None:
                status[chosen] = COMPLEMENTARY
                added = True
                break
        if not added:
            finding = findings[0]
            return Protection(
                status={key: PRIMARY for key in values},
                withheld=True,
                reason=(
                    f"withheld: cell {label(finding.key)} could be narrowed to "
                    f"{max(0, finding.distinct_values)} possible values (at least "
                    f"{required_distinct_values(threshold)} are required) from the published cells and "
                    "earlier releases"
                ),
            )
    return Protection(
        status={key: PRIMARY for key in values}, withheld=True, reason="withheld: audit did not settle"
    )


# ---- Two-way tables ------------------------------------------------------------------------------------


@dataclass
class CountTable:
    """A table of counts: labelled rows and columns, optionally with a Total column and a Total row."""

    row_labels: list[str]
    column_labels: list[str]
    cells: list[list[int]]
    row_totals: list[int] | None = None  # the Total column
    column_totals: list[int] | None = None  # the Total row
    grand_total: int | None = None  # where both exist

    def keyed_values(self) -> dict:
        values = {}
        for r, row in enumerate(self.cells):
            for c, value in enumerate(row):
                values[(r, c)] = value
        if self.row_totals is not None:
            for r, value in enumerate(self.row_totals):
                values[(r, "T")] = value
        if self.column_totals is not None:
            for c, value in enumerate(self.column_totals):
                values[("T", c)] = value
        if self.grand_total is not None:
            values[("T", "T")] = self.grand_total
        return values

    def equations(self) -> list[Equation]:
        rows, columns = range(len(self.cells)), range(len(self.column_labels))
        equations = []
        if self.row_totals is not None:
            equations += [Equation((r, "T"), tuple((r, c) for c in columns)) for r in rows]
        if self.column_totals is not None:
            equations += [Equation(("T", c), tuple((r, c) for r in rows)) for c in columns]
        if self.grand_total is not None:
            if self.row_totals is not None:
                equations.append(Equation(("T", "T"), tuple((r, "T") for r in rows)))
            if self.column_totals is not None:
                equations.append(Equation(("T", "T"), tuple(("T", c) for c in columns)))
        return equations

    def check_totals(self) -> None:
        """Totals given with the table must add up, or the table itself is wrong."""
        values = self.keyed_values()
        for equation in self.equations():
            got = sum(values[m] for m in equation.members)
            if got != values[equation.total]:
                raise ValueError(
                    f"total {self.cell_label(equation.total)} is {values[equation.total]} but its cells add up to {got}"
                )

    def cell_label(self, key) -> str:
        r, c = key
        row = "Total" if r == "T" else self.row_labels[r]
        column = "Total" if c == "T" else self.column_labels[c]
        return f"[{row}, {column}]"


def suppress_table(table: CountTable, threshold: int = DEFAULT_THRESHOLD) -> tuple[list[list], Protection]:
    """Protects a two-way table on its own. Returns the shown rows (cells, then the Total column if any; the
    Total row last if any) with '*' for suppressed cells, and the protection decision."""
    table.check_totals()
    values = table.keyed_values()
    protection = protect(values, table.equations(), threshold, label=table.cell_label)
    shown = []
    for r, row in enumerate(table.cells):
        line = [protection.shown((r, c), v) for c, v in enumerate(row)]
        if table.row_totals is not None:
            line.append(protection.shown((r, "T"), table.row_totals[r]))
        shown.append(line)
    if table.column_totals is not None:
        line = [protection.shown(("T", c), v) for c, v in enumerate(table.column_totals)]
        if table.grand_total is not None:
            line.append(protection.shown(("T", "T"), table.grand_total))
        shown.append(line)
    return shown, protection


def suppress_rates(rates: dict, numerator_status: dict, denominator_status: dict) -> dict:
    """A rate is hidden when its numerator or denominator is: the rate times the other would give it back."""
    return {
        key: (SUPPRESSED_MARK if numerator_status.get(key) or denominator_status.get(key) else value)
        for key, value in rates.items()
    }
