"""Percentiles for the benchmarks (nearest rank on the sorted sample)."""

from __future__ import annotations


def percentile(values: list[float], q: float) -> float:
    """The value at quantile q (0..1) of the sample."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]
