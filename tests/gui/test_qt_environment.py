"""The pinned Qt binding survives what a blotter does all day: thousands of dataChanged signals.

PySide6 6.12.0 on CPython 3.11 kills the interpreter ("Fatal Python error: bool_dealloc") after a few
thousand ``dataChanged.emit`` calls (shared/notes/ENVIRONMENT.md); this test fails, by crashing, on such
a pin.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from pytestqt.qtbot import QtBot

EMITS = 10_000

_Index = QModelIndex | QPersistentModelIndex


class _Rows(QAbstractTableModel):
    """A minimal table of numbers, like a blotter's model."""

    def __init__(self) -> None:
        super().__init__()
        self.values = [[0] * 4 for _ in range(50)]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's signature
        return len(self.values)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's signature
        return 4

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return self.values[index.row()][index.column()]


def test_the_binding_survives_ten_thousand_data_changed_signals(qtbot: QtBot) -> None:
    model = _Rows()
    seen: list[int] = []
    model.dataChanged.connect(lambda top_left, bottom_right, roles: seen.append(top_left.row()))
    for n in range(EMITS):
        row = n % model.rowCount()
        model.values[row][n % 4] = n
        model.dataChanged.emit(model.index(row, 0), model.index(row, 3), [Qt.ItemDataRole.DisplayRole])
    assert len(seen) == EMITS
    last = EMITS - 1
    assert model.data(model.index(last % model.rowCount(), last % 4)) == last
