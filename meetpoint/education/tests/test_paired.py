"""The paired statistics against values worked out by hand from the formulas."""

import math

import pytest

from meetpoint.education.paired import paired_change


def test_paired_change_matches_hand_computation():
    pre = [50, 60, 70, 80, 90]
    post = [60, 65, 80, 85, 100]
    # Differences 10, 5, 10, 5, 10: mean 8; squared deviations 4+9+4+9+4 = 30; variance 30/4 = 7.5.
    sd = math.sqrt(7.5)
    se = sd / math.sqrt(5)
    t = 8 / se  # 6.5320...
    t_critical = 2.776445  # Student's t table, 4 degrees of freedom, two-sided 95%
    # Closed-form t distribution for 4 degrees of freedom: with x = t / sqrt(4 + t^2),
    # the two-sided p-value is 1 - x * (1 + (1 - x^2) / 2).
    x = t / math.sqrt(4 + t * t)
    p = 1 - x * (1 + (1 - x * x) / 2)

    result = paired_change(pre, post)

    assert result.n == 5
    assert result.mean_pre == 70 and result.mean_post == 78
    assert result.mean_change == pytest.approx(8)
    assert result.sd_change == pytest.approx(sd)
    assert result.t == pytest.approx(t)
    assert result.ci_low == pytest.approx(8 - t_critical * se, abs=1e-5)
    assert result.ci_high == pytest.approx(8 + t_critical * se, abs=1e-5)
    assert result.p_value == pytest.approx(p, rel=1e-6)
    assert 0.002 < result.p_value < 0.003


def test_a_drop_gives_a_negative_change_and_interval():
    result = paired_change([4, 4, 5, 3], [3, 2, 4, 3])
    # Differences -1, -2, -1, 0: mean -1, variance (0+1+0+1)/3.
    assert result.mean_change == pytest.approx(-1)
    assert result.sd_change == pytest.approx(math.sqrt(2 / 3))
    assert result.ci_high < 0.5 and result.ci_low < -1


def test_identical_changes_are_reported_without_a_division_by_zero():
    result = paired_change([1, 2, 3], [2, 3, 4])
    assert result.mean_change == 1 and result.ci_low == 1 and result.ci_high == 1
    assert result.p_value == 0.0


def test_unpaired_or_too_few_values_are_refused():
    with pytest.raises(ValueError):
        paired_change([1, 2], [1])
    with pytest.raises(ValueError):
        paired_change([1], [2])
