"""Event log texts written the slow, obvious way: the dict form every log before rows holds, and the row form."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any


def plain(value: Any) -> Any:
    """``value`` as JSON-ready data: a dataclass as a dict in field order, enums, decimals and times as text."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple):
        return [plain(item) for item in value]
    return value


def dict_form(event: Any) -> str:
    """The dict form: what the log held for every event before rows (and still holds for most)."""
    return json.dumps(plain(event), separators=(",", ":"), ensure_ascii=False)


def row_form(event: Any, layout: int = 1) -> str:
    """The row form: the layout number, then the values by position."""
    return json.dumps([layout, *plain(event).values()], separators=(",", ":"), ensure_ascii=False)
