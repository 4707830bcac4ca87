"""Window layouts saved by older versions of the desktop, brought up to date before Qt restores them.

Until session 7 the price, P&L and ack latency charts were three docks (object names "dock_price chart",
"dock_p&&l" and "dock_ack latency"); they are now tabs of one Charts dock ("dock_charts"). Qt restores each dock by
its object name and leaves a dock the saved state does not name at its default place, so a trader who had moved the
price chart found the charts somewhere else after the upgrade. The Charts dock takes the old price chart's place:
its name is written over the old one in the saved state. Qt passes over the names of the two other old docks.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray

OLD_PRICE_CHART = "dock_price chart"
"""The price chart dock's object name before the charts became tabs of one dock."""
CHARTS = "dock_charts"
"""The Charts dock's object name."""


def up_to_date(state: QByteArray) -> QByteArray:
    """``state`` (from ``QMainWindow.saveState``) with the Charts dock where an older layout had its price chart;
    a layout saved with the Charts dock is returned as it is."""
    saved = bytes(state.data())
    if _qt_string(CHARTS) in saved:
        return state
    return QByteArray(saved.replace(_qt_string(OLD_PRICE_CHART), _qt_string(CHARTS)))


def _qt_string(text: str) -> bytes:
    """``text`` as ``QDataStream`` writes a QString: its length in bytes (4, big-endian), then UTF-16 big-endian."""
    data = text.encode("utf-16-be")
    return len(data).to_bytes(4, "big") + data
