"""Read one value of the FIX sessions file: check its type and range and convert it, or say what is wrong.

Each reader takes the value tomllib produced and returns the typed value, or raises ``ConfigValueError`` whose text
names the key, what it must be, and what was written (``port must be a whole number from 1 to 65535, not
99999``). ``close_match`` suggests the key or name that was probably meant.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from datetime import time
from enum import StrEnum
from typing import Final, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from app.engine.fix.schedule import SessionSchedule

T = TypeVar("T")
E = TypeVar("E", bound=StrEnum)
Reader = Callable[[str, object], T]
"""Check and convert one value from the file, given its key; raise ``ConfigValueError`` if it will not do."""

NON_STOP: Final = "non-stop"
"""The ``schedule`` value of a session that never closes."""

SCHEDULE_KEYS: Final = ("start", "end", "time_zone", "weekdays_only")
"""The keys a daily ``schedule`` table may have."""

_TIME: Final = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])(?::([0-5][0-9]))?")
_SCHEDULE_EXAMPLE: Final = '{ start = "08:00", end = "17:00", time_zone = "Europe/London" }'


class ConfigValueError(ValueError):
    """A value in the sessions file will not do; the text says why. ``keys`` name the values at fault
    when they are not the one being read (two values that disagree)."""

    def __init__(self, problem: str, *keys: str) -> None:
        super().__init__(problem)
        self.keys = keys


def close_match(word: str, choices: Iterable[str]) -> str:
    """``'; did you mean "x"?'`` for the choice closest to ``word``, or an empty string if none is close."""
    matches = difflib.get_close_matches(word, list(choices), n=1)
    return f'; did you mean "{matches[0]}"?' if matches else ""


def shown(value: object) -> str:
    """A value as it would be written in the file, for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return str(value)


def whole_number(low: int, high: int, unit: str = "") -> Reader[int]:
    """An integer from ``low`` to ``high`` inclusive (not a bool, not a float such as ``2.5``)."""

    def read(key: str, value: object) -> int:
        if type(value) is not int or not low <= value <= high:
            raise ConfigValueError(f"{key} must be a whole number{unit} from {low} to {high}, not {shown(value)}")
        return value

    return read


def flag(key: str, value: object) -> bool:
    """``true`` or ``false``."""
    if not isinstance(value, bool):
        raise ConfigValueError(f"{key} must be true or false, not {shown(value)}")
    return value


def matching(pattern: str, what: str) -> Reader[str]:
    """A string matching ``pattern`` in full; ``what`` describes the pattern to a person."""
    compiled = re.compile(pattern)

    def read(key: str, value: object) -> str:
        if not isinstance(value, str) or not compiled.fullmatch(value):
            raise ConfigValueError(f"{key} must be {what}, not {shown(value)}")
        return value

    return read


def one_of(choices: type[E]) -> Reader[E]:
    """One of the enumeration's values, written as text."""
    allowed = [member.value for member in choices]

    def read(key: str, value: object) -> E:
        if isinstance(value, str) and value in allowed:
            return choices(value)
        hint = close_match(value, allowed) if isinstance(value, str) else ""
        listed = ", ".join(f'"{choice}"' for choice in allowed)
        raise ConfigValueError(f"{key} must be one of {listed}, not {shown(value)}{hint}")

    return read


def time_of_day(key: str, value: object) -> time:
    """A wall-clock time: the text ``"HH:MM"`` or ``"HH:MM:SS"`` (24-hour), or a TOML local time."""
    if isinstance(value, time) and value.tzinfo is None:
        return value
    found = _TIME.fullmatch(value) if isinstance(value, str) else None
    if found is None:
        raise ConfigValueError(f'{key} must be a time written "HH:MM" or "HH:MM:SS" (24-hour), not {shown(value)}')
    hours, minutes, seconds = found.groups()
    return time(int(hours), int(minutes), int(seconds or 0))


def time_zone(key: str, value: object) -> ZoneInfo:
    """A time zone by its IANA name, such as ``"America/New_York"`` or ``"UTC"``."""
    if isinstance(value, str) and value:
        try:
            return ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            pass
        raise ConfigValueError(
            f"{key} {shown(value)} is not a known time zone{close_match(value, available_timezones())}"
        )
    raise ConfigValueError(f'{key} must be a time zone name such as "America/New_York", not {shown(value)}')


def schedule(key: str, value: object) -> SessionSchedule:
    """``"non-stop"`` or a table ``{ start, end, time_zone = "UTC", weekdays_only = false }``."""
    if value == NON_STOP:
        return SessionSchedule()
    if not isinstance(value, dict):
        raise ConfigValueError(f'{key} must be "{NON_STOP}" or a table such as {_SCHEDULE_EXAMPLE}, not {shown(value)}')
    for name in value:
        if name not in SCHEDULE_KEYS:
            raise ConfigValueError(f'unknown key "{name}" in {key}{close_match(name, SCHEDULE_KEYS)}')
    if "start" not in value or "end" not in value:
        raise ConfigValueError(f"{key} needs both start and end, such as {_SCHEDULE_EXAMPLE}")
    start = time_of_day(f"{key} start", value["start"])
    end = time_of_day(f"{key} end", value["end"])
    if start == end:
        never_closes = f'a session that never closes has {key} = "{NON_STOP}"'
        raise ConfigValueError(f"{key} start and end are both {start:%H:%M:%S}; {never_closes}")
    zone = time_zone(f"{key} time_zone", value.get("time_zone", "UTC"))
    weekdays_only = flag(f"{key} weekdays_only", value.get("weekdays_only", False))
    return SessionSchedule(start, end, zone, weekdays_only)
