"""The alerts benchmarks run end to end on tiny data (no timings are asserted)."""

from meetpoint.testworld import run_bench


def test_the_evaluation_prints_the_table_and_the_choice():
    result = run_bench("alerts_evaluation", "--quick")
    assert result.returncode == 0, result.stderr
    assert "| +8 over 3 days | EARS C2 t=3 sd≥1 n≥3 |" in result.stdout
    assert "fixed ≥4/day (ODMAP style)" in result.stdout and "best EARS C2" in result.stdout


def test_the_scale_benchmark_prints_its_steps_and_ratio():
    result = run_bench("alerts_scale", "--quick")
    assert result.returncode == 0, result.stderr
    assert (
        "reports: 2,000 over 365 days" in result.stdout and "ratio year scan / raw baseline" in result.stdout
    )
