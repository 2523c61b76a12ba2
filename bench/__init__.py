"""Tongxin benchmarks: ``make bench`` (full) and ``make bench-quick`` (the harness in CI)."""
