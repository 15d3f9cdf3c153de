"""Spike detection over daily counts: plain functions on numpy arrays (areas × days), no database.

- EARS C2 (CDC's Early Aberration Reporting System): a day's count against the mean and standard deviation of the
  7 days that end 3 days before it; the 2-day guard band keeps the start of a cluster out of its own baseline.
- Poisson CUSUM (Lucas 1985): sums each day's excess over a reference value k between the baseline mean and the
  mean to be detected (`shift` times the baseline), and signals when the sum passes h; the sum restarts after a
  signal.
- Fixed threshold (ODMAP's style): N or more in one day, the baseline the others are measured against.

Every method also asks for a minimum count on the day, so one overdose in a quiet area is not a spike. The
p-value printed at the epidemiology level is the Poisson upper tail of the count under the expected mean (scipy).
"""

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy import stats


@dataclass(frozen=True)
class Detection:
    """What a method saw on each day: arrays of the counts' shape. Days before a full baseline never signal."""

    method: str
    threshold: float
    statistic: np.ndarray
    expected: np.ndarray
    signal: np.ndarray

    def level(self, area: int, day: int) -> int:
        """1 (watch), 2 (warning) or 3 (alarm): how far past its threshold the signal went."""
        ratio = float(self.statistic[area, day]) / self.threshold if self.threshold else 1.0
        return int(min(3, max(1, np.floor(ratio))))

    def p_value(self, counts: np.ndarray, area: int, day: int) -> float:
        expected = max(float(self.expected[area, day]), 1e-6)
        return float(stats.poisson.sf(int(counts[area, day]) - 1, expected))


def _baseline(counts: np.ndarray, days: int, guard: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean and sample standard deviation of the `days` days ending `guard` days before each day (nan before)."""
    counts = np.atleast_2d(np.asarray(counts, dtype=float))
    mean = np.full(counts.shape, np.nan)
    spread = np.full(counts.shape, np.nan)
    first = days + guard
    if counts.shape[1] > first:
        windows = sliding_window_view(counts, days, axis=1)[:, : counts.shape[1] - first]
        mean[:, first:] = windows.mean(axis=2)
        spread[:, first:] = windows.std(axis=2, ddof=1) if days > 1 else 0.0
    return mean, spread


@dataclass(frozen=True)
class EarsC2:
    threshold: float = 3.0
    baseline: int = 7
    guard: int = 2
    # A quiet area's baseline has no spread: without a floor any count is infinitely unusual. The floor of 1 and
    # the threshold of 3 (and at least 4 in the day) are the best EARS C2 of bench/alerts_evaluation.py at most
    # one false alert per area-year.
    sd_floor: float = 1.0
    min_count: int = 4
    name: str = "ears_c2"

    @property
    def history_days(self) -> int:
        """Days before the checked one that the method reads."""
        return self.baseline + self.guard

    def run(self, counts) -> Detection:
        counts = np.atleast_2d(np.asarray(counts, dtype=float))
        mean, spread = _baseline(counts, self.baseline, self.guard)
        statistic = (counts - mean) / np.maximum(spread, self.sd_floor)
        with np.errstate(invalid="ignore"):
            signal = (statistic > self.threshold) & (counts >= self.min_count)
        return Detection(self.name, self.threshold, np.nan_to_num(statistic), np.nan_to_num(mean), signal)

    def describe(self) -> str:
        return (
            f"EARS C2: count above the {self.baseline}-day mean by more than {self.threshold:g} standard "
            f"deviations (guard band {self.guard} days, spread at least {self.sd_floor:g}, at least "
            f"{self.min_count} in the day)"
        )


@dataclass(frozen=True)
class PoissonCusum:
    h: float = 5.0  # the table's best at most one false alert per area-year (bench/alerts_evaluation.py)
    shift: float = 2.0  # the rise to detect: twice the baseline mean
    baseline: int = 28
    guard: int = 2
    mean_floor: float = 0.2
    min_count: int = 2
    name: str = "cusum"

    @property
    def threshold(self) -> float:
        return self.h

    @property
    def history_days(self) -> int:
        return self.baseline + self.guard + 30  # and a month for the sum to run in

    def run(self, counts) -> Detection:
        counts = np.atleast_2d(np.asarray(counts, dtype=float))
        mean, _spread = _baseline(counts, self.baseline, self.guard)
        mu0 = np.maximum(np.nan_to_num(mean), self.mean_floor)
        k = mu0 * (self.shift - 1) / np.log(self.shift)
        statistic = np.zeros(counts.shape)
        signal = np.zeros(counts.shape, dtype=bool)
        running = np.zeros(counts.shape[0])
        for day in range(self.baseline + self.guard, counts.shape[1]):
            running = np.maximum(0.0, running + counts[:, day] - k[:, day])
            statistic[:, day] = running
            fired = (running > self.h) & (counts[:, day] >= self.min_count)
            signal[:, day] = fired
            running = np.where(fired, 0.0, running)
        return Detection(self.name, self.h, statistic, np.nan_to_num(mean), signal)

    def describe(self) -> str:
        return (
            f"Poisson CUSUM: cumulative excess over the {self.baseline}-day mean passes h={self.h:g} "
            f"(tuned to a {self.shift:g}-fold rise, at least {self.min_count} in the day)"
        )


@dataclass(frozen=True)
class FixedThreshold:
    threshold: float = 3.0
    name: str = "fixed"
    history_days: int = 0

    def run(self, counts) -> Detection:
        counts = np.atleast_2d(np.asarray(counts, dtype=float))
        return Detection(
            self.name, self.threshold, counts.copy(), np.zeros(counts.shape), counts >= self.threshold
        )

    def describe(self) -> str:
        return f"Fixed threshold: {self.threshold:g} or more in one day"


METHODS = {"ears_c2": EarsC2, "cusum": PoissonCusum, "fixed": FixedThreshold}


def method_named(name: str, **parameters):
    """A method by its name with optional parameters; a KeyError names the known ones."""
    if name not in METHODS:
        raise KeyError(f"unknown detection method {name!r}; use one of {', '.join(METHODS)}")
    return METHODS[name](**parameters)
