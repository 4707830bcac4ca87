"""Shared by every benchmark: timing helpers and the one way figures are printed.

A benchmark prints its figures as ``name: value unit`` lines, its headline figure last. Nothing here
asserts a speed; the numbers go into the issue notes, as ratios to a baseline measured in the same run.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence


def figure(name: str, value: float, unit: str) -> None:
    """Print one figure in the form the issue notes quote."""
    shown = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
    print(f"{name}: {shown} {unit}", flush=True)


def best_rate(count: int, run: Callable[[], None], repeats: int = 3) -> float:
    """Items per second of the fastest of ``repeats`` runs of ``run`` (each handling ``count`` items)."""
    best = min(_seconds(run) for _ in range(repeats))
    return count / best


def percentile(samples: Sequence[float], pct: float) -> float:
    """The ``pct`` percentile (0-100) of the samples, by the inclusive method."""
    if len(samples) < 2:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[max(0, min(98, round(pct) - 1))]


def _seconds(run: Callable[[], None]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start
