"""The log-in dialog: user id and password; after repeated failures it counts down the wait before the next try.

Every try, good or bad, is an event in the log (``UserAdmin.begin_log_in``); the dialog only draws the answer.
The password is checked on a worker thread (``SlowRunner``): the dialog says so and the screen stays alive.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from app.engine.ids import UserId
from app.engine.users.admin import UserAdmin
from app.engine.users.commands import LogInResult
from app.ui.slow_runner import SlowRunner

ERROR_STYLE = "color: #dc2626;"


class QtLogInDialog(QDialog):
    """Log in to ``admin``'s desk; ``user`` is who logged in once the dialog is accepted."""

    def __init__(self, admin: UserAdmin, title: str = "Log in to OEMS", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._admin = admin
        self.user: UserId | None = None
        self.setWindowTitle(title)
        self.user_id = QLineEdit()
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.message = QLabel(wordWrap=True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.countdown = QLabel()
        self.working = QLabel()
        self.slow = SlowRunner(self, self.working.setText)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.log_in_button = self.buttons.addButton("Log in", QDialogButtonBox.ButtonRole.AcceptRole)
        form = QFormLayout(self)
        form.addRow("User id", self.user_id)
        form.addRow("Password", self.password)
        form.addRow(self.message)
        form.addRow(self.countdown)
        form.addRow(self.working)
        form.addRow(self.buttons)
        self.buttons.accepted.connect(self.try_log_in)
        self.buttons.rejected.connect(self.reject)
        self.user_id.textEdited.connect(lambda _text: self.refresh_wait())
        self._countdown = QTimer(self, interval=1000)
        self._countdown.timeout.connect(self.refresh_wait)

    def try_log_in(self) -> None:
        """Check what was typed (off the GUI thread); accept on success, else say why (and how long to wait)."""
        self.message.clear()
        self.slow.run(self._admin.begin_log_in(self.user_id.text(), self.password.text()), self._answered)

    def _answered(self, result: LogInResult) -> None:
        self.password.clear()
        if result.accepted:
            self.user = result.user
            self.accept()
            return
        self.message.setText(result.message)
        self.refresh_wait()

    def refresh_wait(self) -> None:
        """Disable Log in while the typed user id must still wait after failed tries, and count the wait down."""
        wait = self._admin.wait_before_log_in(self.user_id.text())
        self.log_in_button.setEnabled(wait == 0)
        self.countdown.setText(f"Next try in {int(wait + 0.999)} s." if wait else "")
        if wait:
            self._countdown.start()
        else:
            self._countdown.stop()
