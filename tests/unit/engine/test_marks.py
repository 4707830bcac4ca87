"""Positions follow the price book: each quote's mark becomes its symbol's mark, even after a reload."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from app.engine.marks import follow_marks
from app.engine.prices import PriceBook, Quote
from tests.support.engine_kit import open_engine

T0 = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)


def test_each_quote_with_a_mark_marks_its_symbol_and_a_reload_keeps_following(tmp_path: Path) -> None:
    engine, _ = open_engine(tmp_path / "desk.db")
    prices = PriceBook()
    follow_marks(prices, engine)
    prices.update([Quote("ACME", Decimal("9.98"), Decimal("10.02"), None, T0), Quote("BOLT", None, None, None, T0)])
    assert engine.positions.marks == {"ACME": Decimal(10)}
    engine.reload()
    prices.update([Quote("BOLT", None, None, Decimal("25.5"), T0)])
    assert engine.positions.marks["BOLT"] == Decimal("25.5")
    engine.close()
