"""The referral benchmark runs end to end on its own temporary database (no timings are asserted)."""

from meetpoint.testworld import run_bench


def test_bench_quick_prints_the_table_and_ratios():
    result = run_bench("referrals", "--quick", "--stored", "300", "--ops", "3", "--rounds", "1")
    assert result.returncode == 0, result.stderr
    assert "stored referrals: 300" in result.stdout
    assert "create + send a referral" in result.stdout and "accept (state transition)" in result.stdout
    assert "ratio raw/project" in result.stdout
