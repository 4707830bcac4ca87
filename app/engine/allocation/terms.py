"""The terms of block allocation: templates (the pre-trade basis: accounts and targets) and allocation legs."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction

from app.engine.allocation.split import commission_exact
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

    def rate_of(self, account: AccountId) -> CommissionRate:
        """The commission rate for ``account``: its own, else the template's (basis points)."""
        for leg in self.legs:
            if leg.account == account and leg.rate_bps is not None:
                return CommissionRate(leg.rate_bps)
        return CommissionRate(self.rate_bps)

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


class CommissionBasis(StrEnum):
    """What a commission rate is counted in."""

    BPS = "bps"
    """Basis points of the leg's notional."""
    PER_SHARE = "per share"
    """An amount per share (unit) the leg moves."""


@dataclass(frozen=True, slots=True)
class CommissionRate:
    """A commission rate a PM sets on an account's leg: basis points of the notional, or an amount per share."""

    amount: Decimal
    basis: CommissionBasis = CommissionBasis.BPS

    def __str__(self) -> str:
        return f"{self.amount} {self.basis.value}"

    def exact(self, qty: Decimal, px: Decimal | Fraction) -> Fraction:
        """The commission on ``qty`` at ``px``, exactly (below zero when quantity is taken back)."""
        if self.basis is CommissionBasis.PER_SHARE:
            return Fraction(qty) * Fraction(self.amount)
        return commission_exact(qty, px, self.amount)

    def problem(self, account: str) -> str | None:
        """What is wrong with the rate for ``account``, in words, or None."""
        if not self.amount.is_finite() or self.amount < ZERO:
            return f"The commission rate for {account} cannot be {self.amount} {self.basis.value}."
        return None

    @classmethod
    def parse(cls, text: str) -> CommissionRate | None:
        """A rate as typed: "5" or "5 bps" (basis points), "0.02/sh" or "0.02 per share"; None if unreadable."""
        words = text.lower().replace(",", "").strip()
        basis = CommissionBasis.BPS
        for suffix, meant in (("bps", CommissionBasis.BPS), ("per share", CommissionBasis.PER_SHARE)):
            if words.endswith(suffix):
                words, basis = words.removesuffix(suffix), meant
        if words.endswith("/sh"):
            words, basis = words.removesuffix("/sh"), CommissionBasis.PER_SHARE
        try:
            amount = Decimal(words.strip())
        except InvalidOperation:
            return None
        return cls(amount, basis) if amount.is_finite() else None


@dataclass(frozen=True, slots=True)
class AllocationLeg:
    """One account's part of an allocation, at the block's average price."""

    account: AccountId
    qty: Decimal
    rate_bps: Decimal = ZERO
    notional: Decimal = ZERO
    """Quantity times the block's average price, in cents (the parts sum to the block's notional)."""
    commission: Decimal = ZERO
    """At the leg's rate, in cents, half-even (the parts sum to the block's commission)."""
    per_share: Decimal | None = None
    """A commission per share the PM set for this leg (``rate_bps`` is then zero); None: ``rate_bps`` applies."""

    @property
    def rate(self) -> CommissionRate:
        """The leg's commission rate."""
        if self.per_share is not None:
            return CommissionRate(self.per_share, CommissionBasis.PER_SHARE)
        return CommissionRate(self.rate_bps)


@dataclass(frozen=True, slots=True)
class SettledFill:
    """One venue fill as an allocation version accounted for it: its ExecID, quantity and price then."""

    exec_id: str
    qty: Decimal
    px: Decimal
