"""The allocation book: the desk's allocation templates and each block's basis, versions and release.

A desk view (see ``projections.DeskView``): it follows the allocation events and saves itself in the
snapshot as those events' JSON text, so it comes back exactly after a restart.

A fill (or a bust) that arrives after a block's allocation was released never changes a released version: the
late quantity stays in the block's own account and the allocation shows as out of date (``Block.out_of_date``)
until a PM proposes and releases a supplement, which allocates only what filled since the last release. A bust or
correction of a released fill is settled the same way by a corrective version (see ``rules``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from app.engine.allocation.terms import ZERO, AllocationTemplate, SettledFill
from app.engine.events import (
    AllocationProposed,
    AllocationReleased,
    AllocationTemplateRemoved,
    AllocationTemplateSaved,
    BlockBasisSet,
)
from app.engine.ids import OrderId
from app.engine.order import Order
from app.engine.serialization import from_json, to_json

_UNTIMED = datetime.min.replace(tzinfo=UTC)
"""What templates and bases are restored with: they keep no time of their own (the log has it)."""


@dataclass(frozen=True, slots=True)
class Version:
    """One proposed version of a block's allocation, and when it was made."""

    proposed: AllocationProposed
    at: datetime
    fills: dict[str, SettledFill] = field(default_factory=dict)
    """Every venue fill this version and the releases before it account for, by ExecID (what ``proposed`` names,
    over the fills of the version it builds on); empty for a version logged before versions named their fills."""

    def stale_for(self, order: Order) -> bool:
        """Whether the block has filled (or been busted or corrected) since this version was made."""
        return order.cum_qty != self.proposed.block_qty or order.avg_px != self.proposed.avg_px


@dataclass(slots=True)
class Block:
    """A block order's allocation: its pre-trade basis, every version proposed, and those released."""

    order_id: OrderId
    basis: AllocationTemplate
    versions: list[Version] = field(default_factory=list)
    releases: list[tuple[AllocationReleased, datetime]] = field(default_factory=list)
    """Each release (the first, then any supplements) and when; every released version is locked."""

    @property
    def release(self) -> AllocationReleased | None:
        """The latest release, or None."""
        return self.releases[-1][0] if self.releases else None

    def released(self, version: int) -> bool:
        """Whether ``version`` was released."""
        return any(release.version == version for release, _ in self.releases)

    @property
    def latest(self) -> Version | None:
        """The newest version, if any."""
        return self.versions[-1] if self.versions else None

    def version(self, number: int) -> Version:
        """Version ``number`` (numbered from 1)."""
        return self.versions[number - 1]

    def settled(self, order: Order) -> dict[str, SettledFill]:
        """The venue fills the latest release accounts for, by ExecID, as they stood then (for a release logged
        before versions named their fills: the first of ``order``'s fills that made up its quantity)."""
        assert self.release is not None
        released = self.version(self.release.version)
        if released.fills:
            return released.fills
        proposed = released.proposed
        found: dict[str, SettledFill] = {}
        for fill in standing_fills(order).values():
            if sum((f.qty for f in found.values()), ZERO) >= proposed.block_qty:
                break
            found[fill.exec_id] = fill
        return found

    def released_fills_changed(self, order: Order) -> bool:
        """Whether a fill of the latest release was busted or corrected since (a corrective version is due)."""
        standing = standing_fills(order)
        return any(standing.get(exec_id) != fill for exec_id, fill in self.settled(order).items())

    def out_of_date(self, order: Order) -> bool:
        """Released, and the block has changed since the latest release: a late fill (in the block's account), or
        a bust or correction of a released fill (the funds still hold what the release gave them)."""
        if self.release is None:
            return False
        return self.version(self.release.version).stale_for(order) or standing_fills(order) != self.settled(order)


def standing_fills(order: Order) -> dict[str, SettledFill]:
    """The order's venue fills not busted, as the venue last stated them, by ExecID in the order they arrived."""
    return {
        exec_id: SettledFill(exec_id, fill.qty, fill.px) for exec_id, fill in order.fills.items() if not fill.busted
    }


def _fills_of(block: Block, proposed: AllocationProposed) -> dict[str, SettledFill]:
    """Every fill ``proposed`` accounts for: those it names, over those of the version it builds on less the busted."""
    named = {fill.exec_id: fill for fill in proposed.settled}
    if not proposed.since:
        return named
    fills = dict(block.version(proposed.since).fills)
    for exec_id in proposed.busted:
        fills.pop(exec_id, None)
    fills.update(named)
    return fills


class AllocationBook:
    """Every allocation template by name, and every block by order id."""

    name = "allocations"
    event_types: tuple[type, ...] = (
        AllocationTemplateSaved,
        AllocationTemplateRemoved,
        BlockBasisSet,
        AllocationProposed,
        AllocationReleased,
    )

    def __init__(self) -> None:
        self.templates: dict[str, AllocationTemplate] = {}
        self.blocks: dict[OrderId, Block] = {}

    def apply(self, event: Any, ts: datetime) -> None:
        """Take in one allocation event."""
        kind = type(event)
        if kind is AllocationTemplateSaved:
            self.templates[event.template.name] = event.template
        elif kind is AllocationTemplateRemoved:
            self.templates.pop(event.name, None)
        elif kind is BlockBasisSet:
            self.blocks[event.order_id] = Block(event.order_id, event.template)
        elif kind is AllocationProposed:
            block = self.blocks[event.order_id]
            block.versions.append(Version(event, ts, _fills_of(block, event)))
        elif kind is AllocationReleased:
            self.blocks[event.order_id].releases.append((event, ts))

    def rows(self) -> list[tuple[Any, ...]]:
        """The templates, then each block's basis, versions and release, as the events' JSON text."""
        rows: list[tuple[Any, ...]] = [
            ("template", to_json(AllocationTemplateSaved(t))) for t in self.templates.values()
        ]
        for block in self.blocks.values():
            rows.append(("basis", to_json(BlockBasisSet(block.order_id, block.basis))))
            rows += [("version", to_json(v.proposed), v.at.isoformat()) for v in block.versions]
            rows += [("released", to_json(release), at.isoformat()) for release, at in block.releases]
        return rows

    def load_rows(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Restore what ``rows`` wrote."""
        kinds = {"template": AllocationTemplateSaved, "basis": BlockBasisSet}
        timed = {"version": AllocationProposed, "released": AllocationReleased}
        for kind, text, *at in rows:
            if kind in kinds:
                self.apply(from_json(kinds[kind], text), _UNTIMED)
            else:
                self.apply(from_json(timed[kind], text), datetime.fromisoformat(at[0]))
