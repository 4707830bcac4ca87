"""The terms of block allocation: templates (the pre-trade basis: accounts and targets) and allocation legs."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from app.engine.ids import AccountId

ZERO = Decimal(0)
HUNDRED = Decimal(100)


class TargetBasis(StrEnum):
    """What a template's targets are."""

    QTY = "qty"
    """Target quantities: the fill is split in proportion to them (each gets its target when all is filled)."""
    PCT = "pct"
    """Percentages of the fill, summing to 100."""


@dataclass(frozen=True, slots=True)
class TemplateLeg:
    """One account of a template: its target and, if it differs from the template's, its commission rate."""

    account: AccountId
    target: Decimal
    rate_bps: Decimal | None = None
    """Commission in basis points of the notional; None takes the template's rate."""


@dataclass(frozen=True, slots=True)
class AllocationTemplate:
    """A named allocation basis: the accounts a block is split over and each one's target."""

    name: str
    basis: TargetBasis
    legs: tuple[TemplateLeg, ...]
    rate_bps: Decimal = ZERO
    """The commission rate of every leg that names none, in basis points of the notional."""
    lot: Decimal = Decimal(1)
    """Parts are whole lots (an odd lot left by the fill goes by the residual rule)."""

    def rate_of(self, account: AccountId) -> Decimal:
        """The commission rate for ``account``: its own, else the template's."""
        for leg in self.legs:
            if leg.account == account and leg.rate_bps is not None:
                return leg.rate_bps
        return self.rate_bps

    def problems(self, accounts: Collection[str]) -> list[str]:
        """What is wrong with the template, in words; ``accounts`` are the desk's accounts."""
        found: list[str] = []
        name = self.name.strip()
        if not name:
            found.append("Give the allocation template a name.")
        if not self.legs:
            found.append(f"Template {name} names no accounts.")
        seen: set[str] = set()
        for leg in self.legs:
            if leg.account not in accounts:
                known = ", ".join(sorted(accounts)) or "none yet"
                found.append(f"Template {name}: account {leg.account} is not one of this desk's accounts ({known}).")
            if leg.account in seen:
                found.append(f"Template {name} names account {leg.account} twice.")
            seen.add(leg.account)
            if not leg.target.is_finite() or leg.target <= 0:
                found.append(f"Template {name}: the target for {leg.account} must be above zero, not {leg.target}.")
            if leg.rate_bps is not None and (not leg.rate_bps.is_finite() or leg.rate_bps < 0):
                found.append(f"Template {name}: the commission rate for {leg.account} cannot be {leg.rate_bps}.")
        total = sum((leg.target for leg in self.legs if leg.target.is_finite()), ZERO)
        if self.basis is TargetBasis.PCT and self.legs and total != HUNDRED:
            found.append(f"Template {name}: the percentages add up to {total}, not 100.")
        if not self.rate_bps.is_finite() or self.rate_bps < 0:
            found.append(f"Template {name}: the commission rate cannot be {self.rate_bps}.")
        if not self.lot.is_finite() or self.lot <= 0:
            found.append(f"Template {name}: the lot size must be above zero, not {self.lot}.")
        return found


@dataclass(frozen=True, slots=True)
class AllocationLeg:
    """One account's part of an allocation, at the block's average price."""

    account: AccountId
    qty: Decimal
    rate_bps: Decimal = ZERO
    notional: Decimal = ZERO
    """Quantity times the block's average price, in cents (the parts sum to the block's notional)."""
    commission: Decimal = ZERO
    """At ``rate_bps`` of the notional, in cents (the parts sum to the block's commission)."""


@dataclass(frozen=True, slots=True)
class SettledFill:
    """One venue fill as an allocation version accounted for it: its ExecID, quantity and price then."""

    exec_id: str
    qty: Decimal
    px: Decimal
