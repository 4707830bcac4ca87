"""Start the trader desktop: ``python -m app`` (or ``python3 dev.py run``).

Opens the event store in the user's data directory, starts the embedded venue simulator on the ports of
the sessions file, connects every order session and shows the main window, all on one loop: qasync runs
asyncio on the Qt event loop, so the engine and its sessions never block the screen and never need a
thread. A bad sessions file or a store another window holds is shown to the user in words, not a trace.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

import qasync
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.engine.clock import SystemClock
from app.engine.errors import OemsError
from app.engine.fix.config import default_config_path, load_config
from app.runtime import DESK_USER, STORE_FILE, Runtime, data_dir
from app.ui.main_window import MainWindow


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m app", description="The OEMS trader desktop.")
    parser.add_argument("--config", type=Path, default=default_config_path(), help="FIX sessions file (TOML)")
    parser.add_argument("--data-dir", type=Path, default=data_dir(), help="where the event store lives")
    parser.add_argument("--no-simulator", action="store_true", help="do not start the embedded venues")
    parser.add_argument("--quit-after", type=float, default=0, help=argparse.SUPPRESS)  # smoke tests
    return parser.parse_args(argv)


async def run_desktop(app: QApplication, args: argparse.Namespace) -> int:
    """Start everything, show the window, and wind down cleanly when it closes."""
    try:
        configs = load_config(args.config)
        runtime = await Runtime.start(
            args.data_dir / STORE_FILE, configs, SystemClock(), with_simulator=not args.no_simulator
        )
    except OemsError as problem:
        print(f"OEMS cannot start: {problem}", file=sys.stderr)
        if not args.quit_after:
            QMessageBox.critical(None, "OEMS cannot start", str(problem))
        return 2
    except OSError as problem:  # the simulator's ports are taken
        print(f"OEMS cannot start the venue simulator: {problem.strerror or problem}", file=sys.stderr)
        return 2
    window = MainWindow(runtime.engine, runtime.destinations, user=DESK_USER, gateway=runtime.gateway)
    window.show()
    closed = asyncio.Event()
    app.lastWindowClosed.connect(closed.set)
    if args.quit_after:
        QTimer.singleShot(int(args.quit_after * 1000), window.close)
    await closed.wait()
    await runtime.stop()
    return 0


def main(argv: list[str]) -> int:
    """Entry point; returns the exit code."""
    args = parse_args(argv)
    app = QApplication(sys.argv[:1])
    app.setApplicationName("OEMS")
    app.setOrganizationName("oems-desktop")
    app.setQuitOnLastWindowClosed(False)  # closing the window starts the logout; the loop ends after it
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        code: int = loop.run_until_complete(run_desktop(app, args))
    return code


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
