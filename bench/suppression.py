"""Cells hidden by `suppress_table` (the platform's greedy complementary suppression, audited by the LP attacker)
against the fewest a MILP solver finds for the same protection, on generated tables of the sizes programs publish
(areas × months, with row and column totals published).

    .venv/bin/python -m bench.suppression [--tables 30] [--seed 7] [--threshold 11] [--quick]

The solver's pattern: scipy's HiGHS `milp` minimises the hidden cells subject to "every primary cell is hidden"
and "a row or column with a hidden cell has at least two" (else its total gives it back); the pattern is then
audited by the same LP attacker as the platform's (`disclosure.audit`: every hidden cell must range over at least
⌈K/2⌉ values), and for each cell found too narrow cuts ask for one more hidden cell in its row and one in its
column; it stops when the audit passes (or after 40 rounds: then the table is counted as unsolved). The cuts
can overshoot, so the solver's count is an upper bound of the true minimum, not the minimum itself. The solver keeps every
total published; where the greedy method also hides totals, those count as hidden cells too.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time


def generated(rng: random.Random, rows: int, columns: int) -> list[list[int]]:
    """Counts like a program's: most cells comfortably large, some small (1–10), a few zero."""
    table = []
    for _ in range(rows):
        base = rng.choice((4, 12, 30, 80))
        table.append(
            [max(0, int(rng.expovariate(1 / base))) if rng.random() > 0.08 else 0 for _ in range(columns)]
        )
    return table


def greedy(cells: list[list[int]], threshold: int) -> tuple[int, float]:
    from meetpoint.outcomes.disclosure import CountTable, suppress_table

    rows = [f"r{i}" for i in range(len(cells))]
    columns = [f"c{j}" for j in range(len(cells[0]))]
    table = CountTable(
        rows,
        columns,
        cells,
        [sum(row) for row in cells],
        [sum(column) for column in zip(*cells, strict=True)],
        sum(map(sum, cells)),
    )
    started = time.perf_counter()
    shown, protection = suppress_table(table, threshold)
    took = time.perf_counter() - started
    if protection.withheld:
        return -1, took
    return sum(1 for line in shown for value in line if value == "*"), took


def solver(cells: list[list[int]], threshold: int) -> tuple[int, float]:
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp

    from meetpoint.outcomes import disclosure

    started = time.perf_counter()
    n_rows, n_columns = len(cells), len(cells[0])
    index = {(r, c): r * n_columns + c for r in range(n_rows) for c in range(n_columns)}
    size = len(index)
    primary = {key for key in index if disclosure.is_primary(cells[key[0]][key[1]], threshold)}
    lower = np.zeros(size)
    for key in primary:
        lower[index[key]] = 1
    rows_a, rows_lb = [], []

    def at_least_two(group):  # for each member m: sum(group) - 2 x_m >= 0
        for member in group:
            line = np.zeros(size)
            for key in group:
                line[index[key]] += 1
            line[index[member]] -= 2
            rows_a.append(line)
            rows_lb.append(0)

    for r in range(n_rows):
        at_least_two([(r, c) for c in range(n_columns)])
    for c in range(n_columns):
        at_least_two([(r, c) for r in range(n_rows)])
    cost = np.ones(size)  # the fewest hidden cells
    for _round in range(40):
        result = milp(
            cost,
            constraints=LinearConstraint(np.array(rows_a), np.array(rows_lb), np.inf) if rows_a else None,
            integrality=np.ones(size),
            bounds=Bounds(lower, np.ones(size)),
        )
        if result.status != 0:
            return -1, time.perf_counter() - started
        hidden = {key for key, i in index.items() if result.x[i] > 0.5}
        held, equations = _model(cells, hidden, primary, disclosure)
        findings = disclosure.audit(held, equations, threshold)
        if not findings:
            return len(hidden), time.perf_counter() - started
        for finding in findings:
            r, c = finding.key
            # one more hidden cell beside it in its row, and one in its column (a cut that may overshoot the
            # optimum but converges; the solver then minimises again under every cut so far)
            for group in (
                [k for k in index if k[0] == r and k not in hidden],
                [k for k in index if k[1] == c and k not in hidden],
            ):
                if not group:
                    continue
                line = np.zeros(size)
                for key in group:
                    line[index[key]] = 1
                rows_a.append(line)
                rows_lb.append(1)
    return -1, time.perf_counter() - started


def _model(cells, hidden, primary, disclosure):
    held = {}
    for r, line in enumerate(cells):
        for c, value in enumerate(line):
            status = None
            if (r, c) in hidden:
                status = disclosure.PRIMARY if (r, c) in primary else disclosure.COMPLEMENTARY
            held[(r, c)] = disclosure.HeldCell(None if status else value, status)
        held[(r, "T")] = disclosure.HeldCell(sum(line), None)
    for c in range(len(cells[0])):
        held[("T", c)] = disclosure.HeldCell(sum(line[c] for line in cells), None)
    width, height = len(cells[0]), len(cells)
    equations = [disclosure.Equation((r, "T"), tuple((r, c) for c in range(width))) for r in range(height)]
    equations += [disclosure.Equation(("T", c), tuple((r, c) for r in range(height))) for c in range(width)]
    return held, equations


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tables", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threshold", type=int, default=11)
    parser.add_argument("--quick", action="store_true", help="3 small tables: checks that it runs")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meetpoint.settings")
    import django

    django.setup()
    rng = random.Random(args.seed)
    sizes = [(rng.randint(4, 10), rng.randint(3, 12)) for _ in range(3 if args.quick else args.tables)]
    totals = {"greedy": 0, "solver": 0}
    times = {"greedy": [], "solver": []}
    unsolved = withheld = 0
    print(f"{'table':>8} {'cells':>6} {'primary':>8} {'greedy hides':>13} {'solver hides':>13}")
    for rows, columns in sizes:
        cells = generated(rng, rows, columns)
        from meetpoint.outcomes.disclosure import is_primary

        primary = sum(1 for line in cells for v in line if is_primary(v, args.threshold))
        by_greedy, took_greedy = greedy(cells, args.threshold)
        by_solver, took_solver = solver(cells, args.threshold)
        times["greedy"].append(took_greedy)
        times["solver"].append(took_solver)
        print(f"{rows}×{columns:<5} {rows * columns:>6} {primary:>8} {by_greedy:>13} {by_solver:>13}")
        if by_greedy < 0:
            withheld += 1
            continue
        if by_solver < 0:
            unsolved += 1
            continue
        totals["greedy"] += by_greedy
        totals["solver"] += by_solver
    print(
        f"hidden cells in all: greedy {totals['greedy']}, solver {totals['solver']} "
        f"(greedy ÷ solver {totals['greedy'] / max(1, totals['solver']):.2f}); "
        f"withheld by greedy {withheld}, unsolved by the solver {unsolved}"
    )
    print(
        f"median time a table: greedy {statistics.median(times['greedy']) * 1000:.0f} ms, "
        f"solver {statistics.median(times['solver']) * 1000:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
