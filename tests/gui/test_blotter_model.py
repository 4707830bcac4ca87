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
from app.ui.blotter_model import BlotterFilter, BlotterModel, StatusGroup
from tests.support.engine_kit import TRADER, spec
from tests.support.reports import VenueOrder

QTY = [c.title for c in COLUMNS].index("Qty")
SYMBOL = [c.title for c in COLUMNS].index("Symbol")


def submit(engine: Engine, **overrides: object) -> OrderId:
    order_id = engine.submit(SubmitOrder(spec(**overrides), TRADER)).order_id
    assert order_id is not None
    return order_id


def column(model: BlotterFilter | BlotterModel, col: int) -> list[str]:
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
    proxy = BlotterFilter(BlotterModel(engine.ledger))
    proxy.set_group(StatusGroup.WORKING)
    assert proxy.rowCount() == 2
    proxy.set_group(StatusGroup.DONE)
    assert column(proxy, 0) == [filled]
    proxy.set_group(StatusGroup.ALL)
    proxy.set_search("aapl acc1")
    assert column(proxy, 0) == [working]
    proxy.set_search("filled")
    assert column(proxy, 0) == [filled]


def test_the_proxy_passes_sorting_to_the_model(engine: Engine) -> None:
    for q in (2, 3, 1):
        submit(engine, qty=Decimal(q))
    proxy = BlotterFilter(BlotterModel(engine.ledger))
    proxy.sort(QTY, Qt.SortOrder.AscendingOrder)
    assert column(proxy, QTY) == ["1", "2", "3"]
    assert proxy.index(0, 0).parent() == QModelIndex()
