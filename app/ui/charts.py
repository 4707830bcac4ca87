"""The chart docks, drawn with pyqtgraph: a symbol's price with the trader's working orders and fills on it,
P&L through the day, and ack latency per venue.

None of them draws per tick. The data is appended as it comes (``chart_series``); each chart redraws on its
own timer, at most ``REDRAW_MS`` apart, and only when something it shows has changed and it is on screen (a chart
in a tab behind another draws when it is shown: drawing thousands of points nobody sees cost about 10 ms a turn
in a burst of fills). Working orders are
dashed horizontal lines at their limit prices (moved on amend, removed when the order stops working); fills
are triangles, up for buys and down for sells. A window opened mid-day shows the day's earlier fills
(``take_earlier_fills``, from the log) and the orders already working (from the engine's ledger, read afresh
after a reload, like the P&L chart's positions).
"""

from __future__ import annotations

import statistics
from collections import deque
from collections.abc import Sequence
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QComboBox, QDockWidget, QVBoxLayout, QWidget

from app.engine.engine import Engine
from app.engine.enums import Side
from app.engine.events import ExecutionApplied, Recorded
from app.engine.ids import OrderId, UserId
from app.engine.order import Order
from app.ui.chart_series import AckLatencies, PnlHistory, PriceHistory
from app.ui.order_text import SIDE_COLOURS, qty_text

REDRAW_MS = 250
"""Charts redraw at most four times a second."""
PNL_SAMPLE_MS = 1000
"""P&L is sampled once a second."""
FILLS_KEPT = 2_000
"""Fill markers kept per symbol."""
_VENUE_COLOURS = ("#2563eb", "#d97706", "#16a34a", "#9333ea", "#dc2626", "#0891b2")


def _plot(title: str, left: str) -> pg.PlotWidget:
    plot = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem(utcOffset=0)})
    plot.setTitle(title)
    plot.setLabel("left", left)
    plot.showGrid(x=True, y=True, alpha=0.2)
    return plot


class _Chart(QWidget):
    """A chart's widget: its timer redraws it only while it is on screen (a dock in a tab behind another is moved
    out of the window, not hidden; a chart on a tab behind another is hidden); it catches up when it is shown again
    (its tab chosen) or its dock comes to the front (``follow``)."""

    def redraw(self) -> None:
        """Draw what changed since the last redraw."""
        raise NotImplementedError

    def on_screen(self) -> bool:
        """Whether any of the chart can be seen."""
        return self.isVisible() and not self.visibleRegion().isEmpty()

    def redraw_if_shown(self) -> None:
        """Redraw, if the chart is on screen."""
        if self.on_screen():
            self.redraw()

    def follow(self, dock: QDockWidget) -> None:
        """Draw what changed while out of sight as soon as ``dock`` (the chart's) comes to the front."""
        dock.visibilityChanged.connect(self._on_dock_shown)

    def _on_dock_shown(self, shown: bool) -> None:
        if shown:
            self.redraw_if_shown()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        """Shown again (its tab chosen): draw what changed meanwhile."""
        super().showEvent(event)
        self.redraw()


class QtPriceChart(_Chart):
    """One symbol's mark through the session, with ``user``'s working orders and the fills on it."""

    def __init__(self, history: PriceHistory, engine: Engine, user: UserId, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._history, self._engine, self._user = history, engine, user
        self.symbol = ""
        self.chooser = QComboBox(editable=True)
        self.chooser.setObjectName("chart_symbol")
        self.plot = _plot("Price", "price")
        self.curve = self.plot.plot(pen=pg.mkPen("#2563eb", width=1.5))
        self.fills = pg.ScatterPlotItem(size=11)
        self.plot.addItem(self.fills)
        self._lines: dict[OrderId, pg.InfiniteLine] = {}
        self._fills: dict[str, deque[tuple[float, float, bool]]] = {}
        self._drawn = -1
        self._fills_dirty = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.chooser)
        layout.addWidget(self.plot)
        self.chooser.currentTextChanged.connect(self.show_symbol)
        self._timer = QTimer(self, interval=REDRAW_MS)
        self._timer.timeout.connect(self.redraw_if_shown)
        self._timer.start()

    def offer(self, symbols: Sequence[str]) -> None:
        """Put ``symbols`` in the chooser (the first one shown if none is yet)."""
        known = {self.chooser.itemText(i) for i in range(self.chooser.count())}
        for symbol in symbols:
            if symbol not in known:
                self.chooser.addItem(symbol)
                known.add(symbol)

    def set_user(self, user: UserId) -> None:
        """Draw ``user``'s working orders from now on."""
        self._user = user
        self.reload()

    def reload(self) -> None:
        """Draw the working orders afresh from the engine's ledger (after a change of user, or a reload)."""
        symbol, self.symbol = self.symbol, ""
        self.show_symbol(symbol)

    def show_symbol(self, symbol: str) -> None:
        """Chart ``symbol``: its prices so far, the working orders in it, its fills of the day."""
        symbol = symbol.strip()
        if symbol == self.symbol:
            return
        self.symbol = symbol
        if self.chooser.currentText() != symbol:
            self.chooser.setCurrentText(symbol)
        for line in self._lines.values():
            self.plot.removeItem(line)
        self._lines.clear()
        self.on_orders([order.order_id for order in self._engine.ledger.live() if order.spec.symbol == symbol])
        self._drawn, self._fills_dirty = -1, True
        self.redraw()

    def on_orders(self, order_ids: Sequence[OrderId]) -> None:
        """Orders changed: draw, move or remove the lines of this symbol's working orders."""
        orders, symbol, user = self._engine.ledger.orders, self.symbol, self._user
        for order_id in order_ids:
            order = orders.get(order_id)
            if order is None or order.spec.symbol != symbol or order.spec.trader != user:
                continue
            line = self._lines.get(order_id)
            if order.status.is_live and order.limit_px is not None:
                if line is None:
                    line = self._lines[order_id] = self._line(order)
                    self.plot.addItem(line)
                line.setValue(float(order.limit_px))
                qty = qty_text(order.leaves_qty or order.qty)
                line.label.setText(f"{order.spec.side.label} {qty} @ {order.limit_px}")
            elif line is not None:
                self.plot.removeItem(self._lines.pop(order_id))

    def on_fills(self, fills: Sequence[Recorded]) -> None:
        """Fills arrived: keep a marker for each (drawn at the next redraw if it is in this symbol)."""
        for symbol, point in self._points(fills):
            self._fills.setdefault(symbol, deque(maxlen=FILLS_KEPT)).append(point)
            self._fills_dirty |= symbol == self.symbol

    def take_earlier_fills(self, fills: Sequence[Recorded]) -> None:
        """The day's fills recorded before the window opened (oldest first): markers before the live ones."""
        for symbol, point in reversed(self._points(fills)):
            kept = self._fills.setdefault(symbol, deque(maxlen=FILLS_KEPT))
            if len(kept) < FILLS_KEPT:
                kept.appendleft(point)
            self._fills_dirty |= symbol == self.symbol

    def _points(self, fills: Sequence[Recorded]) -> list[tuple[str, tuple[float, float, bool]]]:
        """Each fill among ``fills`` as (symbol, (time, price, bought))."""
        points = []
        orders, buy = self._engine.ledger.orders, Side.BUY
        for recorded in fills:
            event = recorded.event
            if not isinstance(event, ExecutionApplied) or not event.last_qty:
                continue
            order = orders.get(event.order_id)
            if order is not None:
                spec = order.spec
                points.append((spec.symbol, (recorded.ts.timestamp(), float(event.last_px), spec.side is buy)))
        return points

    def order_lines(self) -> dict[OrderId, float]:
        """The working-order lines drawn now: order -> price."""
        return {order_id: float(line.value()) for order_id, line in self._lines.items()}

    def fill_points(self) -> list[tuple[float, float]]:
        """The fill markers drawn now, as (time, price)."""
        xs, ys = self.fills.getData()
        return list(zip(map(float, xs), map(float, ys), strict=True))

    def redraw(self) -> None:
        """Draw what changed since the last redraw."""
        if self._history.changes != self._drawn:
            self._drawn = self._history.changes
            series = self._history.by_symbol.get(self.symbol)
            if series is None:
                self.curve.setData([], [])
            else:
                self.curve.setData(list(series.xs), list(series.ys))
        if self._fills_dirty:
            self._fills_dirty = False
            spots = [_fill_spot(x, y, buy) for x, y, buy in self._fills.get(self.symbol, ())]
            self.fills.setData(spots)

    def _line(self, order: Order) -> pg.InfiniteLine:
        colour = SIDE_COLOURS[order.spec.side]
        pen = pg.mkPen(colour, width=1, style=Qt.PenStyle.DashLine)
        label_opts = {"position": 0.05, "color": colour, "anchors": [(0, 1), (0, 1)]}
        return pg.InfiniteLine(angle=0, pen=pen, label="", labelOpts=label_opts)


def _fill_spot(x: float, y: float, buy: bool) -> dict[str, Any]:
    colour = SIDE_COLOURS[Side.BUY if buy else Side.SELL]
    return {"pos": (x, y), "symbol": "t1" if buy else "t", "brush": pg.mkBrush(colour), "pen": pg.mkPen(colour)}


class QtPnlChart(_Chart):
    """Realised and total P&L through the day, sampled every second from the engine's positions at their marks
    (looked up at each sample, so a reload of the engine's projections is followed)."""

    def __init__(self, engine: Engine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._engine = engine
        self.history = PnlHistory()
        self.plot = _plot("P&L through the day", "P&L")
        self.plot.addLegend(offset=(10, 10))
        self.total = self.plot.plot(pen=pg.mkPen("#2563eb", width=1.5), name="realised + unrealised")
        self.realised = self.plot.plot(pen=pg.mkPen("#16a34a", width=1.5), name="realised")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.plot)
        self._timer = QTimer(self, interval=PNL_SAMPLE_MS)
        self._timer.timeout.connect(self.sample)
        self._timer.start()

    def sample(self) -> None:
        """Take one P&L sample now, and draw it if the chart is on screen."""
        self.history.sample(self._engine.positions, self._engine.clock.now())
        self.redraw_if_shown()

    def redraw(self) -> None:
        """Draw the samples taken so far."""
        total, realised = self.history.total, self.history.realised
        self.total.setData(list(total.xs), list(total.ys))
        self.realised.setData(list(realised.xs), list(realised.ys))


class QtLatencyChart(_Chart):
    """Ack latency per venue: one dot per order, coloured by venue, the median in the legend."""

    def __init__(self, latencies: AckLatencies, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.latencies = latencies
        self.plot = _plot("Ack latency per venue", "ms")
        self.legend = self.plot.addLegend(offset=(10, 10))
        self.dots: dict[str, pg.ScatterPlotItem] = {}
        self._drawn = -1
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.plot)
        self._timer = QTimer(self, interval=REDRAW_MS)
        self._timer.timeout.connect(self.redraw_if_shown)
        self._timer.start()

    def redraw(self) -> None:
        """Draw the venues' latencies if any arrived since the last redraw."""
        if self.latencies.changes == self._drawn:
            return
        self._drawn = self.latencies.changes
        for venue, series in sorted(self.latencies.by_venue.items()):
            dots = self.dots.get(venue)
            if dots is None:
                colour = _VENUE_COLOURS[len(self.dots) % len(_VENUE_COLOURS)]
                dots = self.dots[venue] = pg.ScatterPlotItem(size=6, brush=pg.mkBrush(colour), pen=None)
                self.plot.addItem(dots)
            dots.setData(list(series.xs), list(series.ys))
            self.legend.removeItem(dots)
            self.legend.addItem(dots, f"{venue}: median {statistics.median(series.ys):.1f} ms")
