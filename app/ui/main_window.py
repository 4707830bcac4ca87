"""The trader's main window: blotter in the middle; ticket, executions, positions, kill switches, limits, drop-copy
breaks, anomalies, allocations, watchlist and charts docked around it.

Everything on screen follows the engine through one ``EngineBridge`` and the prices through one
``PriceBridge``; commands go straight to the engine (each is one quick SQLite transaction), always in the
name of the logged-in user. The title and the status bar say who that is and their role; what the role may
not do is disabled with a tooltip saying why (the engine refuses it anyway): the toolbar's kill switch
(Ctrl+Shift+K) is for supervisors. The User menu switches user, changes one's own password and, for
supervisors, opens the users dialog. Window geometry, dock layout, the tables' columns (order, width, which are
hidden, the blotter's and the executions' sort), the watchlist and the theme are kept in ``QSettings`` and restored on
the next start (a layout saved by an older version first brought up to date: ``saved_layouts``). When the engine
reloads its projections every view reads them afresh (``follow_reload``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QFrame,
    QLabel,
    QMainWindow,
    QScrollArea,
    QTableView,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.engine.engine import Engine
from app.engine.enums import OrderStatus, Side
from app.engine.events import SessionAlertRaised
from app.engine.fix.alerts import AlertLevel
from app.engine.fix.drop_copy import DropCopyGateway
from app.engine.fix.gateway import FixGateway
from app.engine.fix.quote_feed import QuoteFeed
from app.engine.ids import UserId
from app.engine.kill_terms import ScopeKind
from app.engine.listings import VenueListings
from app.engine.parents import Parent
from app.engine.prices import PriceBook
from app.engine.roles import Action, allows, refusal
from app.engine.users.admin import UserAdmin
from app.ui.allocation_editor import QtAllocationEditor
from app.ui.anomalies_view import QtAnomalies, QtAnomalyCount
from app.ui.blotter_view import QtBlotter
from app.ui.breaks_view import QtBreaks
from app.ui.bridge import EngineBridge
from app.ui.chart_series import AckLatencies, PriceHistory
from app.ui.charts import QtLatencyChart, QtPnlChart, QtPriceChart
from app.ui.column_widths import fit_columns
from app.ui.executions_model import EXECUTION_SAMPLES, TIME_COLUMN, ExecutionsModel, todays_executions
from app.ui.kill_switch_dialog import QtKillSwitchDialog
from app.ui.kill_switch_panel import QtKillSwitchPanel
from app.ui.limits_editor import QtLimitsEditor
from app.ui.log_in_dialog import QtLogInDialog
from app.ui.parents_view import QtParents
from app.ui.password_dialog import QtChangePasswordDialog
from app.ui.positions_model import PositionsModel, money_text
from app.ui.price_bridge import PriceBridge
from app.ui.saved_layouts import up_to_date
from app.ui.session_health import QtSessionHealth
from app.ui.table_model import SortedRows
from app.ui.table_view import ShownRowsTable
from app.ui.theme import Theme, apply_theme
from app.ui.ticket import QtOrderTicket
from app.ui.users_dialog import QtUsersDialog
from app.ui.watchlist import QtWatchlist
from app.ui.watchlist_model import WatchlistModel

SUMMARY_MS = 1000
"""How often the status bar's order counts and P&L are redrawn (the blotter keeps the counts as orders change)."""
BANNER_STYLE = "background: #f59e0b; color: #111827; font-weight: bold; padding: 4px;"
_SIDE_KEYS = {Side.BUY: "Ctrl+B", Side.SELL: "Ctrl+S", Side.SELL_SHORT: "Ctrl+H"}
KILL_SWITCH_KEYS = "Ctrl+Shift+K"
DOCK_SEPARATORS = 24
"""Pixels the dock separators and frames take across the window."""
FIRST_SIZE = QSize(1600, 1000)
"""The window's size on a first start, when the screen has room for it."""


class MainWindow(QMainWindow):
    """The desktop over ``engine`` for the logged-in ``user``; ``destinations`` and ``accounts`` fill the ticket.

    ``admin`` manages the accounts (one over ``engine`` by default); a ``banner`` (the demo profile's)
    shows above the blotter.

    ``prices`` feed the watchlist, the ticket's quote line, the marks and the price chart; ``feed`` (when the
    desk has market data sessions) subscribes to the symbols the trader adds and says what goes wrong. ``listings``
    (which venue lists which symbol) let the ticket choose and check the destination. With a
    ``gateway`` the Sessions dock shows its order sessions, then ``drop_copies`` and ``feed``'s sessions.
    """

    def __init__(
        self,
        engine: Engine,
        destinations: Sequence[str],
        *,
        user: UserId,
        admin: UserAdmin | None = None,
        banner: str = "",
        accounts: Sequence[str] = ("ACC1",),
        settings: QSettings | None = None,
        gateway: FixGateway | None = None,
        parent: QWidget | None = None,
        prices: PriceBook | None = None,
        feed: QuoteFeed | None = None,
        drop_copies: DropCopyGateway | None = None,
        listings: VenueListings | None = None,
    ) -> None:
        super().__init__(parent)
        self._engine, self.user, self._feed = engine, user, feed
        self.admin = admin or UserAdmin(engine)
        self._destinations, self._accounts = list(destinations), list(accounts)
        self.kill_dialog: QtKillSwitchDialog | None = None
        self._settings = settings or QSettings("OEMS", "Desktop")
        self.prices = prices or PriceBook()
        self.bridge = EngineBridge(engine, parent=self)
        self.price_bridge = PriceBridge(self.prices, parent=self)
        self.blotter = QtBlotter(engine, user, self)
        self.ticket = QtOrderTicket(
            engine, destinations, accounts, user, self, prices=self.prices, settings=self._settings, listings=listings
        )
        self.executions = ExecutionsModel(engine, self)
        self.positions = PositionsModel(engine, self)
        self.kill_panel = QtKillSwitchPanel(engine, user, self)
        self.watchlist = QtWatchlist(WatchlistModel(self.prices, self), self)
        self.latencies = AckLatencies()
        engine.subscribe(self.latencies.take)
        self.price_chart = QtPriceChart(PriceHistory(self.prices), engine, user, self)
        self.pnl_chart = QtPnlChart(engine, self)
        self.latency_chart = QtLatencyChart(self.latencies, self)
        self.limits = QtLimitsEditor(engine, user, self)
        self.breaks = QtBreaks(engine, self)
        self.allocations = QtAllocationEditor(engine, user, accounts, self)
        self.anomalies = QtAnomalies(engine, user, self)
        self.parents = QtParents(engine, user, self, destinations)
        self.summary = QLabel()
        self.who = QLabel()
        self.banner = QLabel(banner, wordWrap=True)
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.setVisible(bool(banner))
        self._centre = _stacked(self.banner, self.blotter)
        self.setCentralWidget(self._centre)
        self.ticket_dock = self._dock("Ticket", self.ticket, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.tables = {"executions": _table(SortedRows(self.executions, self)), "positions": _table(self.positions)}
        """The small tables whose column widths and order are kept, by settings name (the blotter's too)."""
        self.tables["executions"].setSortingEnabled(True)
        self.tables["executions"].sortByColumn(TIME_COLUMN, Qt.SortOrder.DescendingOrder)  # newest on top
        fit_columns(self.tables["executions"], EXECUTION_SAMPLES)
        executions = self._dock("Executions", self.tables["executions"], Qt.DockWidgetArea.BottomDockWidgetArea)
        positions = self._dock("Positions", self.tables["positions"], Qt.DockWidgetArea.BottomDockWidgetArea)
        kill = self.kill_dock = self._dock("Kill switch", self.kill_panel, Qt.DockWidgetArea.BottomDockWidgetArea)
        limits = self._dock("Limits", _scrolled(self.limits), Qt.DockWidgetArea.BottomDockWidgetArea)
        breaks = self.breaks_dock = self._dock("Breaks", self.breaks, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.tabifyDockWidget(executions, positions)
        self.tabifyDockWidget(positions, kill)
        self.tabifyDockWidget(kill, limits)
        self.tabifyDockWidget(limits, breaks)
        self.anomalies_dock = self._dock("Anomalies", self.anomalies, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.tabifyDockWidget(breaks, self.anomalies_dock)
        self.allocations_dock = self._dock(
            "Allocations", _scrolled(self.allocations), Qt.DockWidgetArea.BottomDockWidgetArea
        )
        self.tabifyDockWidget(self.anomalies_dock, self.allocations_dock)
        self.parents_dock = self._dock("Parents", self.parents, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.tabifyDockWidget(self.allocations_dock, self.parents_dock)
        executions.raise_()
        watchlist = self._dock("Watchlist", self.watchlist, Qt.DockWidgetArea.RightDockWidgetArea)
        self.charts = QTabWidget()
        """The three charts as tabs of one dock: Qt orphans a tab bar when a second group of docks is tabified, and
        the orphan showed as a clipped fragment under the price chart's symbol box."""
        self.charts.setDocumentMode(True)
        self.charts.addTab(self.price_chart, "Price")
        self.charts.addTab(self.pnl_chart, "P&&L")
        self.charts.addTab(self.latency_chart, "Ack latency")
        charts = self._dock("Charts", self.charts, Qt.DockWidgetArea.RightDockWidgetArea)
        for chart in (self.price_chart, self.pnl_chart, self.latency_chart):
            chart.follow(charts)
        self._first_sizes = ([kill], [watchlist, charts])
        self.statusBar().addPermanentWidget(self.who)
        self.down = QLabel()
        self.down.setObjectName("sessions_down")
        self.down.setStyleSheet("color: white; background: #dc2626; font-weight: bold; padding: 0 6px;")
        self.down.hide()
        self.open_breaks = QLabel()
        self.open_breaks.setObjectName("open_breaks")
        self.open_breaks.setStyleSheet("color: white; background: #dc2626; font-weight: bold; padding: 0 6px;")
        self.open_breaks.hide()
        self.health: QtSessionHealth | None = None
        if gateway is not None:
            groups = [group for group in (gateway, drop_copies, feed) if group is not None]
            self.health = QtSessionHealth(groups, engine, user, self)
            sessions = self._dock("Sessions", _scrolled(self.health), Qt.DockWidgetArea.BottomDockWidgetArea)
            self.tabifyDockWidget(positions, sessions)
            executions.raise_()  # a session that goes down is said in red in the status bar
            self.health.downChanged.connect(self._show_down)
        self.statusBar().addPermanentWidget(self.down)
        self.statusBar().addPermanentWidget(self.open_breaks)
        self.anomaly_count = QtAnomalyCount(self)
        self.statusBar().addPermanentWidget(self.anomaly_count)
        self.statusBar().addPermanentWidget(self.summary)
        self._menus()
        self._toolbar()
        self._connect()
        self._summary_timer = QTimer(self, interval=SUMMARY_MS)
        self._summary_timer.timeout.connect(self.update_summary)
        self._summary_timer.start()
        self.update_summary()
        self.set_user(user)
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
        blotter = self.blotter
        orders.addActions([blotter.cancel_action, blotter.amend_action, blotter.cancel_all_action])
        orders.addActions([blotter.cancel_symbol_action, blotter.cancel_everything_action])
        orders.setToolTipsVisible(True)
        people = self.menuBar().addMenu("&User")
        self.switch_action = QAction("Switch user…", self)
        self.switch_action.triggered.connect(self.switch_user)
        self.users_action = QAction("Users…", self)
        self.users_action.triggered.connect(self.open_users)
        self.password_action = QAction("Change my password…", self)
        self.password_action.triggered.connect(self.change_password)
        people.addActions([self.switch_action, self.password_action, self.users_action])
        people.setToolTipsVisible(True)
        view = self.menuBar().addMenu("&View")
        self.dark_action = QAction("Dark theme", self, checkable=True)
        self.dark_action.toggled.connect(lambda dark: self.set_theme(Theme.DARK if dark else Theme.LIGHT))
        view.addAction(self.dark_action)

    def _toolbar(self) -> None:
        bar = QToolBar("Desk", self)
        bar.setObjectName("toolbar_desk")
        self.addToolBar(bar)
        self.kill_action = QAction("KILL SWITCH", self, shortcut=QKeySequence(KILL_SWITCH_KEYS))
        self.kill_action.triggered.connect(self.open_kill_switch)
        bar.addAction(self.kill_action)
        button = bar.widgetForAction(self.kill_action)
        button.setObjectName("kill_switch_button")
        button.setStyleSheet("QToolButton:enabled { color: white; background: #dc2626; font-weight: bold; }")

    def open_kill_switch(self) -> QtKillSwitchDialog:
        """Open the kill switch dialog (supervisors only: the action is disabled for everyone else)."""
        symbols = sorted({o.spec.symbol for o in self._engine.ledger.live()})
        choices = {ScopeKind.VENUE: self._destinations, ScopeKind.ACCOUNT: self._accounts, ScopeKind.SYMBOL: symbols}
        dialog = self.kill_dialog = QtKillSwitchDialog(self._engine, self.user, choices, self)
        dialog.accepted.connect(self._kill_switch_engaged)
        dialog.open()
        return dialog

    def _kill_switch_engaged(self) -> None:
        dialog = self.kill_dialog
        if dialog is not None and dialog.result_of_send is not None:
            self.say(dialog.result_of_send.message)
        self.kill_panel.refresh()
        self.kill_dock.raise_()

    def _connect(self) -> None:
        self.earlier_fills = todays_executions(self._engine, self)
        """The day's fills recorded before the window opened, read on a worker thread (its ``done`` shows them)."""
        self.earlier_fills.done.connect(self.executions.show_earlier)
        self.earlier_fills.done.connect(self.price_chart.take_earlier_fills)
        self.earlier_fills.start()
        self.bridge.reloaded.connect(self.follow_reload)
        self.bridge.ordersChanged.connect(self.blotter.refresh)
        self.bridge.ordersChanged.connect(self.allocations.follow_orders)
        self.bridge.ordersChanged.connect(self.parents.refresh)
        self.parents.sliceAsked.connect(self.slice_parent)
        self.blotter.parent_actions = self.parents.add_actions
        self.parents.said.connect(self.say)
        self.blotter.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_allocation())
        self.bridge.fillsArrived.connect(self.executions.add)
        self.bridge.positionsChanged.connect(self.positions.reload)
        self.bridge.deskChanged.connect(self._on_desk_changed)
        self.bridge.breaksChanged.connect(self.breaks.take)
        self.breaks.countChanged.connect(self._show_open_breaks)
        self._show_open_breaks(self.breaks.model.open_count)
        self.bridge.deskChanged.connect(self.anomalies.on_views)
        self.anomalies.said.connect(self.say)
        self.anomalies.countChanged.connect(self.anomaly_count.show_count)
        self.anomaly_count.show_count(self.anomalies.count)
        self.anomaly_count.clicked.connect(self.anomalies_dock.raise_)
        self.blotter.model.show_anomalies(self.anomalies.open_about)
        self.anomalies.refreshed.connect(self.blotter.model.repaint_markers)
        self.blotter.said.connect(self.say)
        self.kill_panel.said.connect(self.say)
        self.ticket.submitted.connect(lambda result: self.say(result.message or f"Sent {result.order_id}."))
        self.price_bridge.quotesChanged.connect(self.watchlist.model.update)
        self.price_bridge.quotesChanged.connect(self.ticket.quote.on_quotes)
        self.price_bridge.quotesChanged.connect(self.positions.refresh_prices)
        self.bridge.ordersChanged.connect(self.price_chart.on_orders)
        self.bridge.fillsArrived.connect(self.price_chart.on_fills)
        self.watchlist.added.connect(self._on_symbol_added)
        self.watchlist.chosen.connect(self.price_chart.show_symbol)
        if self._feed is not None:
            self._feed.subscribe_alerts(self._on_feed_alert)

    def _on_desk_changed(self, views: list[str]) -> None:
        """Limits, kill switches or users changed (here or by anyone else): show them as they are now."""
        if self._engine.book.limits.name in views:
            self.limits.reload()
        if self._engine.book.kill.name in views:
            self.kill_panel.refresh()
        if self._engine.book.users.name in views:
            self.set_user(self.user)  # a role given or taken away counts at once
        if self._engine.book.allocations.name in views:
            self.allocations.reload()
            self.ticket.show_templates()
            self.positions.reload()  # a release moves positions between accounts
        if self._engine.book.parents.name in views or self._engine.book.twaps.name in views:
            self.parents.refresh()
        if self._engine.book.parents.name in views:
            self.blotter.model.refresh_parents()

    def slice_parent(self, parent: Parent) -> None:
        """Open the ticket on a slice of ``parent``."""
        self.ticket_dock.raise_()
        self.ticket.slice_from(parent)

    def _show_allocation(self) -> None:
        """The blotter's current order, if a block, shows in the allocation editor."""
        selected = self.blotter.selected_ids()
        if selected:
            self.allocations.select(selected[0])

    def follow_reload(self) -> None:
        """The engine rebuilt its projections: every view reads the orders, positions and desk state afresh."""
        self.blotter.reset(self._engine)
        self.positions.reload()
        self.price_chart.reload()
        self.kill_panel.refresh()
        self.limits.reload()
        self.allocations.reload()
        self.ticket.show_templates()
        self.anomalies.refresh()
        self.parents.refresh()
        self.update_summary()

    def _on_symbol_added(self, symbol: str) -> None:
        if self._feed is not None:
            self._feed.watch(symbol)
        self.price_chart.offer([symbol])

    def _on_feed_alert(self, _at: datetime, alert: SessionAlertRaised) -> None:
        if alert.level is not AlertLevel.INFO:
            self.say(alert.text)

    def set_user(self, user: UserId) -> None:
        """Act as ``user`` from now on: title, status bar, and every action their role may not do disabled."""
        self.user = user
        directory = self._engine.directory
        role = directory.role_of(user)
        role_text = role.label if role is not None else "no role"
        self.setWindowTitle(f"OEMS: {user} ({role_text})")
        self.who.setText(f"{user} · {role_text} · desk {directory.desk_of(user) or 'none'}")

        def why_not(action: Action) -> str | None:
            return None if allows(role, action) else refusal(user, role, action)

        self.ticket.set_user(user, why_not(Action.ENTER_ORDER))
        self.blotter.set_user(user, why_not(Action.CANCEL_ORDER), why_not(Action.AMEND_ORDER))
        cannot_kill = why_not(Action.KILL_SWITCH)
        self.kill_action.setEnabled(cannot_kill is None)
        self.kill_action.setToolTip(
            cannot_kill or f"Stop trading: halt, cancel working orders or reduce only ({KILL_SWITCH_KEYS})"
        )
        self.kill_panel.set_user(user)
        self.limits.set_user(user)
        self.allocations.set_user(user)
        self.parents.user = user
        self.anomalies.set_user(user, why_not(Action.ACKNOWLEDGE_ANOMALY))
        self.price_chart.set_user(user)
        if self.health is not None:
            self.health.set_user(user)
        cannot_manage = why_not(Action.MANAGE_USERS)
        self.users_action.setEnabled(cannot_manage is None)
        self.users_action.setToolTip(cannot_manage or "Add users, change roles, deactivate, reset passwords.")

    def switch_user(self) -> QtLogInDialog:
        """Ask someone to log in; once they have, the window acts as them (the one before is logged out)."""
        dialog = QtLogInDialog(self.admin, "Switch user", self)
        dialog.accepted.connect(lambda: self._switch_to(dialog.user))
        dialog.open()
        return dialog

    def _switch_to(self, user: UserId | None) -> None:
        if user is None or user == self.user:
            return
        self.admin.log_out(self.user)
        self.set_user(user)
        self.say(f"Logged in as {user}.")

    def change_password(self) -> QtChangePasswordDialog:
        """Let the logged-in user change their own password."""
        dialog = QtChangePasswordDialog(self.admin, self.user, self)
        dialog.accepted.connect(lambda: self.say("Your password was changed."))
        dialog.open()
        return dialog

    def open_users(self) -> QtUsersDialog:
        """Open the users dialog (supervisors); the window rechecks its user's rights after each change."""
        dialog = QtUsersDialog(self.admin, self.user, self)
        dialog.changed.connect(lambda: self.set_user(self.user))
        dialog.open()
        return dialog

    def _show_down(self, text: str) -> None:
        self.down.setText(text)
        self.down.setVisible(bool(text))

    def _show_open_breaks(self, count: int) -> None:
        self.open_breaks.setText(f"Drop copy: {count} open break{'s' if count != 1 else ''}")
        self.open_breaks.setToolTip("The venues' drop copies and the order sessions disagree: see the Breaks tab.")
        self.open_breaks.setVisible(count > 0)

    def say(self, text: str) -> None:
        """Show ``text`` in the status bar until the next message."""
        self.statusBar().showMessage(text)

    def update_summary(self) -> None:
        """Show the orders by state in the status bar (working, pending, unknown) and the realised and unrealised
        P&L."""
        counts = self.blotter.model.counts
        working = sum(n for status, n in counts.items() if status.is_live)
        pending = sum(n for status, n in counts.items() if status.is_pending and status is not OrderStatus.UNKNOWN)
        unknown = counts[OrderStatus.UNKNOWN]
        positions = self._engine.positions
        realised, unrealised = money_text(positions.total_realized()), money_text(positions.total_unrealized())
        text = f"Orders {counts.total()} · working {working} · pending {pending} · unknown {unknown}"
        text += f" · realised {realised} · unrealised {unrealised}"
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
            self.resize(first_size(self.screen().availableSize()))
        else:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(up_to_date(state))
        else:
            self.lay_out_docks()
        for name, table in self._column_tables().items():
            columns = settings.value(f"{name}/columns")
            if columns is not None:
                table.horizontalHeader().restoreState(columns)  # the blotter re-sorts as its header says
        default = list(self._feed.watched) if self._feed is not None else []
        saved = settings.value("watchlist/symbols")
        watched = str(saved).split(",") if saved else default
        for symbol in watched:
            self.watchlist.add(symbol)
        if watched:
            self.price_chart.show_symbol(self.watchlist.model.symbols()[0])

    def lay_out_docks(self) -> None:
        """The first start's layout for the window's size: the docks below the blotter a quarter of the height;
        the watchlist and charts beside the blotter wide enough for every watchlist column (a quarter of the width
        on a wide screen), the watchlist over the taller chart; the ticket as wide as its fields and their messages
        where there is room."""
        bottom, (watchlist, chart) = self._first_sizes
        self.resizeDocks(bottom, [self.height() // 4], Qt.Orientation.Vertical)
        side = max(self.watchlist.wanted_width, self.width() // 4)
        left = self.width() - side - self._centre.minimumSizeHint().width() - DOCK_SEPARATORS
        ticket = max(self.ticket.minimumSizeHint().width(), min(self.ticket.sizeHint().width(), left))
        self.resizeDocks([self.ticket_dock, watchlist], [ticket, side], Qt.Orientation.Horizontal)
        self.resizeDocks([watchlist, chart], [self.height() * 3 // 10, self.height() // 2], Qt.Orientation.Vertical)

    def _column_tables(self) -> dict[str, QTableView]:
        return {"blotter": self.blotter.table, **self.tables}

    def save_layout(self) -> None:
        """Keep geometry, dock layout, each table's columns (order, width, hidden, sort), the theme
        and the watchlist in the settings."""
        self._settings.setValue("geometry", self.saveGeometry())
        self._settings.setValue("state", self.saveState())
        for name, table in self._column_tables().items():
            self._settings.setValue(f"{name}/columns", table.horizontalHeader().saveState())
        self._settings.setValue("theme", self.theme().value)
        self._settings.setValue("watchlist/symbols", ",".join(self.watchlist.model.symbols()))
        self._settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        """Save the layout, then close."""
        self.save_layout()
        super().closeEvent(event)


def first_size(screen: QSize) -> QSize:
    """The window's size on its first start: ``FIRST_SIZE``, or less on a smaller ``screen`` (its room for
    windows)."""
    return FIRST_SIZE.boundedTo(screen)


def _stacked(banner: QLabel, body: QWidget) -> QWidget:
    holder = QWidget()
    column = QVBoxLayout(holder)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(0)
    column.addWidget(banner)
    column.addWidget(body)
    return holder


def _scrolled(widget: QWidget) -> QScrollArea:
    """``widget`` in a scroll area, so a tall form does not make its whole row of docks tall."""
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    return area


def _table(model: SortedRows | PositionsModel) -> QTableView:
    table = ShownRowsTable()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionsMovable(True)
    return table
