"""The kill switch's vocabulary: what a switch covers (its scope), how hard it stops (its grade), what set it off.

Plain values only, so the events that carry them stay plain and the GUI can offer them as choices.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.engine.order import OrderSpec

ALL_NAME = "ALL"
"""What a supervisor types to confirm a switch over everything."""


class ScopeKind(StrEnum):
    """Which orders a kill switch covers."""

    ALL = "all"
    """Every order of the desk."""
    VENUE = "venue"
    """Orders to one destination."""
    ACCOUNT = "account"
    """Orders for one account."""
    TRADER = "trader"
    """Orders entered for one trader."""
    SYMBOL = "symbol"
    """Orders in one symbol."""


class KillGrade(StrEnum):
    """How hard a kill switch stops trading in its scope."""

    HALT = "halt"
    """New orders and amends are refused; working orders keep working."""
    CANCEL_WORKING = "cancel_working"
    """Halt, and cancel every working order in scope."""
    REDUCE_ONLY = "reduce_only"
    """Only orders that reduce the position are allowed."""

    @property
    def label(self) -> str:
        """The grade in a supervisor's words."""
        return _GRADE_LABELS[self]


_GRADE_LABELS = {
    KillGrade.HALT: "halt: no new orders",
    KillGrade.CANCEL_WORKING: "halt and cancel working orders",
    KillGrade.REDUCE_ONLY: "reduce only",
}


class KillTrigger(StrEnum):
    """What set a kill switch off."""

    MANUAL = "manual"
    """A supervisor pressed it."""
    DAILY_LOSS = "daily_loss"
    """An account's realised loss for the day passed its limit."""
    REJECT_STORM = "reject_storm"
    """A venue rejected too many requests in too short a time."""
    SESSION_LOST = "session_lost"
    """A venue's line was down too long with orders working on it."""


class CancelRoute(StrEnum):
    """How the cancel of one order a switch caught goes to its venue."""

    MASS = "mass"
    """Covered by the one OrderMassCancelRequest (35=q) sent to its venue."""
    SINGLE = "single"
    """Its own OrderCancelRequest (35=F)."""
    DEFERRED = "deferred"
    """A cancel or amend of the order was already awaiting the venue: its cancel goes once that is answered."""


@dataclass(frozen=True, slots=True)
class Scope:
    """The orders a kill switch covers: a kind and, except for everything, the venue, account, trader or symbol."""

    kind: ScopeKind
    target: str = ""

    @classmethod
    def everything(cls) -> Scope:
        """Every order of the desk."""
        return cls(ScopeKind.ALL)

    def covers(self, spec: OrderSpec) -> bool:
        """Whether an order with these terms is in scope."""
        kind = self.kind
        if kind is ScopeKind.ALL:
            return True
        if kind is ScopeKind.VENUE:
            return spec.destination == self.target
        if kind is ScopeKind.ACCOUNT:
            return spec.account == self.target
        if kind is ScopeKind.TRADER:
            return spec.trader == self.target
        return spec.symbol == self.target

    @property
    def name(self) -> str:
        """What a supervisor types to confirm: ``ALL``, or the venue, account, trader or symbol."""
        return ALL_NAME if self.kind is ScopeKind.ALL else self.target

    def describe(self) -> str:
        """The scope in words: 'everything', 'venue SIMA'."""
        return "everything" if self.kind is ScopeKind.ALL else f"{self.kind.value} {self.target}"

    def problem(self) -> str | None:
        """What is wrong with this scope, or None: every kind but everything names its target."""
        if self.kind is not ScopeKind.ALL and not self.target.strip():
            return f"Name the {self.kind.value} the kill switch is for."
        if self.kind is ScopeKind.ALL and self.target:
            return "A kill switch over everything names no venue, account, trader or symbol."
        return None

    def confirmed_by(self, typed: str) -> bool:
        """Whether ``typed`` is this scope's name (case and surrounding spaces aside)."""
        return typed.strip().casefold() == self.name.casefold()
