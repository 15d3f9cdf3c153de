"""How well a detection method finds clusters, measured the way the surveillance literature does: a simulated year
of Poisson background counts per area with injected clusters of known start, length and size, replayed through
the method and the throttling of episodes.py. Plain functions, no database; bench/alerts_evaluation.py prints it."""

from dataclasses import dataclass

import numpy as np

from meetpoint.alerts.episodes import QUIET_DAYS, episodes


@dataclass(frozen=True)
class Cluster:
    area: int
    start: int  # day index
    days: int
    extra: int  # overdoses added over those days


@dataclass(frozen=True)
class Score:
    clusters: int
    detected: int
    median_delay: float | None  # days from a cluster's start to its first alert
    false_alerts: int
    area_years: float

    @property
    def detection_rate(self) -> float:
        return self.detected / self.clusters if self.clusters else 0.0

    @property
    def false_per_area_year(self) -> float:
        return self.false_alerts / self.area_years if self.area_years else 0.0


def simulate(
    *,
    areas: int = 20,
    days: int = 365,
    warmup: int = 35,
    rates=(0.1, 0.3, 0.6, 1.0),
    clusters_per_area: int = 2,
    cluster_days: int = 3,
    cluster_size: int = 8,
    seed: int = 2026,
) -> tuple[np.ndarray, list[Cluster]]:
    """Counts (areas × (warmup + days)) and the clusters injected after the warm-up (which only fills baselines).

    Areas cycle through the background daily `rates`; a cluster spreads `cluster_size` extra overdoses over
    `cluster_days` days (multinomially), starting at a random day, clusters at least a month apart."""
    rng = np.random.default_rng(seed)
    background = np.array([rates[index % len(rates)] for index in range(areas)])
    counts = rng.poisson(background[:, None], size=(areas, warmup + days))
    injected: list[Cluster] = []
    spacing = days // clusters_per_area
    for area in range(areas):
        for number in range(clusters_per_area):
            low = warmup + number * spacing
            start = int(rng.integers(low, low + spacing - cluster_days - 30))
            split = rng.multinomial(cluster_size, [1 / cluster_days] * cluster_days)
            counts[area, start : start + cluster_days] += split
            injected.append(Cluster(area, start, cluster_days, cluster_size))
    return counts, injected


def score(
    method,
    counts: np.ndarray,
    clusters: list[Cluster],
    *,
    warmup: int = 35,
    quiet_days: int = QUIET_DAYS,
    late_days: int = 7,
) -> Score:
    """A cluster is detected when an alert episode starts inside it or within `late_days` after its start;
    an episode that starts outside every cluster's window is a false alert."""
    detection = method.run(counts)
    windows: dict[int, list[Cluster]] = {}
    for cluster in clusters:
        windows.setdefault(cluster.area, []).append(cluster)
    delays: list[int] = []
    false_alerts = 0
    for area in range(counts.shape[0]):
        starts = [start for start, _end in episodes(detection.signal[area], quiet_days) if start >= warmup]
        mine = windows.get(area, [])
        for start in starts:
            if not any(c.start <= start < c.start + max(c.days, late_days) for c in mine):
                false_alerts += 1
        for cluster in mine:
            hits = [
                start
                for start in starts
                if cluster.start <= start < cluster.start + max(cluster.days, late_days)
            ]
            if hits:
                delays.append(hits[0] - cluster.start)
    days = counts.shape[1] - warmup
    return Score(
        clusters=len(clusters),
        detected=len(delays),
        median_delay=float(np.median(delays)) if delays else None,
        false_alerts=false_alerts,
        area_years=counts.shape[0] * days / 365.0,
    )
