"""The desk's risk limits as a projection of ``LimitChanged`` events, and the limits that apply to one order.

Limits are data: each is set, changed or removed only by an event naming who, what, the old and the new
value, so the log is their audit trail and a restart (snapshot or replay) gives them back exactly. For
an order, each limit kind and level resolves to the most specific scope that matches it (see
app/engine/risk/limit_keys.py); the resolution is cached per order shape until a limit changes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from app.engine.events import LimitChanged
from app.engine.order import OrderSpec
from app.engine.risk.limit_keys import LimitKey, Scope, candidates
from app.engine.risk.limit_kinds import LIMIT_KINDS
from app.engine.risk.trading_day import DayRoll
from app.engine.risk.verdict import Severity

_CACHE_SIZE = 10_000


class Applied(NamedTuple):
    """A limit as it applies to one order: its value, its text, and the scope it was set on."""

    value: Any
    text: str
    scope: Scope

    def where(self) -> str:
        """'for account ACC1' or 'for the desk'."""
        return f"for {self.scope.describe()}"


class OrderLimits:
    """The limits that apply to one order shape (account, trader, symbol, venue), by kind and level."""

    def __init__(self, resolved: dict[tuple[str, Severity], Applied]) -> None:
        self._resolved = resolved

    def get(self, name: str, level: Severity = Severity.BLOCK) -> Applied | None:
        """The ``name`` limit at ``level``, or None when none is set (or defaulted)."""
        return self._resolved.get((name, level))


class Limits:
    """Every limit the desk has set; a ``DeskView`` (rows are kept in the snapshot).

    A removed limit stays as an empty value, so ``seeded`` tells a desk that has never had limits (first
    start: load the limits file) from one whose supervisor removed them all.
    """

    name = "risk_limits"
    event_types: tuple[type, ...] = (LimitChanged,)

    def __init__(self) -> None:
        self.texts: dict[LimitKey, str] = {}
        self._by_kind: dict[tuple[str, Severity], dict[Scope, Applied]] = {}
        self._cache: dict[tuple[str, str, str, str], OrderLimits] = {}
        self._day_roll: DayRoll | None = None
        """``day_roll``'s answer until a limit changes: the projections ask for it with every fill."""
        self._day_span: tuple[datetime, datetime] | None = None
        """The trading day last asked about, from its roll to the next (cleared when a limit changes)."""
        for kind in LIMIT_KINDS.values():
            if kind.default:
                defaulted = Applied(kind.parse(kind.default), kind.default, Scope())
                self._by_kind[(kind.name, Severity.BLOCK)] = {Scope(): defaulted}

    @property
    def seeded(self) -> bool:
        """Whether any limit has ever been set on this desk."""
        return bool(self.texts)

    def text(self, key: LimitKey) -> str:
        """The value set for ``key`` as written, or "" when none is set."""
        return self.texts.get(key, "")

    def accounts(self) -> frozenset[str]:
        """Every account a limit in force is set for."""
        return frozenset(key.scope.account for key, text in self.texts.items() if text and key.scope.account)

    def items(self) -> list[tuple[LimitKey, str]]:
        """Every limit in force (not removed), sorted by kind, level and scope."""
        return sorted((key, text) for key, text in self.texts.items() if text)

    def changes_to(self, limits: Mapping[LimitKey, str], *, replace_all: bool) -> list[tuple[LimitKey, str, str]]:
        """What would make the limits in force those of ``limits``, as (key, old, new): each it sets differently,
        and when it is to ``replace_all``, each in force it does not name, removed (new "")."""
        changes = [(key, self.text(key), text) for key, text in sorted(limits.items()) if self.text(key) != text]
        if replace_all:
            changes += [(key, text, "") for key, text in self.items() if key not in limits]
        return changes

    def apply(self, event: LimitChanged, ts: datetime) -> None:
        """Take in one change."""
        self._set(event.key, event.new)

    def _set(self, key: LimitKey, text: str) -> None:
        self.texts[key] = text
        scopes = self._by_kind.setdefault((key.name, key.level), {})
        kind = LIMIT_KINDS.get(key.name)
        if text and kind is not None:
            scopes[key.scope] = Applied(kind.parse(text), text, key.scope)
        elif kind is not None and kind.default and key.scope == Scope() and key.level is Severity.BLOCK:
            scopes[key.scope] = Applied(kind.parse(kind.default), kind.default, key.scope)
        else:
            scopes.pop(key.scope, None)
        self._cache.clear()
        self._day_roll = None
        self._day_span = None

    def for_order(self, spec: OrderSpec) -> OrderLimits:
        """The limits that apply to ``spec``'s account, trader, symbol and venue."""
        return self.for_scope(spec.account, spec.trader, spec.symbol, spec.destination)

    def for_scope(self, account: str = "", trader: str = "", symbol: str = "", venue: str = "") -> OrderLimits:
        """The limits that apply to what these fields name (an account, a venue; the desk when none is given)."""
        shape = (account, trader, symbol, venue)
        found = self._cache.get(shape)
        if found is None:
            if len(self._cache) >= _CACHE_SIZE:
                self._cache.clear()
            found = self._cache[shape] = self._resolve(candidates(*shape))
        return found

    def setting(self, name: str, *, account: str = "", venue: str = "") -> Any:
        """The value of ``name`` (a kind with a default, such as ``reject_storm``) for an account or a venue."""
        applied = self.for_scope(account, venue=venue).get(name)
        return applied.value if applied is not None else LIMIT_KINDS[name].parse(LIMIT_KINDS[name].default)

    def day_roll(self) -> DayRoll:
        """When the trading day ends: the desk's ``trading_day_roll``."""
        roll = self._day_roll
        if roll is None:
            roll = self._day_roll = self.setting("trading_day_roll")
        return roll

    def day_began(self, now: datetime) -> datetime:
        """When the trading day ``now`` is in began (the last roll), for windows that stop at the roll."""
        span = self._day_span
        if span is None or not span[0] <= now < span[1]:
            roll = self.day_roll()
            span = self._day_span = (roll.begins(now), roll.ends(now))
        return span[0]

    def _resolve(self, scopes: tuple[Scope, ...]) -> OrderLimits:
        resolved: dict[tuple[str, Severity], Applied] = {}
        for kind_level, by_scope in self._by_kind.items():
            hit = next((by_scope[s] for s in scopes if s in by_scope), None)
            if hit is not None:
                resolved[kind_level] = hit
        return OrderLimits(resolved)

    def rows(self) -> list[tuple[Any, ...]]:
        """Every key ever set, with its current text ("" when removed)."""
        return [(k.name, k.level.value, *k.scope.values(), text) for k, text in self.texts.items()]

    def load_rows(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Restore what ``rows`` wrote."""
        for name, level, account, trader, symbol, venue, text in rows:
            self._set(LimitKey(name, Severity(level), Scope(account, trader, symbol, venue)), text)


def limit_problem(key: LimitKey, text: str) -> str:
    """What is wrong with setting ``key`` to ``text`` (empty: remove it), in words; "" when nothing is."""
    kind = LIMIT_KINDS.get(key.name)
    if kind is None:
        return f"There is no risk limit called {key.name!r}; the limits are: {', '.join(LIMIT_KINDS)}."
    if key.level not in kind.levels:
        allowed = " or ".join(sorted(level.value for level in kind.levels))
        return f"{key.name} can be set at level {allowed}, not {key.level.value}."
    if any(value != value.strip() for value in key.scope.values()):
        return f"The scope of {key.describe()} has spaces around a name."
    if not text.strip():
        return ""
    try:
        kind.read(text.strip())
    except ValueError as err:
        return f"{err}."
    return ""
