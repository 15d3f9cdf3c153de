"""The report benchmark runs end to end on its own temporary database and finds the registry's numbers equal to
the hand-written aggregates over the raw rows and over the roll-ups (it asserts that; no timings here)."""

from meetpoint.testworld import run_bench


def test_report_bench_runs_and_agrees_with_the_hand_written_sql():
    result = run_bench("report", "--quick", "--repeat", "1", "--registry-raw")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "rebuilt the daily roll-ups" in result.stdout
    assert "full report (totals, previous, weekly, by site)" in result.stdout
    assert "registry over the raw rows (before)" in result.stdout
    assert "naloxone kits distributed" in result.stdout


def test_suppression_bench_runs_and_compares_with_the_solver():
    result = run_bench("suppression", "--quick")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "hidden cells in all: greedy" in result.stdout and "solver" in result.stdout
