"""The main window on a running desk: one wiring of the engine, sessions, prices, feed and drop copies into the
window, used by ``python -m app`` and by the tests that drive the whole desk, so both see the same window."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from app.engine.ids import UserId
from app.engine.users.admin import UserAdmin
from app.runtime import Runtime
from app.ui.main_window import MainWindow


def desk_window(
    runtime: Runtime,
    user: UserId,
    *,
    admin: UserAdmin | None = None,
    banner: str = "",
    settings: QSettings | None = None,
) -> MainWindow:
    """``user``'s main window on everything ``runtime`` runs (``banner``: the demo profile's warning; ``settings``:
    where layouts and choices persist, the platform's place by default)."""
    return MainWindow(
        runtime.engine,
        runtime.destinations,
        user=user,
        admin=admin,
        banner=banner,
        accounts=runtime.accounts(),
        listings=runtime.listings(),
        settings=settings,
        prices=runtime.prices,
        feed=runtime.feed,
        gateway=runtime.gateway,
        drop_copies=runtime.drop_copies,
    )
