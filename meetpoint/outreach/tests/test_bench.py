"""The import benchmark runs end to end on its own temporary databases (no timings are asserted)."""

from meetpoint.testworld import run_bench


def test_bench_runs_and_both_sides_write_the_same_rows():
    result = run_bench("encounter_import", "--rows", "2000")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "meetpoint import_encounters" in result.stdout
    assert "raw executemany (practical limit)" in result.stdout
    assert "ratio import/raw" in result.stdout
