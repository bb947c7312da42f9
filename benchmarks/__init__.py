"""Benchmarks (make bench): our stages against baselines run in the same invocation."""
