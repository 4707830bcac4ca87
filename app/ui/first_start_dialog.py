"""First start: a desk with no users asks for its supervisor's account before anything else.

The account is opened through ``UserAdmin.begin_enrol_first_supervisor`` (an audited event, the password
hashed into the store's credentials table, on a worker thread), then its owner is logged in.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from app.engine.commands import CommandResult
from app.engine.ids import UserId
from app.engine.users.admin import UserAdmin
from app.engine.users.commands import LogInResult
from app.ui.log_in_dialog import ERROR_STYLE
from app.ui.slow_runner import SlowRunner


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
        self.working = QLabel()
        form.addRow(self.working)
        self.slow = SlowRunner(self, self.working.setText)
        self.buttons.accepted.connect(self.open_account)
        self.buttons.rejected.connect(self.reject)

    def open_account(self) -> None:
        """Open the account and log its owner in; otherwise say, field by field, what is wrong."""
        for label in self.errors.values():
            label.clear()
        if self.password.text() != self.again.text():
            self.errors["again"].setText("The two passwords differ.")
            return
        user_id, password = self.user_id.text().strip(), self.password.text()
        enrol = self._admin.begin_enrol_first_supervisor(user_id, self.name.text(), self.desk.text(), password)
        self.slow.run(enrol, lambda result: self._opened(result, user_id, password), "Securing the password…")

    def _opened(self, result: CommandResult, user_id: str, password: str) -> None:
        if not result.accepted:
            for problem in reversed(result.problems):
                self.errors[problem.field].setText(problem.message)
            if not result.problems:
                self.errors["user_id"].setText(result.message)
            return
        self.slow.run(self._admin.begin_log_in(user_id, password), self._logged_in, "Logging in…")

    def _logged_in(self, result: LogInResult) -> None:
        self.user = result.user
        self.accept()


def _error_label() -> QLabel:
    label = QLabel(wordWrap=True)
    label.setStyleSheet(ERROR_STYLE)
    return label
