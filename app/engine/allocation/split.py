"""The allocation arithmetic: a block's quantity split over accounts, and its notional and commission in cents.

Every split is pro-rata and follows one stated rule, so the parts always sum EXACTLY to the whole:

1. Each account's exact share is worked out as a fraction (never rounded): the total times its weight over
   the sum of the weights.
2. Each account first gets its share rounded DOWN to a whole number of units (lots for a quantity, cents
   for money).
3. What is left (the residual) goes one unit at a time to the accounts with the largest remainder (exact
   share minus what they got), ties going to the account listed first; no account gets more than one unit.
   When the total is not a whole number of lots, the last, smaller piece (the odd lot) goes to the next
   account in that same ranking.

So each part is within one unit of its exact share, no part is negative, and the same inputs always give
the same parts. Money totals are the exact sum rounded to the cent (notionals half up, commissions half-even),
then split by the same rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from math import floor

RESIDUAL_RULE = (
    "Each account gets its exact share rounded down to a whole lot (or cent); the residual goes one lot (or "
    "cent) at a time to the largest remainders, ties to the account listed first."
)
"""The residual rule, as the allocation editor states it."""

CENT = Decimal("0.01")
BPS = Fraction(1, 10_000)


def split_quantity(total: Decimal, weights: Sequence[Decimal], lot: Decimal = Decimal(1)) -> list[Decimal]:
    """``total`` split pro-rata over ``weights`` (target quantities or percentages) in whole ``lot``s.

    The parts sum exactly to ``total``; a total that is not a whole number of lots leaves one odd lot,
    which goes by the residual rule too. Weights must not be negative and at least one must be positive.
    """
    if lot <= 0:
        raise ValueError(f"The lot size must be positive, not {lot}.")
    if total < 0:
        raise ValueError(f"Cannot split a negative quantity ({total}).")
    if any(w < 0 for w in weights) or not any(w > 0 for w in weights):
        raise ValueError("Split weights must not be negative, and at least one must be above zero.")
    places = max(_places(total), _places(lot))
    scale = 10**places
    whole = int(total * scale)
    weight_sum = sum((Fraction(w) for w in weights), Fraction(0))
    shares = [whole * Fraction(w) / weight_sum for w in weights]
    return [Decimal(part).scaleb(-places) for part in _distribute(whole, shares, int(lot * scale))]


def split_cents(exact: Sequence[Fraction], *, half_even: bool = False) -> tuple[Decimal, list[Decimal]]:
    """Exact money amounts rounded to cents: the total (their exact sum, half up, or ``half_even``) and parts that
    sum to it."""
    cents = [amount * 100 for amount in exact]
    whole = sum(cents, Fraction(0))
    total = round(whole) if half_even else _round_half_up(whole)
    return Decimal(total).scaleb(-2), [Decimal(part).scaleb(-2) for part in _distribute(total, cents, 1)]


PX_PLACES = 8
"""The decimal places a price made by averaging fills is stated to (half-even); its notional stays exact."""


def stated_px(exact: Fraction) -> Decimal:
    """An exact average price to ``PX_PLACES`` decimal places, half-even, without trailing zeros."""
    px = Decimal(round(exact * 10**PX_PLACES)).scaleb(-PX_PLACES)
    return px.quantize(Decimal(1)) if px == px.to_integral_value() else px.normalize()


def notional_exact(qty: Decimal, px: Decimal | Fraction) -> Fraction:
    """Quantity times price, exactly."""
    return Fraction(qty) * Fraction(px)


def commission_exact(qty: Decimal, px: Decimal | Fraction, rate_bps: Decimal) -> Fraction:
    """The commission on ``qty`` at ``px`` at ``rate_bps`` basis points of the notional, exactly."""
    return notional_exact(qty, px) * Fraction(rate_bps) * BPS


def _distribute(total: int, shares: Sequence[Fraction], unit: int) -> list[int]:
    """``total`` (in the smallest units) as whole ``unit``s by the residual rule; ``shares`` are the exact parts."""
    parts = [floor(share / unit) * unit for share in shares]
    residual = total - sum(parts)
    ranking = sorted(range(len(shares)), key=lambda i: (parts[i] - shares[i], i))  # largest remainder first
    for i in ranking:
        if residual <= 0:
            break
        piece = min(unit, residual)
        parts[i] += piece
        residual -= piece
    return parts


def _round_half_up(value: Fraction) -> int:
    """``value`` to the nearest whole number, halves away from zero (as ``ROUND_HALF_UP`` does)."""
    magnitude = floor(abs(value) + Fraction(1, 2))
    return magnitude if value >= 0 else -magnitude


def _places(value: Decimal) -> int:
    """How many decimal places ``value`` needs."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0
