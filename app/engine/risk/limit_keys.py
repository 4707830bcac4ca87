"""Where a limit applies: a scope of account, trader, symbol and venue, any of them left open.

A limit is named by its kind, its level (block or warn) and its scope. An empty field matches every
order; the desk-wide scope leaves all four open. ``PRECEDENCE`` orders the scopes an order can match from
most to least specific: more fields set wins, and between scopes naming as many fields, account beats
trader beats symbol beats venue. To make two limits bind together, set one on their combination.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product
from typing import Final

from app.engine.risk.verdict import Severity

FIELDS: Final = ("account", "trader", "symbol", "venue")
"""The scope's fields, in the order that breaks ties of specificity."""


@dataclass(frozen=True, slots=True, order=True)
class Scope:
    """Which orders a limit applies to; an empty field matches any order."""

    account: str = ""
    trader: str = ""
    symbol: str = ""
    venue: str = ""

    def describe(self) -> str:
        """The scope in words: 'account ACC1, symbol AAPL', or 'the desk'."""
        named = [f"{name} {value}" for name, value in zip(FIELDS, self.values(), strict=True) if value]
        return ", ".join(named) or "the desk"

    def values(self) -> tuple[str, str, str, str]:
        """The four fields in ``FIELDS`` order."""
        return (self.account, self.trader, self.symbol, self.venue)


DESK: Final = Scope()
"""Every order."""


@dataclass(frozen=True, slots=True, order=True)
class LimitKey:
    """One limit's name: its kind, level and scope."""

    name: str
    level: Severity
    scope: Scope

    def describe(self) -> str:
        """The key in words: 'max_order_qty (warn) for account ACC1'."""
        level = "" if self.level is Severity.BLOCK else f" ({self.level.value})"
        return f"{self.name}{level} for {self.scope.describe()}"


def _precedence() -> tuple[tuple[bool, ...], ...]:
    masks = list(product((True, False), repeat=len(FIELDS)))
    return tuple(sorted(masks, key=lambda mask: -sum(mask)))  # sorted() is stable: ties keep FIELDS order


PRECEDENCE: Final = _precedence()
"""Which fields of an order a scope names, most specific first."""


def candidates(account: str, trader: str, symbol: str, venue: str) -> tuple[Scope, ...]:
    """Every scope that matches an order with these fields, most specific first."""
    fields = (account, trader, symbol, venue)
    return tuple(
        Scope(*(value if keep else "" for value, keep in zip(fields, mask, strict=True))) for mask in PRECEDENCE
    )
