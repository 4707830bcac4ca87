"""The Qt build under us: PySide6 6.12.0 on CPython 3.11 crashed after a few thousand dataChanged emits.

See shared/notes/ENVIRONMENT.md; this test is the guard on the pin in pyproject.toml.
"""

from __future__ import annotations

from app.engine.commands import SubmitOrder
from app.engine.engine import Engine
from app.ui.blotter_model import BlotterModel
from tests.support.engine_kit import TRADER, spec


def test_ten_thousand_data_changed_emits_on_a_real_model_do_not_crash(engine: Engine) -> None:
    order_id = engine.submit(SubmitOrder(spec(), TRADER)).order_id
    assert order_id is not None
    model = BlotterModel(engine.ledger)
    seen = []
    model.dataChanged.connect(lambda first, _last, _roles: seen.append(first.row()))
    for _ in range(10_000):
        model.refresh([order_id])
    assert len(seen) == 10_000
