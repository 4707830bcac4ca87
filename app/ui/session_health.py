"""The session health dock: one row per FIX session (order sessions, drop copies, market data), coloured so a
dead venue is seen at a glance, the actions a supervisor takes on a session (each recorded; other roles see
the buttons disabled, saying why), and the history of session alerts.

The rows are re-read from the sessions twice a second (``session_health`` is a few attribute reads), never
per message. Alerts arrive from every group of sessions as they are raised and are shown with the next refresh;
the day's earlier alerts (those recorded: order sessions and drop copies) are read from the event log on a
worker thread when the dock opens.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.engine import history
from app.engine.commands import CommandResult
from app.engine.engine import Engine
from app.engine.events import Recorded, SessionAction, SessionAlertRaised
from app.engine.fix.desk_sessions import SessionGroup
from app.engine.fix.health import Light, SessionHealth, session_health
from app.engine.fix.session_control import SessionControl
from app.engine.fix.session_fsm import SessionState
from app.engine.ids import SYSTEM_USER, UserId
from app.ui.background import BackgroundRead
from app.ui.table_model import Cell, RowsModel

REFRESH_MS = 500
"""How often the rows are re-read: at most twice a second, whatever the message rate."""
ALERTS_SHOWN = 500
"""Alerts kept in the history table."""
LIGHT_COLOURS = {Light.GREEN: "#16a34a", Light.AMBER: "#d97706", Light.RED: "#dc2626"}

AnyIndex = QModelIndex | QPersistentModelIndex
_NO_PARENT = QModelIndex()
_WHITE = QBrush(QColor("white"))


def clock_text(ts: datetime | None) -> str:
    """``14:03:12`` (UTC), or blank."""
    return ts.strftime("%H:%M:%S") if ts is not None else ""


def age_text(ts: datetime | None, now: datetime) -> str:
    """How long ago ``ts`` was, in whole seconds, minutes or hours; a dash if never."""
    if ts is None:
        return "—"
    seconds = max(0, int((now - ts).total_seconds()))
    if seconds < 120:
        return f"{seconds} s ago"
    return f"{seconds // 60} min ago" if seconds < 7200 else f"{seconds // 3600} h ago"


def _since(row: SessionHealth, now: datetime) -> str:
    if row.up_since is not None:
        return f"up since {clock_text(row.up_since)}"
    return f"down since {clock_text(row.down_since)}" if row.down_since is not None else ""


def _retry(row: SessionHealth, now: datetime) -> str:
    if row.held:
        return "waits for Connect"
    if row.state is SessionState.STOPPED:
        return "waits for Resume"
    if row.retry_at is None:
        return ""
    return f"in {max(0, int((row.retry_at - now).total_seconds()))} s ({row.attempts} failed)"


def _last_alert(row: SessionHealth, now: datetime) -> str:
    if row.last_alert is None:
        return ""
    at, alert = row.last_alert
    return f"{clock_text(at)} {alert.text}"


HealthCell = tuple[str, Callable[[SessionHealth, datetime], str]]
HEALTH_COLUMNS: tuple[HealthCell, ...] = (
    ("Session", lambda r, now: f"{r.name} ({r.role})"),
    ("State", lambda r, now: r.state_text),
    ("Since", _since),
    ("Next out", lambda r, now: str(r.next_out)),
    ("Next in", lambda r, now: str(r.next_in)),
    ("Epoch", lambda r, now: str(r.epoch)),
    ("Last in", lambda r, now: age_text(r.last_in, now)),
    ("Last out", lambda r, now: age_text(r.last_out, now)),
    ("Gaps", lambda r, now: str(r.gaps)),
    ("Resends", lambda r, now: str(r.resends)),
    ("Rejects", lambda r, now: str(r.rejects)),
    ("Logons", lambda r, now: str(r.logons)),
    ("Reconnect", _retry),
    ("Last alert", _last_alert),
)
STATE_COLUMN = 1


class SessionHealthModel(QAbstractTableModel):
    """The sessions' rows as last read; ``show`` replaces them."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[SessionHealth] = []
        self._now: datetime | None = None

    def rowCount(self, parent: AnyIndex = _NO_PARENT) -> int:  # noqa: N802 - Qt override
        """One row per session."""
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = _NO_PARENT) -> int:  # noqa: N802 - Qt override
        """The health columns."""
        return 0 if parent.isValid() else len(HEALTH_COLUMNS)

    def headerData(  # noqa: N802 - Qt override
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles."""
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEALTH_COLUMNS[section][0]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Text, and the state cell painted green, amber or red."""
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole and self._now is not None:
            return HEALTH_COLUMNS[index.column()][1](row, self._now)
        if index.column() == STATE_COLUMN:
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(QColor(LIGHT_COLOURS[row.light]))
            if role == Qt.ItemDataRole.ForegroundRole:
                return _WHITE
        if role == Qt.ItemDataRole.ToolTipRole and row.last_error and row.light is Light.RED:
            return row.last_error
        return None

    def show(self, rows: list[SessionHealth], now: datetime) -> None:
        """Show ``rows`` as of ``now`` (ages and retry times count from it)."""
        self._now = now
        if [r.name for r in rows] != [r.name for r in self.rows]:
            self.beginResetModel()
            self.rows = rows
            self.endResetModel()
        elif rows:
            self.rows = rows
            self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(HEALTH_COLUMNS) - 1))


def _alert(recorded: Recorded) -> SessionAlertRaised:
    assert isinstance(recorded.event, SessionAlertRaised)
    return recorded.event


ALERT_COLUMNS: tuple[Cell, ...] = (
    ("Time", lambda r: clock_text(r.ts), False),
    ("Session", lambda r: _alert(r).session, False),
    ("Level", lambda r: _alert(r).level.value, False),
    ("What", lambda r: _alert(r).text, False),
)


class AlertsModel(RowsModel[Recorded]):
    """Session alerts as recorded, oldest first, the newest ``ALERTS_SHOWN`` kept."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(ALERT_COLUMNS, parent)

    def add(self, alerts: list[Recorded], *, earlier: bool = False) -> None:
        """Add ``alerts`` after the rows shown (or before them, for history read late)."""
        if not alerts:
            return
        rows = [*alerts, *self._rows] if earlier else [*self._rows, *alerts]
        if earlier or len(rows) > ALERTS_SHOWN:
            self.replace_all(rows[-ALERTS_SHOWN:])
        else:
            self.append(alerts)


class QtSessionHealth(QWidget):
    """The health of the sessions of ``groups`` (order sessions first, then drop copies and market data), with
    Resume, Reset sequence numbers, Disconnect and Connect for ``user`` (supervisors: for other roles the buttons
    are disabled, saying why, and the engine refuses)."""

    downChanged = Signal(str)  # noqa: N815 - Qt signal naming
    """Which sessions are down and since when, in words ("SIMB down since 14:03:12"); empty when all are up."""

    def __init__(
        self, groups: Sequence[SessionGroup], engine: Engine, user: UserId, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._groups, self._engine, self._user = tuple(groups), engine, user
        self.control = SessionControl(groups, engine)
        self.model = SessionHealthModel(self)
        self.alerts = AlertsModel(self)
        self.table = _table(self.model)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        self.alert_table = _table(self.alerts)
        self.said = QLabel(wordWrap=True)
        self.confirm_reset: Callable[[str], bool] = self._ask_to_type_name
        """Asks the person to type the session's name before a reset (tests answer for them)."""
        self.resume_button = QPushButton("Resume")
        self.reset_button = QPushButton("Reset sequence numbers…")
        self.disconnect_button = QPushButton("Disconnect")
        self.connect_button = QPushButton("Connect")
        self._buttons = {
            SessionAction.RESUME: self.resume_button,
            SessionAction.RESET_SEQUENCE_NUMBERS: self.reset_button,
            SessionAction.DISCONNECT: self.disconnect_button,
            SessionAction.CONNECT: self.connect_button,
        }
        for action, button in self._buttons.items():
            button.clicked.connect(lambda _checked=False, a=action: self.act(a))
        self._lay_out()
        self._waiting: list[Recorded] = []
        self._down_text = ""
        for group in self._groups:
            group.subscribe_alerts(self._on_alert)
        self._history_end = engine.store.last_seq  # alerts up to here are read; later ones arrive live
        self._history = BackgroundRead(self._read_history, self)
        self._history.done.connect(lambda found: self.alerts.add(found, earlier=True))
        self._history.failed.connect(self.said.setText)
        self._history.start()
        self._timer = QTimer(self, interval=REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self.refresh()

    def _lay_out(self) -> None:
        buttons = QHBoxLayout()
        for button in (self.resume_button, self.reset_button, self.disconnect_button, self.connect_button):
            buttons.addWidget(button)
        buttons.addWidget(self.said, 1)
        top = QWidget()
        column = QVBoxLayout(top)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.table)
        column.addLayout(buttons)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(self.alert_table)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(split)

    def _read_history(self) -> list[Recorded]:
        store, now = self._engine.store, self._engine.clock.now()
        start_of_day = now.replace(hour=0, minute=0, second=0, microsecond=0)
        return history.session_alerts_since(store, start_of_day, self._history_end, ALERTS_SHOWN)

    def _on_alert(self, at: datetime, alert: SessionAlertRaised) -> None:
        self._waiting.append(Recorded(0, at, SYSTEM_USER, alert))

    def refresh(self) -> None:
        """Re-read every session, show the alerts that came since, and say which sessions are down."""
        rows = session_health(*self._groups)
        self.model.show(rows, self._engine.clock.now())
        waiting, self._waiting = self._waiting, []
        self.alerts.add(waiting)
        if waiting:
            self.alert_table.scrollToBottom()
        self._update_buttons()
        down = " · ".join(_down_words(r) for r in rows if r.light is Light.RED)
        if down != self._down_text:
            self._down_text = down
            self.downChanged.emit(down)

    def selected(self) -> SessionHealth | None:
        """The session of the current row."""
        row = self.table.currentIndex().row()
        return self.model.rows[row] if 0 <= row < len(self.model.rows) else None

    def select(self, name: str) -> None:
        """Make session ``name``'s row the current one."""
        for number, row in enumerate(self.model.rows):
            if row.name == name:
                self.table.selectRow(number)

    def set_user(self, user: UserId) -> None:
        """Act as ``user`` from now on: the buttons their role may not use are disabled, saying why."""
        self._user = user
        self._update_buttons()

    def _update_buttons(self) -> None:
        row = self.selected()
        fits = {
            SessionAction.RESUME: row is not None and row.state is SessionState.STOPPED,
            SessionAction.RESET_SEQUENCE_NUMBERS: row is not None,
            SessionAction.DISCONNECT: row is not None and not row.held,
            SessionAction.CONNECT: row is not None and row.light is not Light.GREEN,
        }
        for action, button in self._buttons.items():
            why_not = self.control.why_not(self._user, action)
            button.setEnabled(fits[action] and why_not is None)
            button.setToolTip(why_not or "")

    def act(self, action: SessionAction) -> CommandResult | None:
        """Do ``action`` to the selected session (a reset only after the person types the session's name)."""
        row = self.selected()
        if row is None:
            return None
        if action is SessionAction.RESET_SEQUENCE_NUMBERS and not self.confirm_reset(row.name):
            self.said.setText(f"{row.name}: sequence numbers left as they are.")
            return None
        result = self.control.act(row.name, action, self._user)
        self.said.setText(result.message)
        self.refresh()
        return result

    def _ask_to_type_name(self, name: str) -> bool:
        text, ok = QInputDialog.getText(
            self,
            "Reset sequence numbers",
            f"Both sides of {name} will start again at MsgSeqNum 1. Agree this with the venue first.\n"
            f"Type {name} to confirm:",
        )
        return ok and text.strip() == name


def _down_words(row: SessionHealth) -> str:
    if row.state is SessionState.STOPPED:
        return f"{row.name} STOPPED since {clock_text(row.down_since)}: needs a person"
    return f"{row.name} down since {clock_text(row.down_since)}"


def _table(model: QAbstractTableModel) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    return table
