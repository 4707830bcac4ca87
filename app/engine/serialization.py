"""Dataclasses to canonical JSON text and back, driven by their type hints: the format of the order log.

Decimals travel as strings (never floats), datetimes as ISO-8601 text, enums as their values, ``tuple[X, ...]``
as a JSON list, a missing optional field takes its default. The text is exactly what ``json.dumps(...,
separators=(",", ":"), ensure_ascii=False)`` gives for the dataclass as a dict in field order, so logs written
before this module was compiled still chain and read the same.

A class that says ``LOG_ROW_LAYOUT: ClassVar[int] = n`` (the commonest events) is written as a row instead: a JSON
array of the layout number ``n`` then its values by position, in field order, with no names (a third of the bytes
to write, hash and store). Its dict form written before still reads. A row may stop before trailing fields that have
defaults (they take them), so fields with defaults can be added at the end under the same layout; any other change
to the fields takes a new layout number, and this module then refuses rows of the old one until a reader for it is
added (it never guesses at positions).

This sits on the hot path of every event, so each class's plan is worked out once, from its type hints,
and compiled into one encoding and one decoding function (as ``dataclasses`` compiles ``__init__``).
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from enum import Enum
from json.encoder import encode_basestring
from typing import Any, TypeVar

T = TypeVar("T")


def to_json(obj: Any) -> str:
    """A dataclass instance as its canonical JSON text (a row if its class has a ``LOG_ROW_LAYOUT``)."""
    encode = _ENCODERS.get(type(obj))
    return _codec(type(obj)).encode(obj) if encode is None else encode(obj)


def from_json(cls: type[T], text: str) -> T:
    """An instance of dataclass ``cls`` from what ``to_json`` made (a row, or the dict form, which every log written
    before rows holds); missing optional fields take defaults."""
    data = _parsed(text)
    if isinstance(data, list):
        row: T = _codec(cls).decode_row(data)
        return row
    if not isinstance(data, dict):
        problem = f"expected a JSON object for {cls.__name__}, found {type(data).__name__}"
        raise ValueError(problem)  # noqa: TRY004 - the stored text is wrong, not the caller's argument
    decoded: T = _codec(cls).decode(data)
    return decoded


def _parsed(text: str) -> Any:
    """``json.loads(text)``, for a third of the cost: the C scanner called straight (``loads`` wraps it in Python
    layers that cost as much as scanning an event); anything it does not take whole goes to ``loads``, which reads
    surrounding whitespace or raises naming what is wrong."""
    try:
        value, end = _scan_once(text, 0)
    except StopIteration:
        return json.loads(text)
    return value if end == len(text) else json.loads(text)


_scan_once: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]  # set by __init__, untyped


@dataclasses.dataclass(frozen=True, slots=True)
class _Codec:
    encode: Callable[[Any], str]
    decode: Callable[[dict[str, Any]], Any]
    decode_row: Callable[[list[Any]], Any]


_CODECS: dict[type, _Codec] = {}
_ENCODERS: dict[type, Callable[[Any], str]] = {}
"""Each compiled class's encoder, one lookup away: ``to_json`` runs for every event recorded."""


def _codec(cls: type) -> _Codec:
    codec = _CODECS.get(cls)
    if codec is None:
        codec = _CODECS[cls] = _compile(cls)
        _ENCODERS[cls] = codec.encode
    return codec


def _compile(cls: type) -> _Codec:
    """Compile ``cls``'s plan into ``encode(obj) -> str`` (one f-string), ``decode(dict) -> obj`` and
    ``decode_row(list) -> obj``."""
    if not (dataclasses.is_dataclass(cls) and isinstance(cls, type)):
        raise TypeError(f"serialization supports dataclasses, not {cls!r}")
    hints = typing.get_type_hints(cls)
    layout = getattr(cls, "LOG_ROW_LAYOUT", None)
    scope: dict[str, Any] = {"cls": cls, "_s": encode_basestring, "_q": _quoted, "_refuse": _row_refusal(cls, layout)}
    pieces: list[str] = []
    row_pieces: list[str] = [f"[{layout}"]
    arguments: list[str] = []
    row_arguments: list[str] = []
    keywords: list[str] = []
    row_keywords: list[str] = []
    fields = [f for f in dataclasses.fields(cls) if f.init]
    for n, f in enumerate(fields):
        hint = hints[f.name]
        piece = _encode_piece(hint, f"o.{f.name}", scope)
        pieces.append(("," if pieces else "{{") + json.dumps(f.name) + ":" + piece)
        row_pieces.append("," + piece)
        value = _decode_expr(hint, f"d[{f.name!r}]", scope)
        row_value = _decode_expr(hint, f"r[{n + 1}]", scope)
        if f.default is not dataclasses.MISSING:
            scope[f"_default{n}"] = f.default
            value = f"({value} if {f.name!r} in d else _default{n})"
            row_value = f"({row_value} if n > {n + 1} else _default{n})"
        elif f.default_factory is not dataclasses.MISSING:
            raise TypeError(f"serialization does not support default factories ({cls.__name__}.{f.name})")
        named = f"{f.name}=" if f.kw_only else ""  # the rest by position: a third cheaper to call with
        (keywords if f.kw_only else arguments).append(named + value)
        (row_keywords if f.kw_only else row_arguments).append(named + row_value)
    text = "".join(pieces) + "}}" if pieces else "{{}}"
    if layout is not None:
        text = "".join(row_pieces) + "]"
    required = sum(f.default is dataclasses.MISSING for f in fields)
    row_check = f"r[:1] != [{layout}] or not {required} < n <= {len(fields) + 1}" if layout is not None else "True"
    source = (
        f"def encode(o):\n return f'''{text}'''\n"
        f"def decode(d):\n return cls({', '.join(arguments + keywords)})\n"
        f"def decode_row(r):\n n = len(r)\n if {row_check}:\n  _refuse(r)\n"
        f" return cls({', '.join(row_arguments + row_keywords)})\n"
    )
    exec(compile(source, f"<serialization of {cls.__qualname__}>", "exec"), scope)  # only field names in the source
    return _Codec(scope["encode"], scope["decode"], scope["decode_row"])


def _row_refusal(cls: type, layout: int | None) -> Callable[[list[Any]], None]:
    """What ``decode_row`` raises for a row it cannot read: not ``cls``'s layout, or the wrong number of values."""

    def refuse(row: list[Any]) -> None:
        if layout is None:
            raise ValueError(f"expected a JSON object for {cls.__name__}, found a row (list)")
        if row[:1] != [layout]:
            found = repr(row[0]) if row else "none"
            raise ValueError(
                f"a {cls.__name__} record is stored in row layout {found}, but this program reads layout {layout} "
                "only: it was written by another version of the program"
            )
        count = len(row) - 1
        raise ValueError(f"a {cls.__name__} record in row layout {layout} has {count} values, which does not fit")

    return refuse


def _quoted(text: Any) -> str:
    return '"' + str(text) + '"'


def _encode_piece(hint: Any, value: str, scope: dict[str, Any]) -> str:
    """The part of an f-string that writes ``value``, a field typed ``hint``, as JSON."""
    hint = _unwrap(hint)
    if hint is Decimal:
        return f'"{{{value}!s}}"'  # the quotes are literal: no call, no concatenation
    return "{" + _encode_expr(hint, value, scope) + "}"


def _encode_expr(hint: Any, value: str, scope: dict[str, Any]) -> str:
    """A Python expression (with no quote but ``"``) giving the JSON text of ``value``, a field typed ``hint``."""
    hint = _unwrap(hint)
    inner = _optional(hint)
    if inner is not None:
        return f'"null" if {value} is None else {_encode_expr(inner, value, scope)}'
    if hint is Decimal:
        return f"_q({value})"
    if hint is datetime:
        return f"_q({value}.isoformat())"
    if hint is bool:
        return f'("true" if {value} else "false")'
    if hint is int:
        return f"int.__repr__({value})"
    if hint is str or _is_str_enum(hint):
        return f"_s({value})"  # a StrEnum member is its value
    if (item := _tuple_item(hint)) is not None:
        return f'"[" + ",".join([{_encode_expr(item, "_x", scope)} for _x in {value}]) + "]"'
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        name = f"_encode_{hint.__name__}"
        scope[name] = _codec(hint).encode
        return f"{name}({value})"
    raise TypeError(f"serialization does not support fields of type {hint!r}")


def _decode_expr(hint: Any, value: str, scope: dict[str, Any]) -> str:
    """A Python expression turning the JSON value ``value`` back into a field typed ``hint``."""
    hint = _unwrap(hint)
    inner = _optional(hint)
    if inner is not None:
        return f"(None if {value} is None else {_decode_expr(inner, value, scope)})"
    if hint in (str, int, bool):
        return value
    if (item := _tuple_item(hint)) is not None:
        return f"tuple([{_decode_expr(item, '_x', scope)} for _x in {value}])"
    name = f"_decode_{getattr(hint, '__name__', 'value')}"
    if hint is Decimal or _is_str_enum(hint):  # a lookup in a dict of known values: no call
        scope[name] = _DECIMALS if hint is Decimal else _Members(hint)
        return f"{name}[{value}]"
    if hint is datetime:
        scope[name] = datetime.fromisoformat
    elif dataclasses.is_dataclass(hint) and isinstance(hint, type):
        scope[name] = _codec(hint).decode
    else:
        raise TypeError(f"serialization does not support fields of type {hint!r}")
    return f"{name}({value})"


class _DecimalTexts(dict[Any, Decimal]):
    """Decimal texts to their values, each converted once (``texts[text]``, a C-level dict lookup when known): a log
    repeats its prices and quantities a lot. Decimals never change, so one value serves every event that has it;
    the memo is emptied when it reaches ``_DECIMALS_KEPT`` texts, so a long day's distinct prices cannot pile up."""

    __slots__ = ()

    def __missing__(self, text: Any) -> Decimal:
        if len(self) >= _DECIMALS_KEPT:
            self.clear()
        value = self[text] = Decimal(text)
        return value


_DECIMALS_KEPT = 65_536
_DECIMALS = _DecimalTexts()


class _Members(dict[Any, Any]):
    """An enum's members by value: ``members[value]`` is one C-level dict lookup (calling the enum class is slow);
    an unknown value is a ValueError naming the enum."""

    __slots__ = ("_name",)

    def __init__(self, cls: type[Enum]) -> None:
        super().__init__((member.value, member) for member in cls)
        self._name = cls.__name__

    def __missing__(self, value: Any) -> Any:
        raise ValueError(f"{value!r} is not a valid {self._name}")


def _is_str_enum(hint: Any) -> bool:
    return isinstance(hint, type) and issubclass(hint, Enum) and issubclass(hint, str)


def _tuple_item(hint: Any) -> Any:
    """``X`` for a hint ``tuple[X, ...]`` (a JSON list), else None."""
    if typing.get_origin(hint) is not tuple:
        return None
    args = typing.get_args(hint)
    if len(args) != 2 or args[1] is not Ellipsis:
        raise TypeError(f"serialization supports only 'tuple[X, ...]' tuples, not {hint!r}")
    return args[0]


def _unwrap(hint: Any) -> Any:
    """The type under any ``NewType``s."""
    while hasattr(hint, "__supertype__"):
        hint = hint.__supertype__
    return hint


def _optional(hint: Any) -> Any:
    """``X`` for a hint ``X | None``, else None; any other union is refused."""
    if typing.get_origin(hint) not in (types.UnionType, typing.Union):
        return None
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if len(args) != 1 or len(typing.get_args(hint)) != 2:
        raise TypeError(f"serialization supports only 'X | None' unions, not {hint!r}")
    return args[0]
