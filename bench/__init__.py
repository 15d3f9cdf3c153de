"""Benchmarks: `python -m bench.<name>`; each prints a table and the ratio it measures (docs/benchmarks.md)."""
