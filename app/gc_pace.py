"""The garbage collector's pace for a desk process: fewer, larger young collections, start-up objects set aside.

Every execution report read makes a few dozen short-lived containers (its fields, its parsed message, the
engine's event), and the book keeps growing. At CPython's default pace (a young collection every 700
allocations) ``bench/bench_fix.py``'s stages measured the collector at about a third of the desk path's time per
report. Reference counting frees nearly all of those objects anyway; the collector is only there for cycles, so
it can run far less often. (The desktop also freezes the loaded book and window once they are up, in
``app/__main__.py``, so full collections skip them.)
"""

from __future__ import annotations

import gc
from typing import Final

YOUNG_COLLECTION_EVERY: Final = 20_000
"""Container allocations (net of frees) between young collections; CPython's default is 700."""
MIDDLE_COLLECTION_EVERY: Final = 50
"""Young collections between collections of the middle generation; CPython's default is 10."""
OLD_COLLECTION_EVERY: Final = 100
"""Middle collections before a full one is considered; CPython's default is 10."""


def pace_collector() -> None:
    """Set the desk's collector pace for the rest of the process."""
    gc.set_threshold(YOUNG_COLLECTION_EVERY, MIDDLE_COLLECTION_EVERY, OLD_COLLECTION_EVERY)
