"""The QuickFIX/Python baseline for bench_fix: how many execution reports a QuickFIX 1.16 initiator absorbs.

As ENVIRONMENT.md measured it: a QuickFIX/Python acceptor (in its own process, so the two do not share an
interpreter) sends N execution reports for one order as fast as ``Session.sendToTarget`` goes, messages
built before the clock starts; a QuickFIX/Python initiator here, file stores on both sides, reads each
report's ExecID and CumQty in ``fromApp``. The clock runs from the first report received to the last.

``initiator_rate`` returns None when quickfix is not installed (``python3 dev.py interop`` installs it).
Run on its own, ``python -m bench.quickfix_baseline acceptor PORT COUNT DIR`` is the sending side.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

SENDER, TARGET = "QFVENUE", "QFDESK"


def initiator_rate(count: int, workdir: Path) -> float | None:
    """Reports per second a QuickFIX/Python initiator absorbs; None without quickfix."""
    try:
        import quickfix as qf
    except ImportError:
        return None
    from tests.interop.quickfix_kit import Recorder, free_port, settings

    class Counter(Recorder):
        """Reads what a desk needs from each report, and notes the time of the first and the last."""

        def __init__(self) -> None:
            super().__init__()
            self.seen, self.first, self.last = 0, 0.0, 0.0
            self.done = threading.Event()

        def fromApp(self, msg: Any, session_id: Any) -> None:  # noqa: N802 - QuickFIX's callback name
            msg.getField(17)
            Decimal(msg.getField(14))
            self.seen += 1
            if self.seen == 1:
                self.first = time.perf_counter()
            if self.seen == count:
                self.last = time.perf_counter()
                self.done.set()

    port = free_port()
    venue = subprocess.Popen(
        [sys.executable, "-m", "bench.quickfix_baseline", "acceptor", str(port), str(count), str(workdir / "venue")],
        cwd=Path(__file__).resolve().parent.parent,
    )
    try:
        config = settings(workdir / "desk", acceptor=False, port=port, sender=TARGET, target=SENDER, validate=False)
        app = Counter()
        initiator = qf.ThreadedSocketInitiator(app, qf.FileStoreFactory(config), config)
        initiator.start()
        finished = app.done.wait(timeout=300)
        initiator.stop()
    finally:
        venue.wait(timeout=60)
    return count / (app.last - app.first) if finished else None


def _serve(port: int, count: int, workdir: Path) -> None:
    """The acceptor's side: on logon, send ``count`` execution reports as fast as QuickFIX takes them."""
    import quickfix as qf

    from app.engine.fix.tags import MsgType
    from tests.interop.quickfix_kit import Recorder, message, settings
    from tests.support.fix_reports import report_fields
    from tests.support.reports import VenueOrder

    order = VenueOrder("BENCH-1", count)
    bodies = [report_fields(order.ack())] + [report_fields(order.fill(1, 10)) for _ in range(count - 1)]
    built = [message(MsgType.EXECUTION_REPORT, body) for body in bodies]
    config = settings(workdir, acceptor=True, port=port, sender=SENDER, target=TARGET, validate=False)

    class Sender(Recorder):
        """Keeps nothing it sends: the sending side should cost QuickFIX's own work only."""

        def toApp(self, msg: Any, session_id: Any) -> None:  # noqa: N802 - QuickFIX's callback name
            pass

    app = Sender()
    acceptor = qf.ThreadedSocketAcceptor(app, qf.FileStoreFactory(config), config)
    acceptor.start()
    _wait(lambda: app.logons > 0)
    for msg in built:
        qf.Session.sendToTarget(msg, app.session_id)
    _wait(lambda: not app.session.isLoggedOn())  # the initiator logs out once it has read everything
    acceptor.stop()


def _wait(condition: Callable[[], bool], seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)


if __name__ == "__main__":
    if sys.argv[1:2] == ["acceptor"]:
        _serve(int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4]))
