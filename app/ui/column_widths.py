"""Default column widths from what a column will hold, so a table opens showing every column whole.

A column is as wide as the wider of its title and a sample of its longest usual text (a ClOrdID, a price, a
time), measured in the table's own font; the table's wanted width is those plus its frame and a vertical scroll
bar. Samples rather than the rows on screen: a table opens empty, and widths that followed every update would
make columns jump. Widths the trader sets (kept by the main window) are restored after these and win.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QTableView

PADDING = 12
"""Room either side of a cell's text, and for a header's sort arrow."""


def fit_columns(table: QTableView, samples: Sequence[str]) -> int:
    """Size each of ``table``'s columns to hold its title and its sample (one per column, in order; "" for none);
    the width in pixels the whole table needs to show every column without scrolling."""
    header, model = table.horizontalHeader(), table.model()
    cells, titles = table.fontMetrics(), header.fontMetrics()
    for column, sample in enumerate(samples):
        title = str(model.headerData(column, header.orientation()) or "")
        width = max(titles.horizontalAdvance(title), cells.horizontalAdvance(sample)) + PADDING
        header.resizeSection(column, max(width, header.minimumSectionSize()))
    return header.length() + 2 * table.frameWidth() + table.verticalScrollBar().sizeHint().width()
