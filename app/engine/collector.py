"""Python's cyclic garbage collector for a desk process: paused while a large book is built, paced for the rest.

Building a book (a snapshot's orders, a replayed log) makes millions of objects that all live on; each
collection pass while they are made walks every one of them again, and the first passes after building
walk them all once more as they move up the generations. Pausing the collector for the whole build and
then freezing what was built (``gc.freeze``) costs nothing in memory that lives on, and saves seconds.

After that, every execution report read makes a few dozen short-lived containers (its fields, its parsed
message, the engine's event). At CPython's default pace (a young collection every 700 allocations)
``bench/bench_fix.py``'s stages measured the collector at about a third of the desk path's time per report.
Reference counting frees nearly all of those objects anyway; the collector is only there for cycles, so a desk
process runs it far less often (``pace``).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

YOUNG_COLLECTION_EVERY: Final = 20_000
"""Container allocations (net of frees) between young collections; CPython's default is 700."""
MIDDLE_COLLECTION_EVERY: Final = 50
"""Young collections between collections of the middle generation; CPython's default is 10."""
OLD_COLLECTION_EVERY: Final = 100
"""Middle collections before a full one is considered; CPython's default is 10."""


@contextmanager
def paused() -> Iterator[None]:
    """No collections inside the block; the collector is left as it was found (so pauses nest)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def pace() -> None:
    """Set the desk's collector pace for the rest of the process."""
    gc.set_threshold(YOUNG_COLLECTION_EVERY, MIDDLE_COLLECTION_EVERY, OLD_COLLECTION_EVERY)
