"""A block's allocation events in words, for the order's timeline."""

from __future__ import annotations

from app.engine.allocation.terms import TargetBasis
from app.engine.events import AllocationProposed, AllocationReleased, BlockBasisSet, Event


def allocation_text(event: Event) -> str | None:
    """What an allocation event of an order says, or None for any other event."""
    match event:
        case BlockBasisSet(template=template):
            unit = "%" if template.basis is TargetBasis.PCT else ""
            legs = ", ".join(f"{leg.account} {leg.target}{unit}" for leg in template.legs)
            return f"Block order; allocation template {template.name}: {legs}"
        case AllocationProposed(version=version, notional=notional, commission=commission) if event.is_corrective:
            return (
                f"Allocation version {version} {corrective_text(event)} (notional {notional}, commission {commission})"
            )
        case AllocationProposed(version=version, legs=legs, notional=notional, commission=commission):
            parts = ", ".join(f"{leg.account} {leg.qty}" for leg in legs)
            kind = f"supplement (filled since release: {event.qty})" if event.is_supplement else "proposed"
            return (
                f"Allocation version {version} {kind}: {parts} at {event.px} "
                f"(notional {notional}, commission {commission})"
            )
        case AllocationReleased(version=version):
            return f"Allocation version {version} released: positions moved to its accounts; the allocation is locked"
    return None


def corrective_text(proposed: AllocationProposed) -> str:
    """What a corrective version does: "corrects version 1 for the bust of EXEC-7: FUND1 -50, FUND2 -30 at 10", or
    "corrects version 1 for the correction of EXEC-7 in price: FUND1 100, FUND2 60 repriced by +0.05"."""
    changes = [f"the bust of {exec_id}" for exec_id in proposed.busted]
    changes += [f"the correction of {exec_id}" for exec_id in proposed.corrected]
    if proposed.reprices:
        legs = ", ".join(f"{leg.account} {leg.qty}" for leg in proposed.legs)
        return (
            f"corrects version {proposed.corrects} for {' and '.join(changes)} in price: {legs} repriced by "
            f"{proposed.px:+}"
        )
    legs = ", ".join(f"{leg.account} {leg.qty:+}" for leg in proposed.legs)
    return f"corrects version {proposed.corrects} for {' and '.join(changes)}: {legs} at {proposed.px}"
