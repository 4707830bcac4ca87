"""The hand-written ExecutionApplied encoder writes exactly the bytes the general serializer writes (the row form), and
what it writes reads back as the event it was; the dict form logs hold from before rows reads too."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from app.engine.enums import ExecType, OrderStatus
from app.engine.events import ExecutionApplied
from app.engine.execution_json import execution_json
from app.engine.ids import ClOrdId, ExecId, OrderId
from app.engine.serialization import from_json, to_json
from tests.support.log_forms import dict_form

_TEXT = st.text(max_size=8)  # quotes, backslashes, control and non-ASCII characters included
_DECIMAL = st.decimals(allow_nan=False, allow_infinity=False)
_PRICE = st.none() | _DECIMAL
_TIME = st.none() | st.datetimes(timezones=st.sampled_from([UTC, timezone(timedelta(hours=-5))]))
_QUANTITIES = ("last_qty", "last_px", "cum_qty", "leaves_qty", "avg_px", "qty", "tally_qty")


def _events(when: datetime | None) -> st.SearchStrategy[ExecutionApplied]:
    decimals = dict.fromkeys(_QUANTITIES, _DECIMAL)
    return st.builds(
        ExecutionApplied, limit_px=_PRICE, stop_px=_PRICE, transact_time=st.just(when), text=_TEXT, **decimals
    )


@given(st.data())
def test_the_hand_written_encoder_writes_what_to_json_writes_and_it_reads_back(data: st.DataObject) -> None:
    times = data.draw(st.lists(_TIME, min_size=1, max_size=4))
    for when in times + times:  # times again: the text written for a repeated time is reused
        event = data.draw(_events(when))
        assert execution_json(event) == to_json(event)
        assert execution_json(event).startswith("[1,")
        assert from_json(ExecutionApplied, execution_json(event)) == event
        assert from_json(ExecutionApplied, dict_form(event)) == event  # as logs before rows hold it


def test_the_same_instant_in_another_zone_is_written_in_that_zone() -> None:
    utc = datetime(2026, 3, 2, 15, tzinfo=UTC)
    texts = []
    for when in (utc, utc.astimezone(timezone(timedelta(hours=-5))), utc):
        event = ExecutionApplied(
            OrderId("O-1"), ExecId("X1"), ExecType.TRADE, ClOrdId("O-1"), None, OrderStatus.NEW, OrderStatus.NEW,
            Decimal(1), Decimal(2), Decimal(1), Decimal(9), Decimal(2), Decimal(10), None, None, Decimal(1), True,
            transact_time=when,
        )  # fmt: skip
        texts.append(execution_json(event))
        assert texts[-1] == to_json(event)
    assert texts[0] != texts[1]
    assert texts[0] == texts[2]
