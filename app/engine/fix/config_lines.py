"""Find the line a table or key sits on in a TOML file: tomllib gives values but not where they were written.

A table is named by its header and, for an array of tables, its position: ``("defaults", 0)`` is
``[defaults]``, ``("session", 2)`` the third ``[[session]]``, ``("", 0)`` the top of the file. A key is
found by the first part of its name at the start of a line (``port = ...``, ``schedule.start = ...``) or
as a sub-table header (``[session.schedule]`` puts ``schedule`` in the last ``[[session]]``). Keys written
inside sub-tables or multi-line strings are not indexed; asking for one gives None, and the caller falls
back to the table's header line.
"""

from __future__ import annotations

import re
from typing import Final

TableId = tuple[str, int]
"""A table's header name and its position among tables of that name (0 unless an array of tables)."""

TOP: Final[TableId] = ("", 0)
"""The keys before the first table header."""

_BARE_OR_QUOTED: Final = r"""(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')"""
_KEY: Final = re.compile(rf"\s*({_BARE_OR_QUOTED})\s*[.=]")
_ARRAY_HEADER: Final = re.compile(rf"\s*\[\[\s*({_BARE_OR_QUOTED}(?:\s*\.\s*{_BARE_OR_QUOTED})*)\s*\]\]")
_TABLE_HEADER: Final = re.compile(rf"\s*\[\s*({_BARE_OR_QUOTED}(?:\s*\.\s*{_BARE_OR_QUOTED})*)\s*\]")
_DOT: Final = re.compile(r"\s*\.\s*")


class TomlLines:
    """Line numbers (from 1) of the tables and keys of one TOML text."""

    def __init__(self, text: str) -> None:
        self._headers: dict[TableId, int] = {TOP: 1}
        self._keys: dict[tuple[TableId, str], int] = {}
        self._arrays: dict[str, int] = {}
        current: TableId | None = TOP
        for number, line in enumerate(text.splitlines(), start=1):
            current = self._read_line(number, line, current)

    def header(self, table: TableId) -> int | None:
        """The line of the table's header (1 for the top of the file), or None if it has none."""
        return self._headers.get(table)

    def key(self, table: TableId, key: str) -> int | None:
        """The line where ``key`` is set in ``table``, or failing that the table's header line."""
        return self._keys.get((table, key), self.header(table))

    def _read_line(self, number: int, line: str, current: TableId | None) -> TableId | None:
        """Index one line; return the table the following lines belong to (None: a sub-table, not indexed)."""
        if array := _ARRAY_HEADER.match(line):
            name = ".".join(_parts(array.group(1)))
            position = self._arrays.get(name, -1) + 1
            self._arrays[name] = position
            return self._open((name, position), number)
        if table := _TABLE_HEADER.match(line):
            parts = _parts(table.group(1))
            if len(parts) == 1:
                return self._open((parts[0], 0), number)
            parent = parts[0]
            self._remember((parent, self._arrays.get(parent, 0)), parts[1], number)
            return None
        if current is not None and (key := _KEY.match(line)):
            self._remember(current, _unquote(key.group(1)), number)
        return current

    def _open(self, table: TableId, number: int) -> TableId:
        self._headers.setdefault(table, number)
        self._remember(TOP, table[0], number)
        return table

    def _remember(self, table: TableId, key: str, number: int) -> None:
        self._keys.setdefault((table, key), number)


def _parts(dotted: str) -> list[str]:
    return [_unquote(part) for part in _DOT.split(dotted.strip())]


def _unquote(key: str) -> str:
    return key[1:-1] if key[:1] in ('"', "'") else key
