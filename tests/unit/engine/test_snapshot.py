"""A snapshot brings back exactly the book it was taken of, and holds nothing but plain values."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from app.engine import snapshot
from app.engine.errors import StoreCorruptError
from app.engine.projections import Projections
from tests.support.reports import VenueOrder
from tests.unit.engine.order_desk import Desk


def _busy_desk(tmp_path: Path) -> Desk:
    """One order through an amend, a partial fill, a bust and a correction, plus an unknown-order report."""
    desk = Desk(tmp_path)
    desk.steps("ack", "fill40", "replace", "replaced")
    first = desk.venue.fill(10, 11)
    second = desk.venue.fill(5, 12)
    desk.send(first, second, desk.venue.bust(first))
    desk.send(VenueOrder("NOT-OURS", 10).ack())
    desk.engine.positions.set_mark("AAPL", Decimal("10.25"))
    desk.steps("cancel")
    return desk


def _state(book: Projections) -> tuple[object, ...]:
    ledger, positions = book.ledger, book.positions
    return (
        ledger.orders,
        ledger.by_cl_ord_id,
        ledger.ids_issued,
        ledger.orphan_anomalies,
        positions.by_key,
        positions.marks,
    )


def test_a_loaded_snapshot_equals_the_book_in_every_field(tmp_path: Path) -> None:
    book = _busy_desk(tmp_path).engine.book
    loaded = snapshot.load(snapshot.dump(book), snapshot.SCHEMA_VERSION)
    assert loaded is not None
    assert _state(loaded) == _state(book)
    assert book.ledger.orphan_anomalies == 1
    assert any(fill.busted for order in book.ledger for fill in order.fills.values())


def test_a_loaded_book_keeps_working(tmp_path: Path) -> None:
    desk = Desk(tmp_path)
    desk.steps("ack", "fill40")
    desk.engine.snapshot()
    desk.engine.reload()
    desk.steps("fill40")
    assert (desk.order.cum_qty, desk.order.tally_qty) == (Decimal(80), Decimal(80))


@pytest.mark.parametrize("blob", [b"", b"not a pickle", snapshot.dump(Projections())[:-5]])
def test_a_damaged_snapshot_is_reported_as_damaged(blob: bytes) -> None:
    with pytest.raises(StoreCorruptError, match="snapshot of the book is damaged"):
        snapshot.load(blob, snapshot.SCHEMA_VERSION)
