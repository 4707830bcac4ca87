"""The desk's collector pace: young collections far rarer than CPython's default of one per 700 allocations."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest

from app.engine.collector import YOUNG_COLLECTION_EVERY, pace


@pytest.fixture
def default_pace() -> Iterator[None]:
    """Start from CPython's default pace and put back whatever the process had."""
    had = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*had)


def collections_while_allocating(count: int) -> int:
    """How many collections run while ``count`` containers are made and kept."""
    runs: list[int] = []

    def note(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            runs.append(info["generation"])

    kept: list[list[int]] = []
    gc.collect()  # from an empty young generation
    gc.callbacks.append(note)
    try:
        kept.extend([i] for i in range(count))
    finally:
        gc.callbacks.remove(note)
    return len(runs)


@pytest.mark.usefixtures("default_pace")
def test_a_paced_collector_lets_a_batch_of_reports_allocate_without_collecting() -> None:
    batch = YOUNG_COLLECTION_EVERY // 2  # about a socket read's worth of reports, a few dozen containers each
    assert collections_while_allocating(batch) > 0  # the default pace collects many times
    pace()
    assert collections_while_allocating(batch) == 0
