"""The log's JSON text: the same bytes a generic JSON encoder gives (as a dict, or as a row for the classes logged as
rows), and the dict form every log before rows holds still reads."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.engine import serialization
from app.engine.enums import ExecType, OrderStatus
from app.engine.events import AnomalyKind, AnomalyRecorded, ExecutionApplied, ReplaceRequested
from app.engine.ids import ClOrdId, ExecId, OrderId, VenueOrderId
from app.engine.order import Amendment
from app.engine.serialization import from_json, to_json
from tests.support.log_forms import dict_form, row_form

decimals = st.decimals(allow_nan=False, allow_infinity=False, places=8, min_value=-(10**12), max_value=10**12)
texts = st.text(max_size=20)  # any code point: quotes, backslashes, control characters, non-ASCII


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
def test_an_execution_is_written_as_a_row_and_reads_back_as_it_was(event: ExecutionApplied) -> None:
    assert to_json(event) == row_form(event)
    assert from_json(ExecutionApplied, to_json(event)) == event
    assert to_json(from_json(ExecutionApplied, to_json(event))) == to_json(event)  # 1.50 stays 1.50, not 1.5


@given(executions)
def test_an_execution_written_before_rows_still_reads_as_it_was(event: ExecutionApplied) -> None:
    assert from_json(ExecutionApplied, dict_form(event)) == event
    assert to_json(from_json(ExecutionApplied, dict_form(event))) == to_json(event)


def test_a_row_may_stop_before_trailing_fields_with_defaults() -> None:
    full = from_json(ExecutionApplied, row_form(_execution()))
    short = json.loads(row_form(_execution()))[:-5]  # venue_order_id .. text: all defaulted
    assert from_json(ExecutionApplied, json.dumps(short)) == dataclasses.replace(
        full, venue_order_id=None, accepted_cl_ord_id=None, ref_exec_id=None, transact_time=None, text=""
    )


def _execution() -> ExecutionApplied:
    return ExecutionApplied(
        OrderId("O1"), ExecId("E1"), ExecType.TRADE, ClOrdId("O1"), OrderStatus.FILLED, OrderStatus.FILLED,
        OrderStatus.FILLED, Decimal(5), Decimal("1.50"), Decimal(10), Decimal(0), Decimal("1.25"), Decimal(10),
        Decimal("1.5"), None, Decimal(10), True, VenueOrderId("V1"), ClOrdId("O1"), None,
        datetime(2026, 1, 5, 14, 30, tzinfo=UTC), "done",
    )  # fmt: skip


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
    assert to_json(event) == dict_form(event)
    assert from_json(ReplaceRequested, to_json(event)) == event


def test_a_missing_optional_field_takes_its_default() -> None:
    event = from_json(AnomalyRecorded, '{"kind":"overfill","detail":"too much"}')
    assert event == AnomalyRecorded(AnomalyKind.OVERFILL, "too much", None)
    assert from_json(AnomalyRecorded, ' {"kind":"overfill","detail":"too much"}\n') == event  # JSON allows spaces


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"kind":"no_such_kind","detail":"x"}', "not a valid AnomalyKind"),
        ('["overfill","x"]', "expected a JSON object for AnomalyRecorded"),
        ('"overfill"', "expected a JSON object for AnomalyRecorded, found str"),
        ('{"kind":"overfill","detail":"x"}x', "Extra data"),
        ("", "Expecting value"),
    ],
)
def test_a_record_this_program_cannot_read_is_refused_in_words(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        from_json(AnomalyRecorded, text)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda row: [2, *row[1:]], "stored in row layout 2, but this program reads layout 1 only"),
        (lambda row: [], "stored in row layout none"),
        (lambda row: [*row, "more"], "has 23 values, which does not fit"),
        (lambda row: row[:10], "has 9 values, which does not fit"),
    ],
)
def test_a_row_this_program_cannot_read_is_refused_in_words(change: Any, problem: str) -> None:
    row = json.loads(row_form(_execution()))
    with pytest.raises(ValueError, match=problem):
        from_json(ExecutionApplied, json.dumps(change(row)))


@dataclasses.dataclass(frozen=True)
class _Terms:
    """Read back positionally but for its keyword-only field, declared first."""

    note: str = dataclasses.field(kw_only=True)
    name: str
    size: Decimal = Decimal(1)


def test_a_keyword_only_field_is_read_back_by_name_the_others_by_position() -> None:
    terms = _Terms("x", Decimal("2.50"), note="n")
    assert from_json(_Terms, to_json(terms)) == terms
    assert from_json(_Terms, '{"note":"n","name":"x"}') == _Terms("x", note="n")
