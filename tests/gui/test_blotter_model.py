"""The blotter model: changed rows repainted alone, new rows inserted where the sort puts them, filters."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QModelIndex, Qt
from pytestqt.qtbot import QtBot

from app.engine.commands import ReplaceOrder, SubmitOrder
from app.engine.engine import Engine
from app.engine.ids import OrderId
from app.engine.order import Amendment
from app.ui.blotter_columns import COLUMNS
from app.ui.blotter_model import BlotterModel, StatusGroup
from tests.support.engine_kit import TRADER, spec
from tests.support.reports import VenueOrder

QTY = [c.title for c in COLUMNS].index("Qty")
SYMBOL = [c.title for c in COLUMNS].index("Symbol")


def submit(engine: Engine, **overrides: object) -> OrderId:
    order_id = engine.submit(SubmitOrder(spec(**overrides), TRADER)).order_id
    assert order_id is not None
    return order_id


def column(model: BlotterModel, col: int) -> list[str]:
    return [model.index(row, col).data() for row in range(model.rowCount())]


def test_a_report_repaints_only_its_own_row(engine: Engine) -> None:
    ids = [submit(engine) for _ in range(5)]
    model = BlotterModel(engine.ledger)
    painted: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda first, last, _roles: painted.append((first.row(), last.row())))
    engine.apply_venue_messages([VenueOrder(ids[3], 100).ack()])
    model.refresh([ids[3]])
    assert painted == [(3, 3)]


def test_new_orders_are_inserted_not_reset(engine: Engine) -> None:
    model = BlotterModel(engine.ledger)
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    model.modelReset.connect(lambda: inserted.append((-1, -1)))
    model.refresh([submit(engine), submit(engine)])
    assert inserted == [(0, 1)]


def test_sorted_rows_stay_sorted_as_orders_arrive_and_change(engine: Engine) -> None:
    ids = [submit(engine, qty=Decimal(q)) for q in (300, 100, 200)]
    model = BlotterModel(engine.ledger)
    model.sort(QTY, Qt.SortOrder.DescendingOrder)
    assert column(model, QTY) == ["300", "200", "100"]
    model.refresh([submit(engine, qty=Decimal(250))])
    assert column(model, QTY) == ["300", "250", "200", "100"]
    venue = VenueOrder(ids[1], 100)
    engine.apply_venue_messages([venue.ack()])
    model.sort(SYMBOL, Qt.SortOrder.AscendingOrder)
    model.refresh([ids[1]])
    assert model.row_of(ids[1]) is not None


def test_a_changed_sort_key_moves_the_row(engine: Engine) -> None:
    small, big = submit(engine, qty=Decimal(100)), submit(engine, qty=Decimal(300))
    model = BlotterModel(engine.ledger)
    model.sort(QTY, Qt.SortOrder.AscendingOrder)
    venue = VenueOrder(small, 100)
    engine.apply_venue_messages([venue.ack()])
    assert engine.replace(ReplaceOrder(small, Amendment(Decimal(500), Decimal(10)), TRADER)).accepted
    amend = engine.ledger.orders[small].chain[-1].cl_ord_id
    engine.apply_venue_messages([venue.replaced(amend, 500)])
    model.refresh([small])
    assert [model.row_of(big), model.row_of(small)] == [0, 1]
    assert column(model, QTY) == ["300", "500"]


def test_the_filter_keeps_a_status_group_and_matches_every_search_word(qtbot: QtBot, engine: Engine) -> None:
    working = submit(engine, symbol="AAPL")
    submit(engine, symbol="MSFT")
    filled = submit(engine, symbol="AAPL", account="ACC2")
    venue = VenueOrder(filled, 100)
    engine.apply_venue_messages([venue.ack(), venue.fill(100)])
    model = BlotterModel(engine.ledger)
    model.set_group(StatusGroup.WORKING)
    assert model.rowCount() == 2
    model.set_group(StatusGroup.DONE)
    assert column(model, 0) == [filled]
    model.set_group(StatusGroup.ALL)
    model.set_search("aapl acc1")
    assert column(model, 0) == [working]
    model.set_search("filled")
    assert column(model, 0) == [filled]


def test_under_a_filter_and_a_sort_orders_enter_leave_and_move_as_they_change(engine: Engine) -> None:
    small, big = submit(engine, qty=Decimal(100)), submit(engine, qty=Decimal(300))
    model = BlotterModel(engine.ledger)
    model.sort(QTY, Qt.SortOrder.DescendingOrder)
    model.set_group(StatusGroup.WORKING)
    removed: list[int] = []
    model.rowsRemoved.connect(lambda _parent, first, _last: removed.append(first))
    venue = VenueOrder(big, 300)
    engine.apply_venue_messages([venue.ack(), venue.fill(300)])
    model.refresh([big])
    assert removed == [0]  # filled: no longer working
    assert column(model, QTY) == ["100"]
    middle = submit(engine, qty=Decimal(200))
    model.refresh([middle])
    assert column(model, QTY) == ["200", "100"]
    assert [model.row_of(middle), model.row_of(small), model.row_of(big)] == [0, 1, None]
    model.set_group(StatusGroup.ALL)
    assert column(model, QTY) == ["300", "200", "100"]
    model.sort(-1)  # back to arrival order
    assert model.shown_ids() == [small, big, middle]
    assert model.index(0, 0).parent() == QModelIndex()


def test_a_reset_shows_a_rebuilt_ledger_with_the_filter_and_sort_kept(engine: Engine) -> None:
    first = submit(engine, symbol="AAPL", qty=Decimal(100))
    model = BlotterModel(engine.ledger)
    model.sort(QTY, Qt.SortOrder.DescendingOrder)
    model.set_search("aapl")
    engine.reload()
    second = submit(engine, symbol="AAPL", qty=Decimal(200))
    submit(engine, symbol="MSFT")
    model.reset(engine.ledger)
    assert model.shown_ids() == [second, first]
