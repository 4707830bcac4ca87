"""Snapshots of the projections: versioned, loaded only by a program that understands their version.

A snapshot is a pickle of the projections read back by an unpickler that admits only the engine's own
data classes and a few standard types (no functions, no attribute paths), so a doctored file cannot run
code. Its schema version is stored beside it: a snapshot from a newer program is refused with a clear
error, one from an older program is migrated when a migration exists and otherwise set aside so the log
is replayed from the start (never misread).
"""

from __future__ import annotations

import dataclasses
import gc
import io
import pickle
from enum import Enum
from typing import Any

from app.engine.errors import SnapshotVersionError, StoreCorruptError
from app.engine.ledger import OrderLedger
from app.engine.positions import Positions
from app.engine.projections import Projections

SCHEMA_VERSION = 1
"""Raise this whenever a class inside the projections changes shape, and add a migration if you can."""

_STANDARD_CLASSES = {
    ("decimal", "Decimal"),
    ("datetime", "datetime"),
    ("datetime", "timezone"),
    ("datetime", "timedelta"),
}
_PLAIN_CLASSES = (Projections, OrderLedger, Positions)
"""The engine's classes a snapshot may hold besides dataclasses and enums."""


def dump(projections: Projections) -> bytes:
    """The projections as snapshot bytes."""
    gc.disable()
    try:
        return pickle.dumps(projections, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        gc.enable()


def load(blob: bytes, schema_version: int) -> Projections | None:
    """The projections in ``blob``, or None when it is from an older schema this program cannot migrate."""
    if schema_version > SCHEMA_VERSION:
        raise SnapshotVersionError(
            f"The saved book was written by a newer version of this program (snapshot schema {schema_version}, "
            f"this program reads up to {SCHEMA_VERSION}). Run the newer version, or move the data file aside."
        )
    if schema_version < SCHEMA_VERSION:
        return None
    gc.disable()  # unpickling makes millions of objects; collection passes would more than double the time
    try:
        loaded = _EngineUnpickler(io.BytesIO(blob)).load()
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError) as err:
        raise StoreCorruptError(f"The saved snapshot of the book is damaged ({err}).") from err
    finally:
        gc.enable()
    if not isinstance(loaded, Projections):
        raise StoreCorruptError("The saved snapshot does not hold a book of orders.")
    return loaded


class _EngineUnpickler(pickle.Unpickler):
    """Admits only the engine's own data classes (defined where the pickle says) and a few standard types."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _STANDARD_CLASSES:
            return super().find_class(module, name)
        if module.startswith("app.engine.") and "." not in name:
            found = super().find_class(module, name)
            if isinstance(found, type) and found.__module__ == module and _is_state_class(found):
                return found
        raise pickle.UnpicklingError(f"a snapshot may not name {module}.{name}")


def _is_state_class(cls: type) -> bool:
    return dataclasses.is_dataclass(cls) or issubclass(cls, Enum) or cls in _PLAIN_CLASSES
