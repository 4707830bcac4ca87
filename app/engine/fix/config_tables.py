"""Walk a parsed sessions file: ``[defaults]`` and each ``[[session]]``, every value read, every problem kept.

The layout is described in app/engine/fix/config.py. Each key is checked once, where it is written: a bad
default is reported on its own line, not again for every session that inherits it. A session with a
problem is left out of the result, and the walk goes on, so one mistake does not hide the ones after it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Generic, TypeVar

from app.engine.errors import ConfigProblem
from app.engine.fix.config_lines import TOP, TableId, TomlLines
from app.engine.fix.config_values import ConfigValueError, Reader, close_match

T = TypeVar("T")

DEFAULTS: Final = "defaults"
SESSION: Final = "session"
_SECTIONS: Final = (DEFAULTS, SESSION)


@dataclass(frozen=True)
class _Accepted:
    """A session whose every value was read without a problem."""

    position: int
    raw: Mapping[str, Any]
    values: dict[str, object]


@dataclass(frozen=True)
class SessionRules(Generic[T]):
    """What a session is made of: a reader per key, the keys it must have, and how to build it."""

    readers: Mapping[str, Reader[object]]
    required: Sequence[str]
    build: Callable[[dict[str, object]], T]
    """Make the session from its checked values; raises ``ConfigValueError`` naming a key if they disagree."""


def read_sessions(
    document: Mapping[str, Any], text: str, rules: SessionRules[T]
) -> tuple[list[T], list[ConfigProblem]]:
    """Every session of a parsed file (``text`` is its source, for line numbers), and every problem found."""
    walk = _Walk(TomlLines(text), rules)
    for key in document:
        if key not in _SECTIONS:
            walk.report(walk.lines.key(TOP, key), f'unknown key "{key}" at the top level{close_match(key, _SECTIONS)}')
    defaults = document.get(DEFAULTS, {})
    if isinstance(defaults, dict):
        walk.defaults, walk.broken_defaults = walk.read_table((DEFAULTS, 0), defaults)
    else:
        walk.report(walk.lines.key(TOP, DEFAULTS), "defaults must be a table: write [defaults] on a line of its own")
    accepted = []
    for position, raw in enumerate(_session_tables(document.get(SESSION), walk)):
        values = walk.read_session(position, raw)
        if values is not None:
            accepted.append(_Accepted(position, raw, values))
    walk.check_unique(accepted)
    built = (walk.build(session) for session in accepted)
    return [session for session in built if session is not None], walk.problems


def _session_tables(sessions: object, walk: _Walk[Any]) -> list[Mapping[str, Any]]:
    if isinstance(sessions, list) and sessions and all(isinstance(table, dict) for table in sessions):
        return sessions
    if isinstance(sessions, dict):
        walk.report(walk.lines.key(TOP, SESSION), "write [[session]] (two pairs of brackets) for each session")
    elif sessions is None or sessions == []:
        walk.report(None, "the file defines no sessions: add a [[session]] table for each FIX session")
    else:
        walk.report(walk.lines.key(TOP, SESSION), "session must be a [[session]] table for each FIX session")
    return []


def _session_label(position: int, raw: Mapping[str, Any]) -> str:
    """``session "SIMA"``, or ``session number 3`` when it has no usable name."""
    name = raw.get("name")
    return f'session "{name}"' if isinstance(name, str) and name else f"session number {position + 1}"


class _Walk(Generic[T]):
    """The problems found so far in one file, and where its keys are written."""

    def __init__(self, lines: TomlLines, rules: SessionRules[T]) -> None:
        self.lines = lines
        self.rules = rules
        self.problems: list[ConfigProblem] = []
        self.defaults: dict[str, object] = {}
        self.broken_defaults: set[str] = set()

    def report(self, line: int | None, problem: str) -> None:
        """Keep a problem found on ``line``."""
        self.problems.append(ConfigProblem(line, problem))

    def read_table(self, table: TableId, raw: Mapping[str, Any]) -> tuple[dict[str, object], set[str]]:
        """Read each key of one table; return the values read and the keys that were wrong."""
        values: dict[str, object] = {}
        broken: set[str] = set()
        where = "[defaults]" if table[0] == DEFAULTS else _session_label(table[1], raw)
        for key, value in raw.items():
            line = self.lines.key(table, key)
            if key not in self.rules.readers:
                self.report(line, f'unknown key "{key}" in {where}{close_match(key, self.rules.readers)}')
            elif table[0] == DEFAULTS and key == "name":
                self.report(line, "name cannot go in [defaults]: each session needs a name of its own")
            else:
                try:
                    values[key] = self.rules.readers[key](key, value)
                except ConfigValueError as error:
                    self.report(line, str(error))
                    broken.add(key)
        return values, broken

    def read_session(self, position: int, raw: Mapping[str, Any]) -> dict[str, object] | None:
        """The session's own values with its defaults filled in, or None if any is wrong or missing."""
        table = (SESSION, position)
        own, broken = self.read_table(table, raw)
        values = {**self.defaults, **own}
        broken |= self.broken_defaults - raw.keys()
        missing = [key for key in self.rules.required if key not in values and key not in broken]
        if missing:
            listed = " or ".join([", ".join(missing[:-1]), missing[-1]] if len(missing) > 1 else missing)
            them = "them" if len(missing) > 1 else "it"
            problem = f"{_session_label(position, raw)} has no {listed}; set {them} here or in [defaults]"
            self.report(self.lines.header(table), problem)
        return None if broken or missing else values

    def check_unique(self, accepted: Sequence[_Accepted]) -> None:
        """Report a session whose name, or whose (sender, target) CompID pair, an earlier session has."""
        name_lines: dict[object, int | None] = {}
        pair_owners: dict[tuple[object, object], object] = {}
        for session in accepted:
            name, sender, target = (session.values[key] for key in ("name", "sender_comp_id", "target_comp_id"))
            name_line = self.line_of(session, "name")
            if name in name_lines:
                where = f"line {name_lines[name]}"
                self.report(name_line, f'session name "{name}" is already used on {where}; each needs its own')
            name_lines.setdefault(name, name_line)
            if (sender, target) in pair_owners:
                problem = (
                    f'session "{name}" has the same sender_comp_id "{sender}" and target_comp_id "{target}" as'
                    f' session "{pair_owners[sender, target]}"; each session needs a pair of its own'
                )
                self.report(self.line_of(session, "target_comp_id"), problem)
            pair_owners.setdefault((sender, target), name)

    def build(self, session: _Accepted) -> T | None:
        """Make the session from its values, or report why they do not go together."""
        try:
            return self.rules.build(session.values)
        except ConfigValueError as error:
            self.report(self.line_of(session, *error.keys), str(error))
            return None

    def line_of(self, session: _Accepted, *keys: str) -> int | None:
        """Where the first of ``keys`` the file sets for this session was written: in its own table, else in
        ``[defaults]``; the session's header when the file sets none of them."""
        table = (SESSION, session.position)
        for key in keys:
            if key in session.raw:
                return self.lines.key(table, key)
        for key in keys:
            if key in self.defaults:
                return self.lines.key((DEFAULTS, 0), key)
        return self.lines.header(table)
