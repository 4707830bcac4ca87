"""The limits file: the risk limits a new desk starts with, read from TOML once, at its first start.

After that first start limits change only by a supervisor's audited command, never by editing the file.
Layout: one ``[[limits]]`` table per scope and level; ``account``, ``trader``, ``symbol`` and ``venue``
name the scope (leave them out for the whole desk), ``level`` is ``"block"`` (the default) or ``"warn"``,
and every other key is a limit (app/engine/risk/limit_kinds.py lists them)::

    [[limits]]                    # the whole desk
    max_order_qty = 100_000
    price_band_pct = 5

    [[limits]]
    level = "warn"
    max_order_notional = 250_000

    [[limits]]
    symbol = "XYZ"
    restricted = "Inside information: compliance hold"

``load_limits`` returns every limit or raises ``ConfigError`` naming the file, the line and each problem.
Loading a file into a running desk merges it (the limits it does not name stay) unless a supervisor chooses to
replace all limits with it (those it does not name are removed); ``limits_loaded`` says which, in words.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from app.engine.errors import ConfigError, ConfigProblem
from app.engine.fix.config import read_text, syntax_problem
from app.engine.fix.config_lines import TomlLines
from app.engine.fix.config_values import close_match, shown
from app.engine.risk.limit_keys import FIELDS, LimitKey, Scope
from app.engine.risk.limit_kinds import LIMIT_KINDS
from app.engine.risk.limits import limit_problem
from app.engine.risk.verdict import Severity

TABLE: Final = "limits"
_LEVELS: Final = {Severity.BLOCK.value: Severity.BLOCK, Severity.WARN.value: Severity.WARN}


def default_limits_path() -> Path:
    """The limits file shipped with the program, for the demo desk."""
    return Path(__file__).resolve().parents[3] / "resources" / "limits.toml"


def load_limits(path: Path) -> dict[LimitKey, str]:
    """Every limit in the file at ``path``, as text; ``ConfigError`` listing every problem found."""
    text = read_text(path)
    try:
        document = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(path, [syntax_problem(str(error), text)]) from None
    lines = TomlLines(text)
    problems: list[ConfigProblem] = []
    limits: dict[LimitKey, str] = {}
    for name in document:
        if name != TABLE:
            problems.append(ConfigProblem(lines.key(("", 0), name), f'unknown key "{name}"; write [[{TABLE}]] tables'))
    tables = document.get(TABLE, [])
    if not isinstance(tables, list):
        problems.append(ConfigProblem(lines.key(("", 0), TABLE), f"write [[{TABLE}]] (two brackets) for each table"))
        tables = []
    for n, table in enumerate(tables):
        _read_table(table, lambda key, n=n: lines.key((TABLE, n), key), limits, problems)
    if problems:
        raise ConfigError(path, problems)
    return limits


def _read_table(table: dict[str, Any], line: Any, limits: dict[LimitKey, str], problems: list[ConfigProblem]) -> None:
    """Read one ``[[limits]]`` table into ``limits``; note each problem with its line."""
    scope_values = [table.get(name, "") for name in FIELDS]
    for name, value in zip(FIELDS, scope_values, strict=True):
        if not isinstance(value, str) or value != value.strip():
            problems.append(ConfigProblem(line(name), f"{name} must be a name in quotes, not {shown(value)}"))
            return
    level = _LEVELS.get(str(table.get("level", "block")))
    if level is None:
        problems.append(ConfigProblem(line("level"), f'level must be "block" or "warn", not {shown(table["level"])}'))
        return
    scope = Scope(*scope_values)
    for name, value in table.items():
        if name in FIELDS or name == "level":
            continue
        if name not in LIMIT_KINDS:
            choices = [*LIMIT_KINDS, *FIELDS, "level"]
            problems.append(ConfigProblem(line(name), f'unknown limit "{name}"{close_match(name, choices)}'))
            continue
        if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
            problems.append(ConfigProblem(line(name), f"{name} must be a number or text, not {shown(value)}"))
            continue
        key, written = LimitKey(name, level, scope), str(value)
        problem = limit_problem(key, written) or ("" if written.strip() else f"{name} is empty")
        if key in limits:
            problem = f"{key.describe()} is set twice"
        if problem:
            problems.append(ConfigProblem(line(name), problem.rstrip(".")))
        else:
            limits[key] = written.strip()


def limits_loaded(source: str, named: int, changes: Sequence[tuple[LimitKey, str, str]], *, replace_all: bool) -> str:
    """What loading the limits file ``source`` (naming ``named`` limits) did by ``changes`` (key, old, new)."""
    removed = sum(1 for _, _, new in changes if not new)
    changed, same = len(changes) - removed, named - (len(changes) - removed)
    kept = f"; {same} already so" if same else ""
    if not replace_all:
        if not changes:
            return f"Every limit in {source} is already set so; nothing changed."
        return f"Loaded {source}: {changed} limits changed{kept}. Limits it does not name are unchanged."
    if not changes:
        return f"The limits in force are already exactly those of {source}; nothing changed."
    return f"Replaced all limits with {source}: {changed} limits changed{kept}, {removed} not in it removed."
