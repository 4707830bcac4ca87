"""The kill switch panel: each switch that is on, who engaged it and why, and how many cancels are unconfirmed.

It recounts on a short timer (counting is a walk over the switch's orders, so it is not done per batch)
and after every resume. Resume is for supervisors; for anyone else the button stays disabled and says why.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.engine.commands import CommandResult
from app.engine.engine import Engine
from app.engine.ids import UserId
from app.engine.kill_switch import KillSwitchStatus
from app.engine.roles import Action, allows, refusal

REFRESH_MS = 500
"""How often the counts are redone while the panel is shown."""
COLUMNS = ("Switch", "Stops", "Engaged", "Why", "Progress")
_ALARM = QColor("#dc2626")


class QtKillSwitchPanel(QWidget):
    """The switches that are on in ``engine``, as ``user`` sees them."""

    said = Signal(str)
    """Words for the status bar: what a resume did or why it was refused."""

    def __init__(self, engine: Engine, user: UserId, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._engine, self._user = engine, user
        self.statuses: list[KillSwitchStatus] = []
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.headline = QLabel()
        self.resume_button = QPushButton("Resume trading")
        self._may_resume = False
        self.set_user(user)
        row = QHBoxLayout()
        row.addWidget(self.headline, 1)
        row.addWidget(self.resume_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.table)
        self.resume_button.clicked.connect(self.resume_selected)
        self.table.itemSelectionChanged.connect(self._update_button)
        self._timer = QTimer(self, interval=REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self.refresh()

    def set_user(self, user: UserId) -> None:
        """Act as ``user``: Resume works only for a role allowed to resume trading."""
        self._user = user
        role = self._engine.directory.role_of(user)
        self._may_resume = allows(role, Action.RESUME_TRADING)
        if self._may_resume:
            self.resume_button.setToolTip("Release the selected kill switch; orders it canceled stay canceled.")
        else:
            self.resume_button.setToolTip(refusal(user, role, Action.RESUME_TRADING))
        self._update_button()

    def refresh(self) -> None:
        """Recount every switch that is on and redraw the rows."""
        selected = self._selected_id()
        self.statuses = self._engine.kill_switch_status()
        self.table.setRowCount(len(self.statuses))
        for row, status in enumerate(self.statuses):
            switch = status.switch
            cells = (
                switch.switch_id,
                f"{switch.scope.describe()}: {switch.grade.label}",
                f"{switch.user} at {switch.at:%H:%M:%S} UTC",
                switch.reason,
                status.summary(),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == len(cells) - 1 and status.unconfirmed:
                    item.setForeground(_ALARM)
                self.table.setItem(row, column, item)
            if switch.switch_id == selected:
                self.table.selectRow(row)
        self._update_headline()
        self._update_button()

    def _update_headline(self) -> None:
        if not self.statuses:
            self.headline.setText("No kill switch is on.")
            self.headline.setStyleSheet("")
            return
        unconfirmed = sum(s.unconfirmed for s in self.statuses)
        self.headline.setText(f"Kill switches on: {len(self.statuses)} · unconfirmed cancels: {unconfirmed}")
        self.headline.setStyleSheet("color: #dc2626; font-weight: bold;")

    def _update_button(self) -> None:
        self.resume_button.setEnabled(self._may_resume and self._selected_id() is not None)

    def _selected_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.statuses):
            return None
        return self.statuses[rows[0].row()].switch.switch_id

    def resume_selected(self) -> CommandResult | None:
        """Resume trading on the selected switch's scope; say what happened."""
        selected = self._selected_id()
        status = next((s for s in self.statuses if s.switch.switch_id == selected), None)
        if status is None:
            return None
        result = self._engine.resume_trading(status.switch.scope, self._user, "resumed from the kill switch panel")
        self.said.emit(result.message)
        self.refresh()
        return result
