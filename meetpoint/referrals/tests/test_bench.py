"""The referral benchmark runs end to end on its own temporary database (no timings are asserted)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_bench_quick_prints_the_table_and_ratios():
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.referrals",
            "--quick",
            "--stored",
            "300",
            "--ops",
            "3",
            "--rounds",
            "1",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "stored referrals: 300" in result.stdout
    assert "create + send a referral" in result.stdout and "accept (state transition)" in result.stdout
    assert "ratio raw/project" in result.stdout
