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
