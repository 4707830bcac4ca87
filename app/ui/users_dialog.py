"""The users dialog, for supervisors: every account, and adding one, changing a role, closing one, opening a
closed one again, a new password.

Each change goes through ``UserAdmin`` (audited; refused, and recorded, for anyone but a supervisor) and
the list is redrawn from the users projection afterwards; ``changed`` tells the window to recheck what
its user may do. Passwords are hashed on a worker thread (``SlowRunner``) while the dialog says so.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.engine.commands import CommandResult
from app.engine.ids import UserId
from app.engine.roles import Role
from app.engine.users.admin import UserAdmin
from app.engine.users.commands import ChangeRole, CreateUser, DeactivateUser, ReactivateUser, ResetPassword
from app.ui.slow_runner import SlowRunner

COLUMNS = ("User", "Name", "Role", "Desk", "State", "Last log-in")


class QtUsersDialog(QDialog):
    """Manage ``admin``'s accounts as ``user``."""

    changed = Signal()
    """An account changed."""

    def __init__(self, admin: UserAdmin, user: UserId, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._admin, self._user = admin, user
        self.setWindowTitle("Users")
        self.resize(760, 560)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.new_id, self.new_name, self.new_desk = QLineEdit(), QLineEdit(), QLineEdit()
        self.new_role = _role_box()
        self.new_password, self.new_again = _password(), _password()
        self.role = _role_box()
        self.password, self.again = _password(), _password()
        self.message = QLabel(wordWrap=True)
        self.slow = SlowRunner(self, self.message.setText)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self._selected_box())
        layout.addWidget(self._new_user_box())
        layout.addWidget(self.message)
        self.reload()

    def _new_user_box(self) -> QGroupBox:
        box = QGroupBox("New user")
        form = QFormLayout(box)
        form.addRow("User id", self.new_id)
        form.addRow("Name", self.new_name)
        form.addRow("Role", self.new_role)
        form.addRow("Desk", self.new_desk)
        form.addRow("Password", self.new_password)
        form.addRow("Password again", self.new_again)
        add = QPushButton("Add user")
        add.clicked.connect(self.add_user)
        form.addRow(add)
        return box

    def _selected_box(self) -> QGroupBox:
        box = QGroupBox("Selected user")
        form = QFormLayout(box)
        role_row = QHBoxLayout()
        role_row.addWidget(self.role)
        change = QPushButton("Change role")
        change.clicked.connect(self.change_role)
        role_row.addWidget(change)
        deactivate = QPushButton("Deactivate")
        deactivate.clicked.connect(self.deactivate)
        role_row.addWidget(deactivate)
        reactivate = QPushButton("Reactivate")
        reactivate.clicked.connect(self.reactivate)
        role_row.addWidget(reactivate)
        form.addRow("Role", role_row)
        password_row = QHBoxLayout()
        password_row.addWidget(self.password)
        password_row.addWidget(self.again)
        reset = QPushButton("Reset password")
        reset.clicked.connect(self.reset_password)
        password_row.addWidget(reset)
        form.addRow("New password (twice)", password_row)
        return box

    def reload(self) -> None:
        """Redraw the list from the users projection."""
        users = sorted(self._admin.book.users.values(), key=lambda u: u.user_id)
        self.table.setRowCount(len(users))
        for row, u in enumerate(users):
            last = u.last_log_in.strftime("%Y-%m-%d %H:%M UTC") if u.last_log_in else "never"
            cells = (u.user_id, u.name, u.role.label, u.desk, "active" if u.active else "deactivated", last)
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))

    def select(self, user_id: str) -> None:
        """Make ``user_id``'s row the selected one."""
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.text() == user_id:
                self.table.selectRow(row)

    def selected(self) -> UserId | None:
        """The user of the selected row."""
        rows = self.table.selectionModel().selectedRows()
        item = self.table.item(rows[0].row(), 0) if rows else None
        return None if item is None else UserId(item.text())

    def add_user(self) -> None:
        """Open the account the New user fields describe."""
        if self.new_password.text() != self.new_again.text():
            self._show(CommandResult.refused("The two passwords differ."))
            return
        role = Role(self.new_role.currentData())
        cmd = CreateUser(
            self._user, self.new_id.text().strip(), self.new_name.text(), role, self.new_desk.text(),
            self.new_password.text(),
        )  # fmt: skip
        lines = (self.new_id, self.new_name, self.new_desk, self.new_password, self.new_again)
        self.slow.run(self._admin.begin_create_user(cmd), lambda result: self._show(result, clear=lines))

    def change_role(self) -> None:
        """Give the selected user the chosen role."""
        if (target := self._target()) is not None:
            self._show(self._admin.change_role(ChangeRole(self._user, target, Role(self.role.currentData()))))

    def deactivate(self) -> None:
        """Close the selected user's account."""
        if (target := self._target()) is not None:
            self._show(self._admin.deactivate(DeactivateUser(self._user, target)))

    def reactivate(self) -> None:
        """Open the selected user's closed account again."""
        if (target := self._target()) is not None:
            self._show(self._admin.reactivate(ReactivateUser(self._user, target)))

    def reset_password(self) -> None:
        """Set the typed password for the selected user."""
        target = self._target()
        if target is None:
            return
        if self.password.text() != self.again.text():
            self._show(CommandResult.refused("The two passwords differ."))
            return
        reset = self._admin.begin_reset_password(ResetPassword(self._user, target, self.password.text()))
        self.slow.run(reset, lambda result: self._show(result, clear=(self.password, self.again)))

    def _target(self) -> UserId | None:
        target = self.selected()
        if target is None:
            self._show(CommandResult.refused("Select a user first."))
        return target

    def _show(self, result: CommandResult, clear: Sequence[QLineEdit] = ()) -> bool:
        """Say what ``result`` came to, redraw, and tell the window (clearing ``clear`` if it was accepted); return
        whether it was accepted."""
        words = [result.message, *(p.message for p in result.problems)]
        self.message.setText(" ".join(w for w in words if w))
        self.message.setStyleSheet("color: #16a34a;" if result.accepted else "color: #dc2626;")
        if result.accepted:
            for line in clear:
                line.clear()
            selected = self.selected()
            self.reload()
            if selected is not None:
                self.select(selected)
            self.changed.emit()
        return result.accepted


def _role_box() -> QComboBox:
    box = QComboBox()
    for role in Role:
        box.addItem(role.label, role.value)
    return box


def _password() -> QLineEdit:
    return QLineEdit(echoMode=QLineEdit.EchoMode.Password)
