"""The byte sum behind CheckSum (10), added up in C."""

from __future__ import annotations

import zlib
from typing import Final

_SUM_RUN: Final = 256  # bytes summed per Adler-32 call: 256 x 255 stays below its modulus, 65,521


def byte_sum(buf: bytes | bytearray, start: int, end: int) -> int:
    """The sum of the bytes ``buf[start:end]`` mod 256.

    The low half of an Adler-32 is 1 + the byte sum mod 65,521: the exact sum for a run of up to 256 bytes.
    """
    if end - start <= _SUM_RUN:  # a usual frame: one call
        return (zlib.adler32(buf[start:end]) - 1) & 0xFF  # the high half is a multiple of 65,536: 0 mod 256
    total = 0
    for at in range(start, end, _SUM_RUN):
        total += (zlib.adler32(buf[at : min(at + _SUM_RUN, end)]) & 0xFFFF) - 1
    return total & 0xFF
