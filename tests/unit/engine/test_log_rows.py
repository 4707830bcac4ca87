"""A log written before ExecutionApplied became a row, continued by this program: it verifies and rebuilds the same
book, by replay alone and through a snapshot."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from app.engine.commands import SubmitOrder
from app.engine.engine import Engine
from app.engine.enums import Side
from app.engine.events import ExecutionApplied
from app.engine.ids import AccountId, ClOrdId
from app.engine.serialization import to_json
from tests.support.engine_kit import TRADER, open_engine, spec
from tests.support.log_forms import dict_form
from tests.support.reports import VenueOrder


def _as_before_rows(event: Any) -> str:
    """What the engine wrote for ``event`` before rows: the dict form for executions too."""
    return dict_form(event) if isinstance(event, ExecutionApplied) else to_json(event)


def _book(engine: Engine) -> tuple[object, ...]:
    book = engine.book
    positions = {key: (p, list(p.fills.items())) for key, p in book.positions.by_key.items()}
    views = {view.name: view.rows() for view in book.desk_views}
    return dict(book.ledger.orders), positions, book.exposure.stakes, dict(book.exposure.sums), views


def _reopened(path: Path) -> Engine:
    engine, _ = open_engine(path, id_prefix="OEMS")
    return engine


def test_a_log_mixing_dict_and_row_executions_verifies_and_rebuilds_the_same_book(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "mixed.sqlite3"
    engine = _reopened(path)
    venues = [VenueOrder(f"R-{n}", 100) for n in range(3)]
    for n, venue in enumerate(venues):
        order = spec(qty=Decimal(100), side=(Side.BUY, Side.SELL)[n % 2], account=AccountId("ACC1"))
        engine.submit(SubmitOrder(order, TRADER, cl_ord_id=ClOrdId(venue.cl_ord_id)))
    with monkeypatch.context() as old:
        old.setattr("app.engine.engine.execution_json", dict_form)  # the plain reports' path
        old.setattr("app.engine.engine.to_json", _as_before_rows)  # the general rules' path
        first = venues[0].fill(30, 10)
        engine.apply_venue_messages([v.ack() for v in venues] + [first, venues[1].fill(20, 11)])
        engine.apply_venue_messages([venues[0].bust(first)])
    engine.apply_venue_messages([venues[0].fill(50, 12), venues[1].fill(80, 11), venues[2].fill(100, 9)])
    engine.apply_venue_messages([venues[0].bust(venues[0].fill(10, 12))])  # a row by the general rules

    texts = [e.data for e in engine.store.read() if e.kind == "ExecutionApplied"]
    assert {text[0] for text in texts} == {"{", "["}, "the log should hold both forms"
    live = _book(engine)
    assert engine.store.verify_chain() == engine.store.last_seq
    engine.store.close()

    replayed = _reopened(path)
    assert replayed.store.latest_snapshot() is None
    assert _book(replayed) == live
    replayed.snapshot()
    replayed.store.close()
    restored = _reopened(path)
    assert restored.store.latest_snapshot() is not None
    assert _book(restored) == live
    restored.store.close()
