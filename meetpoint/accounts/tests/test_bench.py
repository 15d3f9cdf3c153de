"""The audit-chain benchmark runs end to end on its own temporary database (no timings are asserted)."""

from meetpoint.testworld import run_bench


def test_bench_quick_prints_both_chain_layouts_side_by_side():
    result = run_bench("audit_chains", "--quick")
    assert result.returncode == 0, result.stderr
    assert "per-org chains" in result.stdout and "one shared chain" in result.stdout
    assert "A and B sync in parallel" in result.stdout
