"""First start: a desk with no users asks for its supervisor's account before anything else.

The account is opened through ``UserAdmin.enrol_first_supervisor`` (an audited event, the password hashed
into the store's credentials table), then its owner is logged in.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from app.engine.ids import UserId
from app.engine.users.admin import UserAdmin
from app.ui.log_in_dialog import ERROR_STYLE


class QtFirstStartDialog(QDialog):
    """Open the first supervisor's account on ``admin``'s new desk; ``user`` is them once accepted."""

    def __init__(self, admin: UserAdmin, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._admin = admin
        self.user: UserId | None = None
        self.setWindowTitle("OEMS first start: the supervisor's account")
        self.user_id = QLineEdit(placeholderText="e.g. jsmith")
        self.name = QLineEdit(placeholderText="full name")
        self.desk = QLineEdit(placeholderText="e.g. EQ1")
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.again = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.errors = {field: _error_label() for field in ("user_id", "name", "desk", "password", "again")}
        intro = QLabel(
            "This desk has no users yet. Open the supervisor's account: the supervisor then adds everyone else "
            "(User > Users…).",
            wordWrap=True,
        )
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.addButton("Create and log in", QDialogButtonBox.ButtonRole.AcceptRole)
        form = QFormLayout(self)
        form.addRow(intro)
        for label, field, widget in (
            ("User id", "user_id", self.user_id),
            ("Name", "name", self.name),
            ("Desk", "desk", self.desk),
            ("Password", "password", self.password),
            ("Password again", "again", self.again),
        ):
            form.addRow(label, widget)
            form.addRow("", self.errors[field])
        form.addRow(self.buttons)
        self.buttons.accepted.connect(self.open_account)
        self.buttons.rejected.connect(self.reject)

    def open_account(self) -> None:
        """Open the account and log its owner in; otherwise say, field by field, what is wrong."""
        for label in self.errors.values():
            label.clear()
        if self.password.text() != self.again.text():
            self.errors["again"].setText("The two passwords differ.")
            return
        user_id = self.user_id.text().strip()
        result = self._admin.enrol_first_supervisor(user_id, self.name.text(), self.desk.text(), self.password.text())
        if not result.accepted:
            for problem in reversed(result.problems):
                self.errors[problem.field].setText(problem.message)
            if not result.problems:
                self.errors["user_id"].setText(result.message)
            return
        self.user = self._admin.log_in(user_id, self.password.text()).user
        self.accept()


def _error_label() -> QLabel:
    label = QLabel(wordWrap=True)
    label.setStyleSheet(ERROR_STYLE)
    return label
