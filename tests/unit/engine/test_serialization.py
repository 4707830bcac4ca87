"""The log's JSON text: the same bytes a generic JSON encoder gives, so old logs still chain and read."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.engine import serialization
from app.engine.enums import ExecType, OrderStatus
from app.engine.events import AnomalyKind, AnomalyRecorded, ExecutionApplied, ReplaceRequested
from app.engine.ids import ClOrdId, OrderId
from app.engine.order import Amendment
from app.engine.serialization import from_json, to_json

decimals = st.decimals(allow_nan=False, allow_infinity=False, places=8, min_value=-(10**12), max_value=10**12)
texts = st.text(max_size=20)  # any code point: quotes, backslashes, control characters, non-ASCII


def _plain(value: Any) -> Any:
    """The dict form the log has always stored, built the slow, obvious way."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _generic(event: Any) -> str:
    return json.dumps(_plain(event), separators=(",", ":"), ensure_ascii=False)


executions = st.builds(
    ExecutionApplied,
    order_id=texts.map(OrderId),
    exec_id=texts,
    exec_type=st.sampled_from(ExecType),
    reported_cl_ord_id=texts.map(ClOrdId),
    venue_status=st.none() | st.sampled_from(OrderStatus),
    status=st.sampled_from(OrderStatus),
    resume_status=st.sampled_from(OrderStatus),
    last_qty=decimals,
    last_px=decimals,
    cum_qty=decimals,
    leaves_qty=decimals,
    avg_px=decimals,
    qty=decimals,
    limit_px=st.none() | decimals,
    stop_px=st.none() | decimals,
    tally_qty=decimals,
    counted=st.booleans(),
    venue_order_id=st.none() | texts,
    accepted_cl_ord_id=st.none() | texts.map(ClOrdId),
    ref_exec_id=st.none() | texts,
    transact_time=st.none() | st.datetimes(timezones=st.just(UTC)),
    text=texts,
)


@given(executions)
def test_an_execution_is_written_exactly_as_a_generic_encoder_writes_it(event: ExecutionApplied) -> None:
    assert to_json(event) == _generic(event)
    assert from_json(ExecutionApplied, to_json(event)) == event
    assert _generic(from_json(ExecutionApplied, to_json(event))) == to_json(event)  # 1.50 stays 1.50, not 1.5


def test_decimals_read_back_keep_their_written_form_however_many_were_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(serialization, "_DECIMALS_KEPT", 3)  # the memo of decimal texts is emptied every 3
    written = ["1.5", "1.50", "1.500", "2", "2.0", "1.5", "1.50"]
    read = [from_json(Amendment, to_json(Amendment(Decimal(text), None, None))).qty for text in written]
    assert [str(qty) for qty in read] == written
    assert len(serialization._DECIMALS) <= 3


def test_nested_terms_and_optional_fields_keep_their_generic_form() -> None:
    amendment = Amendment(Decimal("10.50"), limit_px=Decimal("1E+2"))
    event = ReplaceRequested(
        OrderId("O1"), ClOrdId("O1-2"), ClOrdId("O1"), amendment, OrderStatus.PENDING_REPLACE, OrderStatus.NEW
    )
    assert to_json(event) == _generic(event)
    assert from_json(ReplaceRequested, to_json(event)) == event


def test_a_missing_optional_field_takes_its_default() -> None:
    event = from_json(AnomalyRecorded, '{"kind":"overfill","detail":"too much"}')
    assert event == AnomalyRecorded(AnomalyKind.OVERFILL, "too much", None)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"kind":"no_such_kind","detail":"x"}', "not a valid AnomalyKind"),
        ('["overfill","x"]', "expected a JSON object for AnomalyRecorded"),
    ],
)
def test_a_record_this_program_cannot_read_is_refused_in_words(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        from_json(AnomalyRecorded, text)
