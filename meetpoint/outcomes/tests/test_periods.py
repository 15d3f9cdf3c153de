"""Fixed release periods and the refusal of partially overlapping releases."""

from datetime import date

import pytest

from meetpoint.outcomes.periods import (
    Period,
    closed_periods,
    fixed_period,
    nesting_equations,
    overlap_problem,
    period_starting,
)


def test_calendar_periods_are_fixed_and_labelled():
    assert period_starting("quarter", date(2025, 4, 1)) == Period(
        date(2025, 4, 1), date(2025, 6, 30), "quarter"
    )
    assert period_starting("month", date(2024, 2, 1)).end == date(2024, 2, 29)
    assert period_starting("year", date(2025, 1, 1)).label == "2025"
    assert period_starting("quarter", date(2025, 10, 1)).label == "2025-Q4"


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2025, 1, 5), date(2025, 2, 4)),
        (date(2025, 2, 1), date(2025, 4, 30)),
        (date(2025, 1, 1), date(2025, 1, 30)),
    ],
)
def test_custom_ranges_are_refused(start, end):
    with pytest.raises(ValueError, match="not a calendar month, quarter or year"):
        fixed_period(start, end)


def test_quarter_not_starting_a_quarter_is_refused():
    with pytest.raises(ValueError, match="does not start a calendar quarter"):
        period_starting("quarter", date(2025, 2, 1))


def test_only_closed_periods_are_due():
    periods = closed_periods("month", date(2025, 1, 15), None, today=date(2025, 4, 10))
    assert [p.label for p in periods] == ["2025-01", "2025-02", "2025-03"]
    assert closed_periods("quarter", date(2025, 1, 1), date(2025, 12, 31), today=date(2025, 3, 31)) == []


def test_partial_overlap_is_refused_with_the_reason_and_nesting_is_allowed():
    quarter = period_starting("quarter", date(2025, 1, 1))
    month = period_starting("month", date(2025, 2, 1))
    shifted = Period(date(2025, 2, 1), date(2025, 4, 30), "custom")
    assert overlap_problem(month, [quarter]) is None
    assert overlap_problem(period_starting("quarter", date(2025, 4, 1)), [quarter]) is None
    problem = overlap_problem(shifted, [quarter])
    assert "partially overlaps the released 2025-Q1" in problem


def test_a_quarter_with_all_its_months_nests_exactly():
    quarter = period_starting("quarter", date(2025, 1, 1))
    months = [period_starting("month", date(2025, m, 1)) for m in (1, 2, 3)]
    ((outer, parts, complete),) = nesting_equations([quarter, *months])
    assert outer == quarter and parts == months and complete
    ((_, parts, complete),) = nesting_equations([quarter, months[0]])
    assert parts == [months[0]] and not complete
