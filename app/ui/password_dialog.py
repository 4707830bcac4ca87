"""Change my password: the current one, the new one twice; anyone logged in may, for themselves only.

The change goes through ``UserAdmin.begin_change_own_password`` (audited; a wrong current password counts
as a failed log-in), checked and hashed on a worker thread while the dialog says so.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from app.engine.commands import CommandResult
from app.engine.ids import UserId
from app.engine.users.admin import UserAdmin
from app.engine.users.commands import ChangeOwnPassword
from app.ui.log_in_dialog import ERROR_STYLE
from app.ui.slow_runner import SlowRunner


class QtChangePasswordDialog(QDialog):
    """``user`` changes their own password on ``admin``'s desk; ``result_of_change`` is what the desk answered."""

    def __init__(self, admin: UserAdmin, user: UserId, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._admin, self._user = admin, user
        self.result_of_change: CommandResult | None = None
        self.setWindowTitle(f"Change the password of {user}")
        self.current = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.new = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.again = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.message = QLabel(wordWrap=True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.working = QLabel()
        self.slow = SlowRunner(self, self.working.setText)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.change_button = self.buttons.addButton("Change password", QDialogButtonBox.ButtonRole.AcceptRole)
        form = QFormLayout(self)
        form.addRow("Current password", self.current)
        form.addRow("New password", self.new)
        form.addRow("New password again", self.again)
        form.addRow(self.message)
        form.addRow(self.working)
        form.addRow(self.buttons)
        self.buttons.accepted.connect(self.change)
        self.buttons.rejected.connect(self.reject)

    def change(self) -> None:
        """Ask the desk to change the password; close once it has, else say why and stay open."""
        if self.new.text() != self.again.text():
            self.message.setText("The two new passwords differ.")
            return
        self.message.clear()
        command = ChangeOwnPassword(self._user, self.current.text(), self.new.text())
        self.slow.run(self._admin.begin_change_own_password(command), self._answered)

    def _answered(self, result: CommandResult) -> None:
        self.result_of_change = result
        self.current.clear()
        if result.accepted:
            self.accept()
            return
        words = [result.message, *(p.message for p in result.problems)]
        self.message.setText(" ".join(w for w in words if w))
