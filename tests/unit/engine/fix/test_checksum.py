"""``byte_sum`` is the plain byte sum mod 256 of any range, short (one Adler-32 call) or long (one per run)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.engine.fix.checksum import byte_sum


@given(st.binary(max_size=1200), st.integers(0, 1200), st.integers(0, 1200))
def test_byte_sum_is_the_sum_of_the_bytes_mod_256(data: bytes, start: int, end: int) -> None:
    start, end = min(start, len(data)), min(max(start, end), len(data))
    assert byte_sum(data, start, end) == sum(data[start:end]) % 256
    assert byte_sum(bytearray(data), start, end) == sum(data[start:end]) % 256


def test_a_run_of_the_largest_bytes_sums_exactly() -> None:
    for size in (255, 256, 257, 512, 513):
        assert byte_sum(b"\xff" * size, 0, size) == 255 * size % 256
