"""ShownRowsTable repaints the changed rows on screen only: a change out of sight costs no repaint, and a change
that reaches the screen repaints what it must (a change is never lost)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QObject, QPersistentModelIndex, QRect, Qt
from pytestqt.qtbot import QtBot

from app.ui.table_view import ShownRowsTable

_NO_PARENT = QModelIndex()


class Cells(QAbstractTableModel):
    """1,000 rows of 4 cells whose texts a test changes."""

    def __init__(self) -> None:
        super().__init__()
        self.texts = [[f"{row}:{col}" for col in range(4)] for row in range(1000)]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _NO_PARENT) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self.texts)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _NO_PARENT) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else 4

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return self.texts[index.row()][index.column()] if role == Qt.ItemDataRole.DisplayRole else None

    def change(self, first: int, last: int) -> None:
        for row in range(first, last + 1):
            self.texts[row] = [f"{text}*" for text in self.texts[row]]
        self.dataChanged.emit(self.index(first, 0), self.index(last, 3))


class Paints(QObject):
    """Collects the rectangles a widget is asked to paint."""

    def __init__(self) -> None:
        super().__init__()
        self.rects: list[QRect] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint:
            self.rects.append(event.rect())  # type: ignore[attr-defined]
        return False


def shown_table(qtbot: QtBot) -> tuple[ShownRowsTable, Cells, Paints]:
    table, model, paints = ShownRowsTable(), Cells(), Paints()
    qtbot.addWidget(table)
    table.setModel(model)
    table.resize(400, 300)
    table.show()
    qtbot.waitExposed(table)
    table.viewport().installEventFilter(paints)
    painted_after(qtbot, table, paints)  # the first showing
    return table, model, paints


def painted_after(qtbot: QtBot, table: ShownRowsTable, paints: Paints) -> list[QRect]:
    paints.rects.clear()
    qtbot.wait(30)  # the loop turns: any update asked for is painted
    return list(paints.rects)


def test_a_change_to_rows_out_of_sight_repaints_nothing(qtbot: QtBot) -> None:
    table, model, paints = shown_table(qtbot)
    model.change(500, 600)
    assert painted_after(qtbot, table, paints) == []


def test_a_change_reaching_the_screen_repaints_only_the_rows_shown(qtbot: QtBot) -> None:
    table, model, paints = shown_table(qtbot)
    _, last = table.shown_rows() or (0, 0)
    model.change(last - 1, last + 200)  # two rows on screen, the rest below it
    rects = painted_after(qtbot, table, paints)
    assert rects
    row_top = table.rowViewportPosition(last - 1)
    assert all(rect.top() >= row_top for rect in rects)


def test_a_change_on_screen_after_a_scroll_is_painted(qtbot: QtBot) -> None:
    table, model, paints = shown_table(qtbot)
    table.scrollTo(model.index(700, 0), table.ScrollHint.PositionAtTop)
    painted_after(qtbot, table, paints)
    first, _ = table.shown_rows() or (0, 0)
    assert first == 700
    model.change(0, first)  # from far above to the first row shown
    rects = painted_after(qtbot, table, paints)
    assert rects
    assert any(rect.intersects(table.visualRect(model.index(first, 0))) for rect in rects)
