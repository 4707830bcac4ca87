"""The trader's main window: blotter in the middle, ticket, executions and positions docked around it.

Everything on screen follows the engine through one ``EngineBridge``; commands go straight to the engine
(each is one quick SQLite transaction). Window geometry, dock layout, blotter column widths and the theme
are kept in ``QSettings`` and restored on the next start.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QDockWidget, QLabel, QMainWindow, QTableView, QWidget

from app.engine.engine import Engine
from app.engine.enums import OrderStatus, Side
from app.engine.fix.gateway import FixGateway
from app.engine.ids import UserId
from app.ui.blotter_view import QtBlotter
from app.ui.bridge import EngineBridge
from app.ui.executions_model import ExecutionsModel
from app.ui.positions_model import PositionsModel, money_text
from app.ui.session_health import QtSessionHealth
from app.ui.theme import Theme, apply_theme
from app.ui.ticket import QtOrderTicket

SUMMARY_MS = 1000
"""How often the status bar's order counts are recounted (counting every batch would cost at 100k orders)."""
DEFAULT_TRADER = UserId("trader1")
"""Who the desktop acts as when the caller names nobody (until logins exist)."""
_SIDE_KEYS = {Side.BUY: "Ctrl+B", Side.SELL: "Ctrl+S", Side.SELL_SHORT: "Ctrl+H"}


class MainWindow(QMainWindow):
    """The desktop over ``engine``; ``destinations`` and ``accounts`` fill the ticket's choices."""

    def __init__(
        self,
        engine: Engine,
        destinations: Sequence[str],
        *,
        accounts: Sequence[str] = ("ACC1",),
        user: UserId = DEFAULT_TRADER,
        settings: QSettings | None = None,
        gateway: FixGateway | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"OEMS: {user}")
        self._engine = engine
        self._settings = settings or QSettings("OEMS", "Desktop")
        self.bridge = EngineBridge(engine, parent=self)
        self.blotter = QtBlotter(engine, user, self)
        self.ticket = QtOrderTicket(engine, destinations, accounts, user, self, settings=self._settings)
        self.executions = ExecutionsModel(engine.ledger, self)
        self.executions.load_today(engine)
        self.positions = PositionsModel(engine.positions, self)
        self.summary = QLabel()
        self.setCentralWidget(self.blotter)
        self._dock("Ticket", self.ticket, Qt.DockWidgetArea.LeftDockWidgetArea)
        executions = self._dock("Executions", _table(self.executions), Qt.DockWidgetArea.BottomDockWidgetArea)
        positions = self._dock("Positions", _table(self.positions), Qt.DockWidgetArea.BottomDockWidgetArea)
        self.tabifyDockWidget(executions, positions)
        executions.raise_()
        self.down = QLabel()
        self.down.setObjectName("sessions_down")
        self.down.setStyleSheet("color: white; background: #dc2626; font-weight: bold; padding: 0 6px;")
        self.down.hide()
        self.health: QtSessionHealth | None = None
        if gateway is not None:
            self.health = QtSessionHealth(gateway, engine, self)
            self.tabifyDockWidget(
                positions, self._dock("Sessions", self.health, Qt.DockWidgetArea.BottomDockWidgetArea)
            )
            self.health.downChanged.connect(self._show_down)
        self.statusBar().addPermanentWidget(self.down)
        self.statusBar().addPermanentWidget(self.summary)
        self._menus()
        self._connect()
        self._summary_timer = QTimer(self, interval=SUMMARY_MS)
        self._summary_timer.timeout.connect(self.update_summary)
        self._summary_timer.start()
        self.update_summary()
        self._restore()

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{title.lower()}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _menus(self) -> None:
        orders = self.menuBar().addMenu("&Orders")
        for side, keys in _SIDE_KEYS.items():
            action = QAction(f"New {side.label.lower()} order", self, shortcut=QKeySequence(keys))
            action.triggered.connect(lambda _checked=False, s=side: self.ticket.prepare(s))
            orders.addAction(action)
        orders.addSeparator()
        orders.addActions([self.blotter.cancel_action, self.blotter.amend_action, self.blotter.cancel_all_action])
        view = self.menuBar().addMenu("&View")
        self.dark_action = QAction("Dark theme", self, checkable=True)
        self.dark_action.toggled.connect(lambda dark: self.set_theme(Theme.DARK if dark else Theme.LIGHT))
        view.addAction(self.dark_action)

    def _connect(self) -> None:
        self.bridge.ordersChanged.connect(self.blotter.refresh)
        self.bridge.fillsArrived.connect(self.executions.add)
        self.bridge.positionsChanged.connect(self.positions.reload)
        self.blotter.said.connect(self.say)
        self.ticket.submitted.connect(lambda result: self.say(result.message or f"Sent {result.order_id}."))

    def _show_down(self, text: str) -> None:
        self.down.setText(text)
        self.down.setVisible(bool(text))

    def say(self, text: str) -> None:
        """Show ``text`` in the status bar until the next message."""
        self.statusBar().showMessage(text)

    def update_summary(self) -> None:
        """Recount the orders by state for the status bar: working, pending, unknown, realised P&L."""
        orders = self._engine.ledger.orders.values()
        working = sum(1 for o in orders if o.status.is_live)
        pending = sum(1 for o in orders if o.status.is_pending and o.status is not OrderStatus.UNKNOWN)
        unknown = sum(1 for o in orders if o.status is OrderStatus.UNKNOWN)
        realised = money_text(self._engine.positions.total_realized())
        text = f"Orders {len(orders)} · working {working} · pending {pending} · unknown {unknown} · realised {realised}"
        self.summary.setText(text)
        self.summary.setStyleSheet("color: #dc2626; font-weight: bold;" if unknown else "")

    def theme(self) -> Theme:
        """The theme in use."""
        return Theme.DARK if self.dark_action.isChecked() else Theme.LIGHT

    def set_theme(self, theme: Theme) -> None:
        """Switch to ``theme`` (kept for the next start when the window closes)."""
        apply_theme(self, theme)
        self.dark_action.setChecked(theme is Theme.DARK)

    def _restore(self) -> None:
        settings = self._settings
        self.set_theme(Theme.named(settings.value("theme", Theme.LIGHT.value)))
        geometry, state = settings.value("geometry"), settings.value("state")
        if geometry is None:
            self.resize(1400, 800)
        else:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)
        columns = settings.value("blotter/columns")
        if columns is not None:
            self.blotter.table.horizontalHeader().restoreState(columns)

    def save_layout(self) -> None:
        """Keep geometry, dock layout, blotter columns and theme in the settings."""
        self._settings.setValue("geometry", self.saveGeometry())
        self._settings.setValue("state", self.saveState())
        self._settings.setValue("blotter/columns", self.blotter.table.horizontalHeader().saveState())
        self._settings.setValue("theme", self.theme().value)
        self._settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        """Save the layout, then close."""
        self.save_layout()
        super().closeEvent(event)


def _table(model: ExecutionsModel | PositionsModel) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    return table
