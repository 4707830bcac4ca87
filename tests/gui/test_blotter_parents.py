"""Parent (care) orders in the blotter: grouped by parent, each parent is a row with its state, filled, average
price, working and unsliced quantities, its children under it; its row's menu offers the Parents dock's actions,
TWAP among them."""

from __future__ import annotations

from decimal import Decimal

from pytestqt.qtbot import QtBot

from app.engine.engine import Engine
from app.engine.enums import Side
from app.engine.ids import AccountId, OrderId
from app.engine.parent_terms import ParentSpec
from app.engine.parents import ParentState
from app.ui.blotter_columns import CL_ORD_ID_COLUMN, COLUMNS, FILLED_COLUMN, LEAVES_COLUMN, STATUS_COLUMN
from app.ui.main_window import MainWindow
from tests.gui.test_blotter_rows import shown, submit
from tests.support.engine_kit import TRADER
from tests.support.reports import VenueOrder

AVG_PX = [c.title for c in COLUMNS].index("Avg px")
VENUE = [c.title for c in COLUMNS].index("Venue")


def stage(engine: Engine, qty: int) -> OrderId:
    spec = ParentSpec("AAPL", Side.BUY, Decimal(qty), AccountId("ACC1"), TRADER, limit_px=Decimal(11))
    staged = engine.stage_parent(spec, TRADER)
    assert staged.accepted, staged.message
    assert staged.order_id is not None
    return staged.order_id


def test_grouped_each_parent_is_a_row_over_its_children_and_follows_their_fills(
    qtbot: QtBot, window: MainWindow, engine: Engine
) -> None:
    parent = stage(engine, 1000)
    other = submit(engine)
    children = [submit(engine, 300, parent), submit(engine, 200, parent)]
    qtbot.waitUntil(lambda: window.bridge.idle and window.blotter.model.rowCount() == 3)
    assert parent not in shown(window, CL_ORD_ID_COLUMN)  # ungrouped: orders at venues only

    window.blotter.group_by_parent.setChecked(True)
    assert shown(window, CL_ORD_ID_COLUMN) == [other, parent, f"    ↳ {children[0]}", f"    ↳ {children[1]}"]
    assert shown(window, STATUS_COLUMN)[1] == "Parent working: 500 working, 500 unsliced"
    assert shown(window, VENUE)[1] == "Parent"

    engine.apply_venue_messages(
        [VenueOrder(children[0], 300).fill(300, 10), VenueOrder(children[1], 200).fill(100, 13)]
    )
    qtbot.waitUntil(lambda: window.bridge.idle and shown(window, FILLED_COLUMN)[1] == "400")
    assert shown(window, LEAVES_COLUMN)[1] == "600"
    assert shown(window, AVG_PX)[1] == "10.75"
    assert shown(window, STATUS_COLUMN)[1] == "Parent working: 100 working, 500 unsliced"

    late = stage(engine, 50)  # a parent staged later shows at once, by its time
    qtbot.waitUntil(lambda: window.bridge.idle and window.blotter.model.rowCount() == 5)
    assert shown(window, CL_ORD_ID_COLUMN)[4] == late
    assert shown(window, STATUS_COLUMN)[4] == "Parent staged: 0 working, 50 unsliced"

    window.blotter.search.setText("parent")  # the Venue column's word
    assert shown(window, CL_ORD_ID_COLUMN) == [parent, late]
    window.blotter.search.setText("")

    window.parents.close_parent(engine.book.parents.parents[late], cancel_children=False)
    qtbot.waitUntil(lambda: window.bridge.idle and shown(window, STATUS_COLUMN)[4] == "Parent done")
    assert engine.book.parents.parents[late].figures(engine.ledger).state is ParentState.DONE


def test_a_parents_row_menu_offers_the_parents_actions_and_slice_opens_the_ticket(
    qtbot: QtBot, window: MainWindow, engine: Engine
) -> None:
    parent = stage(engine, 100)
    child = submit(engine, 100, parent)
    window.blotter.group_by_parent.setChecked(True)
    qtbot.waitUntil(lambda: window.bridge.idle and window.blotter.model.rowCount() == 2)
    row = window.blotter.model.row_of(parent)
    assert row is not None
    menu = window.blotter.row_menu(row)
    assert [a.text() for a in menu.actions()] == ["Slice...", "Algo: TWAP...", "Close", "Cancel with children..."]
    child_row = window.blotter.model.row_of(child)
    assert child_row is not None
    assert "Amend…" in [a.text() for a in window.blotter.row_menu(child_row).actions()]

    menu.actions()[0].trigger()
    assert parent in window.ticket.slicing.text()


def test_a_parent_handed_to_twap_from_the_parents_dock_slices_at_once_and_says_so(
    qtbot: QtBot, window: MainWindow, engine: Engine
) -> None:
    parent = stage(engine, 600)
    qtbot.waitUntil(lambda: window.bridge.idle and window.parents.model.rowCount() == 1)
    window.parents.select(parent)
    dialog = window.parents.twap_selected()
    assert dialog is not None
    assert [dialog.destination.itemText(n) for n in range(dialog.destination.count())] == ["SIM1", "SIM2", "SMART"]
    dialog.slices.setValue(0)  # the spin box keeps it at 1 at least
    dialog.slices.setValue(3)
    dialog.minutes.setValue(15)
    dialog.destination.setCurrentText("SIM2")
    result = dialog.send()
    assert result.accepted, result.message
    children = [o for o in engine.ledger.orders.values() if o.spec.parent_id == parent]
    assert [(o.qty, o.spec.destination) for o in children] == [(Decimal(200), "SIM2")]
    qtbot.waitUntil(lambda: window.bridge.idle and window.parents.model.row(0).algo != "")
    assert window.parents.model.row(0).algo == "TWAP over 15 min in 3 slices to SIM2: 1 taken"

    again = window.parents.open_twap(engine.book.parents.parents[parent])
    refused = again.send()
    assert not refused.accepted
    assert again.isVisible()
    assert again.answer.text().startswith(f"{parent} is already worked by a TWAP")


def test_search_finds_parents_and_children_by_the_state_their_rows_show(
    qtbot: QtBot, window: MainWindow, engine: Engine
) -> None:
    working, staged, done = stage(engine, 1000), stage(engine, 50), stage(engine, 70)
    child = submit(engine, 300, working)
    window.parents.close_parent(engine.book.parents.parents[done], cancel_children=False)
    window.blotter.group_by_parent.setChecked(True)
    qtbot.waitUntil(lambda: window.bridge.idle and window.blotter.model.rowCount() == 4)
    assert shown(window, STATUS_COLUMN)[3] == "Parent done"
    for words, found in (
        ("staged", [staged]),
        ("done", [done]),
        ("unsliced", [working, staged]),
        ("working", [working, f"    ↳ {child}", staged]),  # the child's row says "Working"; "0 working" too
    ):
        window.blotter.search.setText(words)
        assert shown(window, CL_ORD_ID_COLUMN) == found, words
