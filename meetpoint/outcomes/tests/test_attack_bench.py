"""The attacker's benchmark runs on a few worlds and finds no small count pinned under Meetpoint's rules (it
exits 1 otherwise); its baseline, the small-number rule alone, is printed beside it (no timings asserted)."""

from meetpoint.testworld import run_bench


def test_attack_bench_runs_and_finds_nothing_pinned():
    result = run_bench("disclosure_attack", "--worlds", "5")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "worlds tried: 5" in result.stdout
    assert "small-number rule alone" in result.stdout and "Meetpoint (audited releases)" in result.stdout
