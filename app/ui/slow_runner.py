"""Run a password command's slow part (scrypt, most of a second) off the GUI thread.

The dialog asking for it is disabled with a busy cursor and says what it is doing until the work is done;
then the command's finish (which records the outcome in the engine) and the dialog's answer run on the GUI
thread, where the engine lives. See app/engine/users/slow.py for how a command is split.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from app.engine.users.slow import Slow
from app.ui.background import BackgroundRead

T = TypeVar("T")


class SlowRunner:
    """Runs one slow command at a time for ``dialog``, telling ``say`` what it is doing meanwhile."""

    def __init__(self, dialog: QWidget, say: Callable[[str], None]) -> None:
        self._dialog, self._say = dialog, say
        self._worker: BackgroundRead | None = None

    @property
    def busy(self) -> bool:
        """Whether a slow part is running now."""
        return self._worker is not None

    def run(self, slow: Slow[T], done: Callable[[T], object], doing: str = "Checking the password…") -> None:
        """Run ``slow``'s work on a worker thread, then its finish and ``done`` with the result here."""
        if self._worker is not None:
            return
        self._dialog.setEnabled(False)
        self._dialog.setCursor(Qt.CursorShape.BusyCursor)
        self._say(doing)

        def finished(result: Any) -> None:
            self._worker = None
            self._dialog.setEnabled(True)
            self._dialog.unsetCursor()
            self._say("")
            done(slow.finish(result))

        self._worker = BackgroundRead(slow.work, self._dialog)
        self._worker.done.connect(finished)
        self._worker.start()
