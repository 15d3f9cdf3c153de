"""Disclosure control: the rule on examples, and the audit as a property over generated tables."""

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meetpoint.outcomes.disclosure import (
    COMPLEMENTARY,
    PRIMARY,
    SUPPRESSED_MARK,
    CountTable,
    Equation,
    HeldCell,
    audit,
    protect,
    required_distinct_values,
    suppress_rates,
    suppress_table,
)


def with_totals(cells):
    rows = [sum(r) for r in cells]
    columns = [sum(c) for c in zip(*cells, strict=True)]
    return CountTable(
        [f"r{i}" for i in range(len(cells))],
        [f"c{j}" for j in range(len(cells[0]))],
        cells,
        rows,
        columns,
        sum(rows),
    )


def test_counts_below_threshold_hidden_threshold_itself_and_zero_shown():
    table = CountTable(["a"], ["x", "y", "z", "w"], [[0, 10, 11, 1]])
    shown, protection = suppress_table(table, 11)
    assert shown == [[0, "*", 11, "*"]]
    assert not protection.withheld


def test_lone_small_cell_in_a_row_gets_a_complementary_partner():
    table = with_totals([[3, 20, 30], [40, 50, 60]])
    shown, protection = suppress_table(table, 11)
    assert shown[0][0] == SUPPRESSED_MARK
    # someone else in its row and in its column is hidden so that neither total gives it back
    assert sum(1 for v in shown[0][:3] if v == SUPPRESSED_MARK) >= 2
    assert sum(1 for row in shown[:2] if row[0] == SUPPRESSED_MARK) >= 2
    statuses = set(protection.status.values())
    assert PRIMARY in statuses and COMPLEMENTARY in statuses


def test_small_row_total_is_hidden_when_it_would_reveal_its_only_cell():
    table = CountTable(["a", "b"], ["x", "y"], [[0, 4], [20, 30]], [4, 50], [20, 34], 54)
    shown, _ = suppress_table(table, 11)
    assert shown[0] == [0, "*", "*"]  # the row total 4 is itself a small count
    assert shown[2][1] == SUPPRESSED_MARK or shown[1][1] == SUPPRESSED_MARK  # column y cannot give 4 back


def test_two_small_cells_that_pin_each_other_are_protected_further():
    # 2 + 1 with a published total of 53 would let the attacker narrow both to 1..2
    table = CountTable(["a"], ["x", "y", "z"], [[2, 1, 50]], [53])
    shown, protection = suppress_table(table, 11)
    assert shown == [["*", "*", "*", 53]]
    cells = {
        k: HeldCell(None if protection.status[k] else v, protection.status[k])
        for k, v in table.keyed_values().items()
    }
    assert audit(cells, table.equations(), 11) == []


def test_audit_catches_a_recomputable_cell():
    cells = {"a": HeldCell(None, PRIMARY), "b": HeldCell(40, None), "t": HeldCell(43, None)}
    findings = audit(cells, [Equation("t", ("a", "b"))], 11)
    assert [f.key for f in findings] == ["a"]
    assert findings[0].distinct_values == 1


@st.composite
def count_tables(draw):
    rows = draw(st.integers(1, 4))
    columns = draw(st.integers(1, 4))
    small = st.integers(0, 14)
    any_count = st.one_of(small, st.integers(0, 300))
    cells = [[draw(any_count) for _ in range(columns)] for _ in range(rows)]
    return with_totals(cells)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=count_tables(), threshold=st.sampled_from([5, 6, 11]))
def test_every_suppressed_cell_keeps_at_least_half_the_threshold_values(table, threshold):
    shown, protection = suppress_table(table, threshold)
    values = table.keyed_values()
    if protection.withheld:
        assert protection.reason
        return
    # every small count is hidden, zeros and large counts that are not needed as complements are exact
    for key, value in values.items():
        if 1 <= value < threshold:
            assert protection.status[key] == PRIMARY
        if value == 0:
            assert not protection.status[key]
    # the attacker's LP, independently of protect(): every hidden cell ranges over >= ceil(K/2) integers
    cells = {
        k: HeldCell(None if protection.status[k] else v, protection.status[k]) for k, v in values.items()
    }
    assert audit(cells, table.equations(), threshold) == []
    for key, status in protection.status.items():
        if status:
            assert _feasible_range(cells, table.equations(), threshold, key) >= required_distinct_values(
                threshold
            )


def _feasible_range(cells, equations, threshold, key):
    (finding,) = [f for f in _all_ranges(cells, equations, threshold) if f[0] == key]
    return finding[1]


def _all_ranges(cells, equations, threshold):
    """Ranges computed by a second LP formulation (scipy directly), to check audit() is not fooling itself."""
    import numpy as np
    from scipy.optimize import linprog

    unknown = [k for k, c in cells.items() if c.status]
    index = {k: i for i, k in enumerate(unknown)}
    rows, rhs = [], []
    for e in equations:
        row = np.zeros(len(unknown))
        value = 0.0
        for m in e.members:
            if cells[m].status:
                row[index[m]] += 1
            else:
                value -= cells[m].value
        if cells[e.total].status:
            row[index[e.total]] -= 1
        else:
            value += cells[e.total].value
        if row.any():
            rows.append(row)
            rhs.append(value)
    bounds = [(1, threshold - 1) if cells[k].status == PRIMARY else (0, None) for k in unknown]
    out = []
    for k, i in index.items():
        c = np.zeros(len(unknown))
        c[i] = 1
        low = linprog(
            c, A_eq=np.array(rows) if rows else None, b_eq=rhs or None, bounds=bounds, method="highs"
        )
        high = linprog(
            -c, A_eq=np.array(rows) if rows else None, b_eq=rhs or None, bounds=bounds, method="highs"
        )
        top = math.inf if high.status == 3 else -high.fun
        out.append(
            (k, math.inf if math.isinf(top) else math.floor(top + 1e-6) - math.ceil(low.fun - 1e-6) + 1)
        )
    return out


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    months=st.lists(st.lists(st.integers(0, 40), min_size=3, max_size=3), min_size=3, max_size=3),
    threshold=st.sampled_from([5, 11]),
)
def test_a_quarter_and_its_months_are_audited_together(months, threshold):
    """Three monthly tables (3 areas each, with totals) are released first; then the quarter. The quarter's
    protection, audited with the months it contains, leaves every hidden cell >= ceil(K/2) values."""
    held, equations = {}, []
    for m, cells in enumerate(months):
        values = {(m, a): v for a, v in enumerate(cells)} | {(m, "T"): sum(cells)}
        month_equations = [Equation((m, "T"), tuple((m, a) for a in range(3)))]
        decision = protect(values, month_equations, threshold, held=dict(held))
        for key, value in values.items():
            status = decision.status.get(key) if not decision.withheld else PRIMARY
            held[key] = HeldCell(None if status else value, status)
        equations += month_equations
    quarter = {("Q", a): sum(months[m][a] for m in range(3)) for a in range(3)}
    quarter[("Q", "T")] = sum(quarter.values())
    links = [Equation(("Q", "T"), tuple(("Q", a) for a in range(3)))]
    links += [Equation(("Q", a), tuple((m, a) for m in range(3))) for a in [0, 1, 2, "T"]]
    decision = protect(quarter, equations + links, threshold, held=dict(held))
    if decision.withheld:
        assert "withheld" in decision.reason
        return
    everything = dict(held)
    for key, value in quarter.items():
        everything[key] = HeldCell(None if decision.status[key] else value, decision.status[key])
    assert audit(everything, equations + links, threshold) == []


def test_quarter_is_protected_against_months_already_released():
    # months: area 0 had 12, 12, 3 (3 suppressed in March); releasing the quarter's area 0 = 27 exactly
    # would give March back (27 - 12 - 12), so the quarter's cell must be hidden too.
    held = {
        (0, 0): HeldCell(12), (0, 1): HeldCell(30), (0, "T"): HeldCell(42),
        (1, 0): HeldCell(12), (1, 1): HeldCell(30), (1, "T"): HeldCell(42),
        (2, 0): HeldCell(None, PRIMARY), (2, 1): HeldCell(None, COMPLEMENTARY), (2, "T"): HeldCell(33),
    }  # fmt: skip
    equations = [Equation((m, "T"), ((m, 0), (m, 1))) for m in range(3)]
    quarter = {("Q", 0): 27, ("Q", 1): 90, ("Q", "T"): 117}
    links = [Equation(("Q", "T"), (("Q", 0), ("Q", 1)))]
    links += [Equation(("Q", a), tuple((m, a) for m in range(3))) for a in (0, 1, "T")]
    decision = protect(quarter, equations + links, 11, held=held)
    assert decision.withheld or (decision.status[("Q", 0)] and decision.status[("Q", 1)])


def test_rates_hidden_when_numerator_or_denominator_is():
    rates = {("a",): 2.5, ("b",): 3.0, ("c",): 1.0}
    shown = suppress_rates(rates, {("a",): PRIMARY}, {("b",): COMPLEMENTARY})
    assert shown == {("a",): "*", ("b",): "*", ("c",): 1.0}
