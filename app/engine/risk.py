"""The pre-trade risk gate's contract: every new order and every amend passes it before the wire.

A verdict is data. A denial names the rule and the values that decided it, in words for the trader; the
engine records it as an event. The checks themselves (limits, price bands, kill switch) implement this.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol

from app.engine.ledger import OrderLedger
from app.engine.order import Amendment, Order, OrderSpec
from app.engine.positions import Positions


@dataclass(frozen=True, slots=True)
class Verdict:
    """The gate's answer: allowed, or denied by ``rule`` for ``reason``."""

    allowed: bool
    rule: str = ""
    reason: str = ""


ALLOW = Verdict(True)


class RiskGate(Protocol):
    """Checks an order before it may be sent."""

    def check_new(self, spec: OrderSpec, ledger: OrderLedger, positions: Positions) -> Verdict:
        """The verdict on a new order."""
        ...

    def check_amend(self, order: Order, amendment: Amendment, ledger: OrderLedger, positions: Positions) -> Verdict:
        """The verdict on new terms for a working order."""
        ...


class DestinationGate:
    """The one check the desk makes until limits are configured (issue 5's gate): the venue must be set up.

    An order to a destination with no FIX session is denied here, as a decision the trader sees, rather
    than failing when its message is staged.
    """

    def __init__(self, destinations: Collection[str]) -> None:
        self.destinations = frozenset(destinations)

    def check_new(self, spec: OrderSpec, ledger: OrderLedger, positions: Positions) -> Verdict:
        """Deny an order to a venue with no session."""
        if spec.destination in self.destinations:
            return ALLOW
        known = ", ".join(sorted(self.destinations)) or "none"
        return Verdict(False, "destination", f"No session is set up for venue {spec.destination} (set up: {known}).")

    def check_amend(self, order: Order, amendment: Amendment, ledger: OrderLedger, positions: Positions) -> Verdict:
        """An amend goes where its order went."""
        return ALLOW
