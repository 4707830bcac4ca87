"""The fills a position let go of, read back from the log: its symbol's executions and allocation releases applied
again, in log order, to positions that keep every fill.

A position lets go of older fills only once the log holds them (``Positions.let_go``, after a batch commits), and
reads them back only for a bust or correction of one of them (or a block's release), so this is rare and may be slow.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from operator import attrgetter

from app.engine.allocation.moves import move_block
from app.engine.events import AllocationReleased, ExecutionApplied
from app.engine.ids import AccountId
from app.engine.positions import FillKey, Positions
from app.engine.projections import Projections, apply_fill
from app.engine.serialization import from_json
from app.engine.store import EventStore

_KINDS: dict[str, type[ExecutionApplied | AllocationReleased]] = {
    kind.__name__: kind for kind in (ExecutionApplied, AllocationReleased)
}
"""The events that move positions, by the kind the log names them with."""


class LoggedFills:
    """A ``FillHistory`` over the log, read up to ``through`` (the log's end when positions last let go of fills)."""

    def __init__(self, store: EventStore, book: Projections, through: int) -> None:
        self.store, self.book, self.through = store, book, through

    def fills(self, account: AccountId, symbol: str) -> Mapping[FillKey, tuple[Decimal, Decimal]]:
        """Every fill of ``account``'s ``symbol`` position standing at ``through``, in the order they arrived."""
        orders = self.book.ledger.orders
        records = sorted(
            (
                record
                for order_id, order in orders.items()
                if order.spec.symbol == symbol
                for record in self.store.read_order(order_id)
                if record.seq <= self.through and record.kind in _KINDS
            ),
            key=attrgetter("seq"),
        )
        replayed = Positions()  # with no history: it keeps every fill
        for record in records:
            event = from_json(_KINDS[record.kind], record.data)
            order = orders[event.order_id]
            if isinstance(event, ExecutionApplied):
                if event.counted:
                    apply_fill(replayed.get(order.spec.account, symbol), order, event)
            elif isinstance(event, AllocationReleased):
                allocation = self.book.allocations.blocks[event.order_id].version(event.version).proposed
                move_block(replayed, order, allocation)
        return replayed.get(account, symbol).fills
