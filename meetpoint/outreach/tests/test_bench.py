"""The import benchmark runs end to end on its own temporary databases (no timings are asserted)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_bench_runs_and_both_sides_write_the_same_rows():
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "-m", "bench.encounter_import", "--rows", "2000"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "meetpoint import_encounters" in result.stdout
    assert "raw executemany (practical limit)" in result.stdout
    assert "ratio import/raw" in result.stdout
