"""A fresh desk with the real gate for each risk test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.risk_kit import Desk, open_desk


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    """A desk on a temp store; closed after the test."""
    opened = open_desk(tmp_path / "desk.sqlite3")
    yield opened
    opened.engine.store.close()
