"""The pre-trade risk gate's contract: every new order and every amend passes it before the wire.

A verdict is data. A denial names the rule and the values that decided it, in words for the trader; the
engine records it as an event. The gate reads the whole book (orders, positions, limits, recent activity)
as the engine holds it at the moment of the check.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Protocol

from app.engine.order import Amendment, Order, OrderSpec
from app.engine.risk.verdict import ALLOW, Finding, Severity, Verdict

if TYPE_CHECKING:
    from app.engine.projections import Projections


class RiskGate(Protocol):
    """Checks an order before it may be sent."""

    def check_new(self, spec: OrderSpec, book: Projections) -> Verdict:
        """The verdict on a new order."""
        ...

    def check_amend(self, order: Order, amendment: Amendment, book: Projections) -> Verdict:
        """The verdict on new terms for a working order."""
        ...


class DestinationGate:
    """The venue must be set up: the one check the desk makes with no limits, and one check of the full gate.

    An order to a destination with no FIX session is denied here, as a decision the trader sees, rather
    than failing when its message is staged.
    """

    rule = "destination"

    def __init__(self, destinations: Collection[str]) -> None:
        self.destinations = frozenset(destinations)

    def finding(self, destination: str) -> Finding | None:
        """Why an order cannot go to ``destination``, or None when it can."""
        if destination in self.destinations:
            return None
        known = ", ".join(sorted(self.destinations)) or "none"
        reason = f"No session is set up for venue {destination} (set up: {known})."
        return Finding(Severity.BLOCK, self.rule, known, destination, reason)

    def check_new(self, spec: OrderSpec, book: Projections) -> Verdict:
        """Deny an order to a venue with no session."""
        found = self.finding(spec.destination)
        return ALLOW if found is None else Verdict.of([found])

    def check_amend(self, order: Order, amendment: Amendment, book: Projections) -> Verdict:
        """An amend goes where its order went."""
        return ALLOW
