"""Dataclasses to JSON-ready values and back, driven by their type hints: used by the log and snapshots.

Decimals travel as strings (never floats), datetimes as ISO-8601 text, enums as their values. The plan
for each class is worked out once and cached, because this sits on the hot path of every event.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

T = TypeVar("T")

Encoder = Callable[[Any], Any]
Decoder = Callable[[Any], Any]


def encode(obj: Any) -> dict[str, Any]:
    """A dataclass instance as a dict of JSON-ready values."""
    return {name: enc(getattr(obj, name)) for name, enc, _ in _plan(type(obj))}


def decode(cls: type[T], data: dict[str, Any]) -> T:
    """An instance of dataclass ``cls`` from what ``encode`` made; missing optional fields take defaults."""
    kwargs = {name: dec(data[name]) for name, _, dec in _plan(cls) if name in data}
    return cls(**kwargs)


def _plan(cls: type) -> tuple[tuple[str, Encoder, Decoder], ...]:
    plan = _PLANS.get(cls)
    if plan is None:
        plan = _PLANS[cls] = _make_plan(cls)
    return plan


_PLANS: dict[type, tuple[tuple[str, Encoder, Decoder], ...]] = {}


def _make_plan(cls: type) -> tuple[tuple[str, Encoder, Decoder], ...]:
    hints = typing.get_type_hints(cls)
    return tuple((f.name, *_codec_for(hints[f.name])) for f in dataclasses.fields(cls) if f.init)


def _identity(value: Any) -> Any:
    return value


def _codec_for(hint: Any) -> tuple[Encoder, Decoder]:
    hint = _unwrap_newtype(hint)
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        return _optional_codec(hint)
    if origin in (list, set, frozenset, tuple):
        return _collection_codec(origin, typing.get_args(hint)[0])
    if hint is Decimal:
        return str, Decimal
    if hint is datetime:
        return datetime.isoformat, datetime.fromisoformat
    if isinstance(hint, type) and issubclass(hint, Enum):
        return _enum_value, hint
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        cls = hint
        return encode, lambda data: decode(cls, data)
    if hint in (str, int, bool):
        return _identity, _identity
    raise TypeError(f"serialization does not support fields of type {hint!r}")


def _enum_value(value: Enum) -> Any:
    return value.value


def _unwrap_newtype(hint: Any) -> Any:
    while hasattr(hint, "__supertype__"):
        hint = hint.__supertype__
    return hint


def _optional_codec(hint: Any) -> tuple[Encoder, Decoder]:
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if len(args) != 1:
        raise TypeError(f"serialization supports only 'X | None' unions, not {hint!r}")
    enc, dec = _codec_for(args[0])
    return (lambda v: None if v is None else enc(v)), (lambda v: None if v is None else dec(v))


def _collection_codec(origin: Any, item: Any) -> tuple[Encoder, Decoder]:
    enc, dec = _codec_for(item)
    if origin in (set, frozenset):
        # Sorted, so that the same state always serializes to the same text.
        return (lambda v: sorted(enc(x) for x in v)), (lambda v: origin(dec(x) for x in v))
    return (lambda v: [enc(x) for x in v]), (lambda v: origin(dec(x) for x in v))
