"""GUI fixtures: an engine on a temp store (venue faked by hand-fed reports) and the real main window."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from app.engine.engine import Engine
from app.engine.ids import OrderId
from app.ui.blotter_columns import STATUS_COLUMN
from app.ui.main_window import MainWindow
from tests.support.engine_kit import TRADER, RecordingOutbound, open_engine

_GUI_DIR = Path(__file__).parent
_HARMLESS = r"^This plugin does not support propagateSizeHints\(\)$"
"""The offscreen platform says this whenever a window with docks is shown; a real display does not."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Let GUI tests show windows on the offscreen platform without its one harmless warning failing them."""
    for item in items:
        if item.path.is_relative_to(_GUI_DIR):
            item.add_marker(pytest.mark.qt_log_ignore(_HARMLESS))


@pytest.fixture
def opened(tmp_path: Path) -> Iterator[tuple[Engine, RecordingOutbound]]:
    engine, outbound = open_engine(tmp_path / "store.sqlite3")
    yield engine, outbound
    engine.close()


@pytest.fixture
def engine(opened: tuple[Engine, RecordingOutbound]) -> Engine:
    return opened[0]


@pytest.fixture
def outbound(opened: tuple[Engine, RecordingOutbound]) -> RecordingOutbound:
    return opened[1]


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "desktop.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot: QtBot, engine: Engine, settings: QSettings) -> MainWindow:
    shown = MainWindow(engine, ["SIM1", "SIM2"], user=TRADER, accounts=["ACC1", "ACC2"], settings=settings)
    qtbot.addWidget(shown)
    shown.show()
    return shown


def wait_for_status(qtbot: QtBot, window: MainWindow, order_id: OrderId, text: str) -> None:
    """Wait until the bridge has delivered every change and the blotter shows ``order_id`` as ``text``..."""
    qtbot.waitUntil(lambda: window.bridge.idle and status_shown(window, order_id).startswith(text))


def status_shown(window: MainWindow, order_id: OrderId) -> str:
    """The status text the blotter shows for ``order_id`` (as the model draws it)."""
    model = window.blotter.model
    row = model.row_of(order_id)
    assert row is not None, f"{order_id} is not in the blotter"
    return str(model.index(row, STATUS_COLUMN).data())
