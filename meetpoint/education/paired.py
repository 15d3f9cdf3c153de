"""Paired pre/post statistics: mean change with a t-distribution confidence interval and a paired t-test."""

import math
from dataclasses import dataclass

DEFAULT_MIN_PAIRS = 5  # fewer pairs are not shown, to protect the few attendees who answered


@dataclass(frozen=True)
class PairedChange:
    n: int
    mean_pre: float
    mean_post: float
    mean_change: float  # post - pre
    sd_change: float
    ci_low: float
    ci_high: float
    t: float
    p_value: float
    confidence: float


def paired_change(pre: list[float], post: list[float], confidence: float = 0.95) -> PairedChange:
    """Change from `pre` to `post` (same order = same person). Needs at least two pairs."""
    from scipy import stats  # here, not at import: scipy costs every process a second to start

    if len(pre) != len(post):
        raise ValueError("pre and post must be paired (same length).")
    n = len(pre)
    if n < 2:
        raise ValueError("A paired change needs at least two pairs.")
    differences = [b - a for a, b in zip(pre, post, strict=True)]
    mean = sum(differences) / n
    sd = math.sqrt(sum((d - mean) ** 2 for d in differences) / (n - 1))
    margin = stats.t.ppf((1 + confidence) / 2, n - 1) * sd / math.sqrt(n)
    if sd == 0:
        # Every pair changed by the same amount: the test is degenerate; report it without a p-value guess.
        t_value = math.inf if mean else 0.0
        p_value = 0.0 if mean else 1.0
    else:
        result = stats.ttest_rel(post, pre)
        t_value, p_value = float(result.statistic), float(result.pvalue)
    return PairedChange(
        n=n,
        mean_pre=sum(pre) / n,
        mean_post=sum(post) / n,
        mean_change=mean,
        sd_change=sd,
        ci_low=mean - margin,
        ci_high=mean + margin,
        t=t_value,
        p_value=p_value,
        confidence=confidence,
    )
