"""Run a read of the event store (or other slow work that touches nothing the GUI thread owns, such as a
password hash) on a worker thread and hand its result to the GUI thread.

The store's connection is shared with the engine (SQLite serialises the calls); the reads given here walk
the log in short windows (``app.engine.history``) or by index (``app.engine.order_timeline``), so the engine's
commits on the GUI thread never wait long. The result, or the error in words, comes back as a Qt signal,
which Qt queues to the thread the ``BackgroundRead`` lives in.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, SignalInstance

from app.engine.errors import OemsError


class BackgroundRead(QObject):
    """One read, started with ``start``; ``done`` carries its result, ``failed`` what went wrong."""

    done = Signal(object)
    failed = Signal(str)

    def __init__(self, read: Callable[[], object], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._read = read
        self._thread = threading.Thread(target=self._run, name="store-read", daemon=True)

    def start(self) -> None:
        """Begin reading on the worker thread."""
        self._thread.start()

    def wait(self, seconds: float) -> bool:
        """Block until the read has finished (for closing down); whether it did within ``seconds``."""
        self._thread.join(seconds)
        return not self._thread.is_alive()

    def _run(self) -> None:
        try:
            result = self._read()
        except OemsError as problem:
            self._emit(self.failed, str(problem))
            return
        self._emit(self.done, result)

    @staticmethod
    def _emit(signal: SignalInstance, value: object) -> None:
        try:
            signal.emit(value)
        except RuntimeError:  # the window closed while reading: nobody is left to tell
            return
