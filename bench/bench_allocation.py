"""Allocation: how big the versions of a block with many fills are in the log, and how long a proposal takes.

A block of 1,000 fills is allocated and released; then one fill is busted and one late fill arrives, and the
corrective version and the supplement that settle them are measured as stored (their JSON). Each is compared in
the same run with the same event naming every fill the block's release accounts for (as versions did before they
named only what changed). Headline: the corrective version's size.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from app.engine.allocation.terms import AllocationTemplate, TargetBasis, TemplateLeg
from app.engine.commands import SubmitOrder
from app.engine.engine import Engine
from app.engine.events import AllocationProposed
from app.engine.ids import AccountId, OrderId
from app.engine.serialization import to_json
from bench.harness import figure
from tests.support.engine_kit import PM, open_engine, spec
from tests.support.reports import VenueOrder

FILLS = 1_000
TEMPLATE = AllocationTemplate(
    "BENCH",
    TargetBasis.PCT,
    (
        TemplateLeg(AccountId("FUND1"), Decimal(50)),
        TemplateLeg(AccountId("FUND2"), Decimal(30)),
        TemplateLeg(AccountId("FUND3"), Decimal(20)),
    ),
    rate_bps=Decimal(5),
)


def _settle(engine: Engine, order_id: OrderId) -> tuple[AllocationProposed, float]:
    """Propose and release the next version; the version and how long the proposal took."""
    start = time.perf_counter()
    result = engine.propose_allocation(order_id, PM)
    took = time.perf_counter() - start
    assert result.accepted, result.message
    block = engine.book.allocations.blocks[order_id]
    latest = block.versions[-1]
    assert engine.release_allocation(order_id, latest.proposed.version, PM).accepted
    return latest.proposed, took


def _sizes(engine: Engine, order_id: OrderId, proposed: AllocationProposed) -> tuple[int, int]:
    """The stored size of ``proposed`` and of the same version naming every fill it accounts for."""
    block = engine.book.allocations.blocks[order_id]
    whole = replace(proposed, settled=tuple(block.version(proposed.version).fills.values()), since=0)
    return len(to_json(proposed)), len(to_json(whole))


def main() -> None:
    """Print the figures, the corrective version's stored size last."""
    with tempfile.TemporaryDirectory() as folder:
        engine, _ = open_engine(Path(folder) / "desk.sqlite3")
        assert engine.save_allocation_template(TEMPLATE, PM, ("BLOCK", "FUND1", "FUND2", "FUND3")).accepted
        submitted = engine.submit(
            SubmitOrder(
                spec(qty=Decimal(10 * FILLS + 10), account=AccountId("BLOCK"), trader=PM),
                PM,
                allocation_template="BENCH",
            )
        )
        assert submitted.order_id is not None, submitted.message
        order_id = submitted.order_id
        venue = VenueOrder(order_id, 10 * FILLS + 10)
        engine.apply_venue_messages([venue.ack()])
        fills = [venue.fill(10, Decimal("10") + Decimal(i % 100) / 100) for i in range(FILLS)]
        engine.apply_venue_messages(fills)
        first, took = _settle(engine, order_id)
        figure("allocation_first_version_bytes", len(to_json(first)), "bytes")
        figure("allocation_first_proposal", took * 1e3, "ms")
        engine.apply_venue_messages([venue.fill(10, Decimal("12.5"))])
        supplement, took = _settle(engine, order_id)
        named, whole = _sizes(engine, order_id, supplement)
        figure("allocation_supplement_bytes_every_fill", whole, "bytes")
        figure("allocation_supplement_bytes", named, "bytes")
        engine.apply_venue_messages([venue.bust(fills[0])])
        corrective, took = _settle(engine, order_id)
        named, whole = _sizes(engine, order_id, corrective)
        figure("allocation_corrective_proposal", took * 1e3, "ms")
        figure("allocation_corrective_bytes_every_fill", whole, "bytes")
        figure("allocation_corrective_bytes", named, "bytes")
        engine.store.close()


if __name__ == "__main__":
    main()
