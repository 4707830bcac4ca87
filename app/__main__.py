"""Start the trader desktop: ``python -m app`` (``python3 dev.py run`` adds ``--demo``).

Opens the event store in the user's data directory, starts the embedded venue simulator on the ports of
the sessions file, connects every order and market data session (a small window says how far the rebuild of
the book has got meanwhile), has someone log in and shows the main window, all on one loop: qasync runs
asyncio on the Qt event loop, so the engine and its sessions never block the screen and never need a thread.
A bad sessions file or a store another window holds is shown in words, not a trace.

Who logs in: on a desk with no users the first-start dialog opens the supervisor's account; later starts
show the log-in dialog. ``--demo`` runs on a store of its own with three demo users (created on its first
start), logs in as demo-trader with no typing and shows a banner saying so.
``--limits FILE`` loads a limits file into the desk once someone has logged in, as that user: each limit it
names is set (an audited change; a supervisor's role is needed), the others stay (with ``--replace-limits`` they
are removed: the file becomes the whole set); a file with a mistake is named with its line, changes nothing, and
the desktop starts all the same.
``--faults SCRIPT [--seed N]`` makes the embedded venues misbehave as a fault script says (a script with
mistakes is refused, each named with its file and line, exit status 2); ``--hours SIMB:09:30-16:00@America/New_York``
has a venue keep hours (the demo's are non-stop; a bad value is refused, named with its option and value).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
from collections.abc import Mapping
from functools import partial
from pathlib import Path

import qasync
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from app.engine import collector
from app.engine.clock import SystemClock
from app.engine.engine import Engine
from app.engine.errors import OemsError
from app.engine.fix.config import default_config_path, load_config
from app.engine.ids import UserId
from app.engine.risk.limits_file import load_limits
from app.engine.users.admin import UserAdmin
from app.engine.users.demo import DEMO_BANNER, prepare_demo
from app.runtime import STORE_FILE, Runtime, data_dir
from app.ui.desk_window import desk_window
from app.ui.first_start_dialog import QtFirstStartDialog
from app.ui.log_in_dialog import QtLogInDialog
from app.ui.start_progress import QtStartProgress
from app.venue.errors import FaultScriptError, VenueOptionError
from app.venue.fault_options import add_fault_options, read_faults, refuse_script
from app.venue.hours_options import add_hours_option, read_hours, refuse_hours
from app.venue.profiles import DEFAULT_PROFILES, VenueProfile
from app.venue.simulator import Faults


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m app", description="The OEMS trader desktop.")
    parser.add_argument("--config", type=Path, default=default_config_path(), help="FIX sessions file (TOML)")
    parser.add_argument(
        "--data-dir", type=Path, default=None, help=f"where the event store lives (default {data_dir()})"
    )
    parser.add_argument("--no-simulator", action="store_true", help="do not start the embedded venues")
    parser.add_argument(
        "--demo",
        action="store_true",
        help=f"demo users on a store of their own ({data_dir(demo=True)}), logged in as demo-trader",
    )
    parser.add_argument(
        "--limits",
        type=Path,
        default=None,
        help="a limits file (TOML) to load once logged in (a supervisor's role); limits it does not name stay",
    )
    parser.add_argument(
        "--replace-limits",
        action="store_true",
        help="with --limits: the file becomes the whole set, every limit it does not name is removed",
    )
    parser.add_argument("--quit-after", type=float, default=0, help=argparse.SUPPRESS)  # smoke tests
    add_fault_options(parser)
    add_hours_option(parser)
    return parser.parse_args(argv)


async def run_desktop(
    app: QApplication,
    args: argparse.Namespace,
    faults: Faults | None = None,
    venues: Mapping[str, VenueProfile] = DEFAULT_PROFILES,
) -> int:
    """Start everything (the embedded ``venues``), show the window, and wind down cleanly when it closes."""
    store = (args.data_dir or data_dir(demo=args.demo)) / STORE_FILE
    starting = QtStartProgress()
    starting.show()
    try:
        configs = load_config(args.config)
        runtime = await Runtime.start(
            store,
            configs,
            SystemClock(),
            with_simulator=not args.no_simulator,
            faults=faults,
            venues=venues,
            progress=starting.report,
        )
    except OemsError as problem:
        return cannot_start(problem, args)
    except OSError as problem:  # the simulator's ports are taken
        print(f"OEMS cannot start the venue simulator: {problem.strerror or problem}", file=sys.stderr)
        return 2
    finally:
        starting.close()
    admin = UserAdmin(runtime.engine)
    try:
        user = await log_in(admin, args)
    except OemsError as problem:
        await runtime.stop()
        return cannot_start(problem, args)
    if user is None:  # the person closed the log-in
        await runtime.stop()
        return 0
    if args.limits is not None:
        load_limits_file(runtime.engine, args.limits, user, args)
    banner = DEMO_BANNER if args.demo else ""
    window = desk_window(runtime, user, admin=admin, banner=banner)
    window.show()
    gc.freeze()  # the loaded book and the window live all day: the collector's full passes skip them from now on
    closed = asyncio.Event()
    app.lastWindowClosed.connect(closed.set)
    if args.quit_after:
        QTimer.singleShot(int(args.quit_after * 1000), window.close)
    await closed.wait()
    admin.log_out(window.user)
    await runtime.stop()
    return 0


def cannot_start(problem: OemsError, args: argparse.Namespace) -> int:
    """Say why the desktop cannot start (on stderr, and in a message box unless smoke-testing); the exit code."""
    print(f"OEMS cannot start: {problem}", file=sys.stderr)
    if not args.quit_after:
        QMessageBox.critical(None, "OEMS cannot start", str(problem))
    return 2


def load_limits_file(engine: Engine, path: Path, user: UserId, args: argparse.Namespace) -> None:
    """Load the limits file at ``path`` as ``user``; say what came of it (a refusal in a message box too)."""
    loaded = engine.load_limits(partial(load_limits, path), path.name, user, replace_all=args.replace_limits)
    print(loaded.message, file=sys.stdout if loaded.accepted else sys.stderr)
    if not loaded.accepted and not args.quit_after:
        QMessageBox.warning(None, "Limits file not loaded", loaded.message)


async def log_in(admin: UserAdmin, args: argparse.Namespace) -> UserId | None:
    """Who uses the desktop: demo-trader in the demo profile, else whoever logs in (or opens the first account)."""
    if args.demo:
        result = prepare_demo(admin)
        if result.user is not None:
            return result.user
    dialog = QtFirstStartDialog(admin) if admin.first_start else QtLogInDialog(admin)
    if args.quit_after:
        QTimer.singleShot(int(args.quit_after * 1000), dialog.reject)
    return dialog.user if await shown(dialog) else None


async def shown(dialog: QDialog) -> bool:
    """Show ``dialog`` window-modal and wait (without blocking the loop) until it closes; True if accepted."""
    answer: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def settle(code: int) -> None:
        if not answer.done():
            answer.set_result(code)

    dialog.finished.connect(settle)
    dialog.open()
    return await answer == QDialog.DialogCode.Accepted


def main(argv: list[str]) -> int:
    """Entry point; returns the exit code."""
    collector.pace()
    args = parse_args(argv)
    try:
        faults = read_faults(args)
        venues = read_hours(args)
    except FaultScriptError as problem:
        return refuse_script(problem)
    except VenueOptionError as problem:
        return refuse_hours(problem)
    app = QApplication(sys.argv[:1])
    app.setApplicationName("OEMS")
    app.setOrganizationName("oems-desktop")
    app.setQuitOnLastWindowClosed(False)  # closing the window starts the logout; the loop ends after it
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        code: int = loop.run_until_complete(run_desktop(app, args, faults, venues))
    return code


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
