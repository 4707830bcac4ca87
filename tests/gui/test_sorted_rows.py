"""``SortedRows``: whatever is appended, in whatever batches, and however the view sorts it, the rows drawn are the
source's rows in a stable sort by the column's key (reversed when descending); the selection stays on its row."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtWidgets import QApplication

from app.ui.table_model import Cell, RowsModel, SortedRows

Row = tuple[int, str]
COLUMNS: tuple[Cell, ...] = (("Qty", lambda r: str(r[0]), True), ("Name", lambda r: r[1], False))
KEYS = (lambda r: r[0], lambda r: r[1])
rows = st.tuples(st.integers(0, 5), st.sampled_from("abc"))
ORDERS = (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder)


def drawn(model: SortedRows) -> list[tuple[str, str]]:
    return [(model.index(r, 0).data(), model.index(r, 1).data()) for r in range(model.rowCount())]


def expected(source: list[Row], column: int, order: Qt.SortOrder) -> list[tuple[str, str]]:
    """A stable sort of ``source`` by the column's key, then reversed when descending (the source's order at -1)."""
    ordered = sorted(source, key=KEYS[column]) if column >= 0 else list(source)
    if column >= 0 and order is Qt.SortOrder.DescendingOrder:
        ordered.reverse()
    return [(str(qty), name) for qty, name in ordered]


@given(
    batches=st.lists(st.lists(rows, max_size=6), max_size=6),
    sorts=st.lists(st.tuples(st.integers(-1, 1), st.sampled_from(ORDERS)), min_size=1, max_size=6),
)
def test_appended_rows_are_drawn_in_sorted_order_however_they_come(
    qapp: QApplication, batches: list[list[Row]], sorts: list[tuple[int, Qt.SortOrder]]
) -> None:
    source: RowsModel[Row] = RowsModel(COLUMNS, keys=KEYS)
    model = SortedRows(source)
    appended: list[Row] = []
    for n, batch in enumerate(batches):
        column, order = sorts[n % len(sorts)]
        model.sort(column, order)
        assert drawn(model) == expected(appended, column, order)
        source.append(batch)
        appended += batch
        assert drawn(model) == expected(appended, column, order)
    source.replace_all(appended[::-1])
    column, order = sorts[-1]
    model.sort(column, order)
    assert drawn(model) == expected(appended[::-1], column, order)


def test_the_selected_row_stays_selected_through_a_scattered_append_and_a_new_sort(qapp: QApplication) -> None:
    source: RowsModel[Row] = RowsModel(COLUMNS, keys=KEYS)
    model = SortedRows(source)
    selection = QItemSelectionModel(model)
    model.sort(0, Qt.SortOrder.DescendingOrder)
    source.append([(5, "a"), (3, "b"), (1, "c")])
    selection.select(model.index(1, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect)  # (3, "b")
    source.append([(4, "d"), (0, "e"), (2, "f")])  # above and below it
    assert drawn(model)[:3] == [("5", "a"), ("4", "d"), ("3", "b")]
    assert _selected(selection) == ("3", "b")
    model.sort(1, Qt.SortOrder.AscendingOrder)
    assert _selected(selection) == ("3", "b")


def _selected(selection: QItemSelectionModel) -> tuple[str, str]:
    [index] = selection.selectedIndexes()
    model = index.model()
    assert isinstance(index, QModelIndex)
    return model.index(index.row(), 0).data(), model.index(index.row(), 1).data()
