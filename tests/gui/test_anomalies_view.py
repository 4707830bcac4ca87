"""Anomalies on the desktop: a late fill, an overfill and an execution for an unknown order, produced through
the engine, show in the Anomalies tab, as a marker on the blotter row and as the status bar's red count; a
window opened after a restart shows them again at once; acknowledging a selection takes them off and the count
down, for good."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QIcon
from pytestqt.qtbot import QtBot

from app.engine.commands import SubmitOrder
from app.engine.engine import Engine
from app.engine.events import AnomalyKind
from app.engine.ids import OrderId
from app.ui.anomalies_view import ANOMALY_COLUMNS, QtAnomalies, anomaly_words
from app.ui.blotter_columns import CL_ORD_ID_COLUMN
from app.ui.main_window import MainWindow
from app.ui.order_timeline_view import QtOrderTimeline
from tests.support.engine_kit import SUPERVISOR, TRADER, VIEWER, open_engine, spec
from tests.support.reports import VenueOrder


def _cells(window: MainWindow) -> list[dict[str, str]]:
    model = window.anomalies.model
    titles = [title for title, _text, _numeric in ANOMALY_COLUMNS]
    return [{t: str(model.data(model.index(r, c))) for c, t in enumerate(titles)} for r in range(model.rowCount())]


def _filled_order(engine: Engine, qty: int = 100) -> VenueOrder:
    order_id = engine.submit(SubmitOrder(spec(qty=Decimal(qty)), TRADER)).order_id
    assert order_id is not None
    venue = VenueOrder(order_id, qty)
    engine.apply_venue_messages([venue.ack(), venue.fill(qty)])
    return venue


def _marker(window: MainWindow, order_id: OrderId) -> tuple[object, str]:
    model = window.blotter.model
    row = model.row_of(order_id)
    assert row is not None
    index = model.index(row, CL_ORD_ID_COLUMN)
    return index.data(Qt.ItemDataRole.DecorationRole), str(index.data(Qt.ItemDataRole.ToolTipRole))


def test_a_late_fill_shows_in_the_tab_on_the_blotter_row_and_in_the_count(
    qtbot: QtBot, window: MainWindow, engine: Engine
) -> None:
    quiet = _filled_order(engine)
    venue = _filled_order(engine)
    qtbot.waitUntil(lambda: window.bridge.idle)
    assert window.anomalies.model.rowCount() == 0
    assert not window.anomaly_count.isVisible()
    assert _marker(window, OrderId(quiet.cl_ord_id))[0] is None

    venue.qty += 10  # the venue trades 10 more on an order we hold as filled
    engine.apply_venue_messages([venue.fill(10)])
    qtbot.waitUntil(lambda: window.bridge.idle and window.anomalies.model.rowCount() > 0)
    rows = _cells(window)
    assert {r["Order"] for r in rows} == {venue.cl_ord_id}
    assert "Fill after the order finished" in {r["Anomaly"] for r in rows}
    count = engine.ledger.orders[OrderId(venue.cl_ord_id)].anomalies
    assert count == len(rows)
    assert window.anomaly_count.isVisible()
    assert window.anomaly_count.text() == f"{count} anomal{'y' if count == 1 else 'ies'}"

    icon, tip = _marker(window, OrderId(venue.cl_ord_id))
    assert isinstance(icon, QIcon)
    assert not icon.isNull()
    assert f"{count} anomal" in tip
    assert f"latest: {anomaly_words(window.anomalies.model.row(0))}" in tip
    assert _marker(window, OrderId(quiet.cl_ord_id))[0] is None

    window.anomaly_count.click()  # the count takes the trader to the tab
    qtbot.waitUntil(lambda: not window.anomalies_dock.visibleRegion().isEmpty())
    timeline = window.anomalies.open_timeline(0)
    assert isinstance(timeline, QtOrderTimeline)
    assert timeline.order_id == venue.cl_ord_id
    timeline.close()


def test_an_overfill_and_an_unknown_order_show_and_come_back_after_a_restart(
    qtbot: QtBot, tmp_path: Path, settings: QSettings
) -> None:
    engine, _ = open_engine(tmp_path / "desk.db")
    order_id = engine.submit(SubmitOrder(spec(qty=Decimal(100)), TRADER)).order_id
    assert order_id is not None
    venue = VenueOrder(order_id, 100)
    engine.apply_venue_messages([venue.ack(), venue.fill(130)])  # more than ordered
    engine.apply_venue_messages([VenueOrder("NOT-OURS-1", 50).fill(5)])
    expected = engine.ledger.orphan_anomalies + sum(o.anomalies for o in engine.ledger.orders.values())
    engine.close()

    engine, _ = open_engine(tmp_path / "desk.db")
    try:
        window = MainWindow(engine, ["SIM1"], user=TRADER, settings=settings)
        qtbot.addWidget(window)
        window.show()
        assert window.anomaly_count.text() == f"{expected} anomalies"  # exact at once, from the engine
        assert window.anomalies.model.rowCount() == expected  # the rows, from the engine's book: no log read
        rows = _cells(window)
        assert rows[0]["Order"] == "none of ours"  # newest first
        assert rows[0]["Anomaly"] == "Execution for an order we do not know"
        assert "Overfill: more filled than ordered" in {r["Anomaly"] for r in rows}
        assert window.anomalies.open_timeline(0) is None
        assert "no order of ours" in window.anomalies.said_line.text()
        icon, tip = _marker(window, order_id)
        assert icon is not None
        assert "latest: " in tip
    finally:
        engine.close()


def test_acknowledging_a_selection_brings_the_count_down_and_survives_a_restart(
    qtbot: QtBot, tmp_path: Path, settings: QSettings
) -> None:
    engine, _ = open_engine(tmp_path / "desk.db")
    window = MainWindow(engine, ["SIM1"], user=TRADER, settings=settings)
    qtbot.addWidget(window)
    window.show()
    venue = _filled_order(engine)
    venue.qty += 10
    engine.apply_venue_messages([venue.fill(10)])  # a late fill and an overfill
    engine.apply_venue_messages([VenueOrder("NOT-OURS-1", 50).fill(5)])  # about no order: a supervisor's
    qtbot.waitUntil(lambda: window.bridge.idle and window.anomalies.model.rowCount() == 3)
    assert window.anomaly_count.text() == "3 anomalies"
    view = window.anomalies
    ours = [r for r in range(3) if view.model.row(r).order_id is not None]
    selection = view.table.selectionModel()
    for row in ours:
        selection.select(view.model.index(row, 0), selection.SelectionFlag.Select | selection.SelectionFlag.Rows)
    view.note.setText("venue confirmed the extra 10")
    assert view.acknowledge_selected()
    qtbot.waitUntil(lambda: window.bridge.idle and view.model.rowCount() == 1)
    assert window.anomaly_count.text() == "1 anomaly"
    assert "2 anomalies acknowledged." in window.statusBar().currentMessage()
    assert view.note.text() == ""
    assert view.model.row(0).order_id is None

    view.table.selectRow(0)  # the stranger's execution: not the trader's to acknowledge
    assert not view.acknowledge_selected()
    assert "a supervisor may" in window.statusBar().currentMessage()
    window.set_user(VIEWER)
    assert not view.acknowledge_button.isEnabled()
    assert "cannot acknowledge anomalies" in view.acknowledge_button.toolTip()
    window.close()
    engine.close()

    engine, _ = open_engine(tmp_path / "desk.db")
    try:
        again = MainWindow(engine, ["SIM1"], user=SUPERVISOR, settings=settings)
        qtbot.addWidget(again)
        assert again.anomalies.model.rowCount() == 1
        assert again.anomaly_count.text() == "1 anomaly"
        again.anomalies.table.selectRow(0)
        assert again.anomalies.acknowledge_selected()
        qtbot.waitUntil(lambda: again.bridge.idle and again.anomalies.model.rowCount() == 0)
        assert not again.anomaly_count.isVisible()
        assert "No anomalies to acknowledge (3 recorded" in again.anomalies.said_line.text()
    finally:
        engine.close()


def test_the_blotter_marker_counts_only_open_anomalies_and_clears_when_they_are_acknowledged(
    qtbot: QtBot, window: MainWindow, engine: Engine
) -> None:
    venue = _filled_order(engine)
    venue.qty += 10
    engine.apply_venue_messages([venue.fill(10)])  # a late fill and an overfill on one order
    order_id = OrderId(venue.cl_ord_id)
    qtbot.waitUntil(lambda: window.bridge.idle and window.anomalies.model.rowCount() == 2)
    assert "2 anomalies to acknowledge (2 recorded)" in _marker(window, order_id)[1]

    assert engine.acknowledge_anomalies([1], TRADER).accepted  # from anywhere: another window, another user
    qtbot.waitUntil(lambda: window.bridge.idle and window.anomaly_count.text() == "1 anomaly")
    icon, tip = _marker(window, order_id)
    assert icon is not None
    assert "1 anomaly to acknowledge (2 recorded); latest: " in tip

    assert engine.acknowledge_anomalies([2], TRADER).accepted
    qtbot.waitUntil(lambda: window.bridge.idle and not window.anomaly_count.isVisible())
    icon, tip = _marker(window, order_id)
    assert icon is None
    assert "anomal" not in tip


def _strangers(engine: Engine, first: int, count: int) -> None:
    """``count`` executions for orders we never sent: one anomaly each, in one batch."""
    engine.apply_venue_messages([VenueOrder(f"NOT-OURS-{n}", 50).fill(5) for n in range(first, first + count)])


def test_a_flood_shows_the_newest_says_how_many_more_and_keeps_the_selection(qtbot: QtBot, engine: Engine) -> None:
    venue = _filled_order(engine)
    venue.qty += 10
    engine.apply_venue_messages([venue.fill(10)])  # 1 late fill, 2 overfill
    _strangers(engine, 0, 12)  # 3 to 14
    view = QtAnomalies(engine, SUPERVISOR, shown=5)
    qtbot.addWidget(view)
    view.show()
    counts: list[int] = []
    view.countChanged.connect(counts.append)
    assert view.model.rowCount() == 5
    assert [view.model.row(r).number for r in range(5)] == [14, 13, 12, 11, 10]
    assert view.more_line.isVisible()
    oldest = engine.book.anomalies.open[1].at
    assert view.more_line.text().startswith(f"9 more not shown, the oldest from {oldest:%H:%M}")
    assert "14 anomalies to acknowledge (of 14 recorded)" in view.said_line.text()
    kinds = [view.kind_choice.itemText(i) for i in range(view.kind_choice.count())]
    assert "Execution for an order we do not know (12)" in kinds
    assert "Fill after the order finished (1)" in kinds

    view.table.selectRow(1)  # number 13
    _strangers(engine, 12, 3)  # 15 to 17 arrive while the trader looks
    view.refresh()
    chosen = [view.model.row(i.row()).number for i in view.table.selectionModel().selectedRows()]
    assert chosen == [13]
    assert view.more_line.text().startswith("12 more not shown")
    assert counts == [17]

    _strangers(engine, 15, 1)  # 18: recorded after the supervisor's last look
    view.kind_choice.setCurrentIndex(view.kind_choice.findData(AnomalyKind.UNKNOWN_ORDER))
    view.note.setText("SIMB sent executions for a test book")
    assert view.acknowledge_kind()
    view.refresh()
    assert [view.model.row(r).number for r in range(view.model.rowCount())] == [18, 2, 1]
    assert not view.more_line.isVisible()
    assert counts == [17, 3]
    assert view.note.text() == ""
    [last] = [r for r in engine.store.read() if r.kind == "AnomaliesAcknowledged"]
    assert '"count":15' in last.data.replace(" ", "")  # 3 to 17, not 18


def test_only_a_supervisor_may_acknowledge_a_whole_kind(qtbot: QtBot, engine: Engine) -> None:
    _strangers(engine, 0, 3)
    view = QtAnomalies(engine, TRADER)
    qtbot.addWidget(view)
    assert not view.sweep_button.isEnabled()
    assert "a supervisor may" in view.sweep_button.toolTip()
    said: list[str] = []
    view.said.connect(said.append)
    assert not view.acknowledge_kind()  # asked anyway (e.g. by a shortcut): the engine refuses in words
    assert "a supervisor may" in said[-1]
    assert len(engine.book.anomalies.open) == 3
    view.set_user(SUPERVISOR)
    assert view.sweep_button.isEnabled()
    view.sweep_button.click()
    assert said[-1] == "3 anomalies (unknown order) acknowledged."
