"""What one check looks at: the terms being judged (``Intent``) and the state of the desk (``Context``).

A new order and an amend are judged the same way, on the terms that would be working afterwards; an
amend's own current stake is left out of the working sums so it is not counted twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

from app.engine.enums import Side
from app.engine.ids import OrderId
from app.engine.order import Amendment, Order, OrderSpec
from app.engine.prices import Quote, ReferencePrices
from app.engine.risk.limits import Applied, OrderLimits
from app.engine.risk.verdict import Finding, Severity

if TYPE_CHECKING:
    from app.engine.projections import Projections

LEVELS = (Severity.BLOCK, Severity.WARN)
"""The levels a threshold is checked at, hard first: a breach reports the hardest level it breaks."""


@dataclass(frozen=True, slots=True)
class Intent:
    """The terms judged: ``qty`` is the order's quantity, ``open_qty`` what could still execute."""

    spec: OrderSpec
    qty: Decimal
    open_qty: Decimal
    limit_px: Decimal | None
    stop_px: Decimal | None
    order_id: OrderId | None = None
    """The order being amended; None for a new order."""

    @classmethod
    def new(cls, spec: OrderSpec) -> Intent:
        """A new order's terms."""
        return cls(spec, spec.qty, spec.qty, spec.limit_px, spec.stop_px)

    @classmethod
    def amend(cls, order: Order, amendment: Amendment) -> Intent:
        """A working order's terms after ``amendment``."""
        open_qty = amendment.qty - order.cum_qty
        return cls(order.spec, amendment.qty, open_qty, amendment.limit_px, amendment.stop_px, order.order_id)

    @property
    def buy(self) -> bool:
        """Whether the order buys."""
        return self.spec.side is Side.BUY

    @property
    def own_price(self) -> Decimal | None:
        """The order's limit price, or its stop price; None for a market order."""
        return self.limit_px if self.limit_px is not None else self.stop_px

    def describe(self) -> str:
        """'buy 100 AAPL at 10' for messages."""
        px = self.own_price
        at = "at market" if px is None else f"at {px}"
        return f"{self.spec.side.label.lower()} {self.qty:,} {self.spec.symbol} {at}"


@dataclass(frozen=True, slots=True)
class Context:
    """The desk as a check sees it: the limits for this order, the book, the reference quote and the time.

    ``price`` values the order: its own price, or for a market order the quote's far side when the quote
    is fresh; None when it cannot be valued. ``stale`` says in words why the quote cannot be used ("" when
    it can).
    """

    limits: OrderLimits
    book: Projections
    prices: ReferencePrices
    quote: Quote | None
    now: datetime
    price: Decimal | None
    stale: str


class Check(Protocol):
    """One rule of the gate."""

    @property
    def rule(self) -> str:
        """The rule's name: the limit kind it reads."""
        ...

    def check(self, intent: Intent, ctx: Context) -> Finding | None:
        """What this rule finds against ``intent``, or None."""
        ...


def number(value: Decimal) -> str:
    """A quantity or price as people write it: grouped thousands, the digits it has."""
    return f"{value:,}"


def money(value: Decimal) -> str:
    """A notional: grouped thousands, two decimals."""
    return f"{value:,.2f}"


Measured = tuple[Decimal, str] | str | None
"""A threshold's figure and how it is made up (words, may be empty); or, as text, why it cannot be worked out
(the rule then blocks: it fails closed); or None when the rule does not apply to these terms."""


@dataclass(frozen=True, slots=True)
class Threshold:
    """A rule that compares one measured figure against a limit set at block and, optionally, warn level."""

    rule: str
    label: str
    measure: Callable[[Intent, Context], Measured]
    show: Callable[[Decimal], str] = number

    def check(self, intent: Intent, ctx: Context) -> Finding | None:
        """The hardest level the measured figure is over, if any."""
        applied = [(level, a) for level in LEVELS if (a := ctx.limits.get(self.rule, level)) is not None]
        if not applied:
            return None
        measured = self.measure(intent, ctx)
        if measured is None:
            return None
        if isinstance(measured, str):
            limit = applied[0][1]
            reason = f"{self.label} cannot be worked out, so the order is held back: {measured}"
            return Finding(Severity.BLOCK, self.rule, limit.text, "unknown", reason)
        value, parts = measured
        for level, limit in applied:
            if value > limit.value:
                return self.finding(level, limit, value, parts)
        return None

    def finding(self, level: Severity, limit: Applied, value: Decimal, parts: str) -> Finding:
        """The words for ``value`` over ``limit``."""
        soft = "" if level is Severity.BLOCK else "soft "
        made_of = f" ({parts})" if parts else ""
        figure, bound = self.show(value), self.show(limit.value)
        reason = f"{self.label} {figure}{made_of} is over the {soft}limit of {bound} {limit.where()}."
        return Finding(level, self.rule, limit.text, figure, reason)
