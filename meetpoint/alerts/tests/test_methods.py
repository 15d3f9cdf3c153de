"""Detection methods, throttling, areas and the evaluation: plain functions, no database."""

import numpy as np

from meetpoint.alerts import areas
from meetpoint.alerts.episodes import episodes
from meetpoint.alerts.evaluation import Cluster, score, simulate
from meetpoint.alerts.methods import EarsC2, FixedThreshold, PoissonCusum, method_named


def test_ears_c2_uses_seven_days_ending_three_days_before():
    counts = np.array([[1, 0, 1, 0, 1, 0, 1, 9, 9, 6]], dtype=float)
    detection = EarsC2().run(counts)
    # Day 9's baseline is days 0..6 (days 7 and 8, the guard band, stay out of it).
    baseline = counts[0, 0:7]
    expected_c2 = (6 - baseline.mean()) / max(baseline.std(ddof=1), 1.0)
    assert detection.expected[0, 9] == baseline.mean()
    assert abs(detection.statistic[0, 9] - expected_c2) < 1e-9
    assert detection.signal[0, 9]
    assert not detection.signal[0, :9].any()  # no full baseline before day 9


def test_ears_c2_needs_the_minimum_count():
    counts = np.zeros((1, 20))
    counts[0, 15] = 2  # far above a baseline of zeros, but two overdoses are not a spike
    assert not EarsC2(min_count=3, sd_floor=0.5).run(counts).signal.any()
    counts[0, 15] = 3
    assert EarsC2(min_count=3, sd_floor=0.5).run(counts).signal[0, 15]


def test_levels_grow_with_the_statistic():
    counts = np.zeros((2, 20))
    counts[0, 15], counts[1, 15] = 4, 10
    detection = EarsC2(sd_floor=1.0).run(counts)
    assert detection.signal[:, 15].all()
    assert detection.level(0, 15) == 1 and detection.level(1, 15) == 3
    assert 0 < detection.p_value(counts, 1, 15) < 1e-6


def test_cusum_signals_on_a_sustained_rise_and_restarts():
    counts = np.ones((1, 60))
    counts[0, 40:44] = 4
    detection = PoissonCusum(h=4).run(counts)
    first = int(np.argmax(detection.signal[0]))
    assert 40 <= first <= 42
    assert detection.statistic[0, first + 1] < detection.statistic[0, first]  # restarted after the signal


def test_fixed_threshold_is_a_plain_count():
    counts = np.array([[0, 2, 3, 4]])
    assert FixedThreshold(3).run(counts).signal.tolist() == [[False, False, True, True]]


def test_unknown_method_names_the_known_ones():
    try:
        method_named("satscan")
    except KeyError as problem:
        assert "ears_c2" in str(problem)
    else:
        raise AssertionError("an unknown method must be refused")


def test_episodes_throttle_to_one_alert_until_quiet_days_pass():
    signal = [0, 1, 1, 0, 1, 0, 0, 0, 0, 1, 0]
    assert episodes([bool(s) for s in signal], quiet_days=3) == [(1, 4), (9, 9)]


def test_areas_are_coarse_squares_and_counties():
    assert areas.of_grid_cell("40.44,-80.00") == "cell:40.4,-80.0"
    assert areas.of_point(40.49, -79.91) == "cell:40.4,-80.0"
    assert areas.of_block_group("420030101001") == "county:42003"
    assert areas.is_area("cell:40.4,-80.0") and areas.is_area("county:42003") and areas.is_area("region")
    assert not areas.is_area("cell:40.44,-80.00")  # finer than an area


def test_evaluation_counts_detections_delays_and_false_alerts():
    counts = np.zeros((2, 100), dtype=int)
    counts[0, 60:62] = [4, 5]
    counts[1, 80] = 6  # no cluster was injected here: a false alert
    clusters = [Cluster(area=0, start=59, days=3, extra=9)]
    found = score(FixedThreshold(4), counts, clusters, warmup=35)
    assert (found.detected, found.median_delay, found.false_alerts) == (1, 1.0, 1)


def test_c2_finds_most_simulated_clusters_within_two_days():
    counts, clusters = simulate(areas=12, seed=7)
    found = score(EarsC2(sd_floor=1.0), counts, clusters)
    assert found.detection_rate >= 0.7
    assert found.median_delay is not None and found.median_delay <= 2
