"""Properties of the report mapping over generated reports and generated field text (Hypothesis).

1. Any ExecutionReport a venue could state goes over the wire as 35=8 and reads back equal, every quantity
   and price the same Decimal.
2. Whatever text a venue puts in the quantity and price fields, the mapping either reads it as exactly that
   Decimal (digits and exponent kept: ``1.50`` stays ``1.50``) or refuses the report naming that field with
   reason 6 (not a number) or 5 (a negative quantity); it never guesses.
3. The plain (fast) reading of a report, with fields dropped or garbled, either agrees with the checked
   reading exactly or leaves the report to it; it never reads one the checked reading refuses.
4. A report the fast lane read (its values taken by their position in the frame's layout) maps to exactly what
   the same frame parsed the full way maps to: the same report, or the same refusal (reason, tag and words).
"""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal

from hypothesis import given, reject
from hypothesis import strategies as st

from app.engine.enums import ORD_STATUS_FROM_FIX, ExecType, OrderStatus, Side, TimeInForce
from app.engine.fix import tags
from app.engine.fix.errors import FixFieldError
from app.engine.fix.fast_lane import PlainLane
from app.engine.fix.framer import FixFramer, Frame
from app.engine.fix.message import FixMessage, parse_message
from app.engine.fix.report_messages import checked_execution_report, execution_report, plain_execution_report
from app.engine.fix.tags import MsgType, SessionRejectReason
from app.engine.ids import ClOrdId, ExecId, VenueOrderId
from app.engine.venue_messages import ExecutionReport, OrderTerms
from tests.support.fix_reports import on_the_wire, report_fields, report_message

AMOUNTS = (tags.CUM_QTY, tags.LEAVES_QTY, tags.AVG_PX, tags.LAST_QTY, tags.LAST_PX, tags.ORDER_QTY)
FIX_FLOAT = re.compile(r"-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)")
"""FIX's float grammar: an optional minus, digits with an optional point; no exponent, sign or space."""
QUANTITIES = frozenset({tags.CUM_QTY, tags.LEAVES_QTY, tags.LAST_QTY, tags.ORDER_QTY})

ids = st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=12)
amounts = st.integers(0, 8).flatmap(
    lambda places: st.decimals(min_value=0, max_value=10**12, allow_nan=False, allow_infinity=False, places=places)
) | st.sampled_from([Decimal("1E+2"), Decimal("0E-8"), Decimal("1.50"), Decimal("-0")])
exec_types = st.sampled_from([t for t in ExecType if t not in (ExecType.PARTIAL_FILL_LEGACY, ExecType.FILL_LEGACY)])


@st.composite
def reports(draw: st.DrawFn) -> ExecutionReport:
    """A report with every field a venue may state, each drawn independently."""
    exec_type = draw(exec_types)
    refers = exec_type in (ExecType.TRADE_CANCEL, ExecType.TRADE_CORRECT)
    return ExecutionReport(
        exec_id=ExecId(draw(ids)),
        exec_type=exec_type,
        cl_ord_id=ClOrdId(draw(ids)),
        ord_status=draw(st.sampled_from(sorted(set(ORD_STATUS_FROM_FIX.values())))),
        cum_qty=draw(amounts),
        leaves_qty=draw(amounts),
        avg_px=draw(amounts),
        last_qty=draw(amounts),
        last_px=draw(amounts),
        orig_cl_ord_id=draw(st.none() | ids.map(ClOrdId)),
        venue_order_id=draw(ids.filter(lambda text: text != "NONE").map(VenueOrderId)),
        symbol=draw(ids),
        side=draw(st.sampled_from(Side)),
        order_qty=draw(st.none() | amounts),
        ref_exec_id=ExecId(draw(ids)) if refers else None,
        session="",
    )


@given(reports(), ids)
def test_any_report_goes_over_the_wire_and_reads_back_equal(report: ExecutionReport, session: str) -> None:
    terms = OrderTerms(tif=TimeInForce.DAY) if report.exec_type is ExecType.ORDER_STATUS else None  # none on the wire
    expected = dataclasses.replace(report, session=session, terms=terms)
    assert execution_report(report_message(report), session) == expected


amount_texts = st.from_regex(r"-?[0-9]{0,6}(\.[0-9]{0,6})?", fullmatch=True) | st.sampled_from(
    ["1e3", "1E+3", " 1", "1 ", "+1", "0x10", "NaN", "Infinity", "1_000", "١٢", "--1"]
)


@given(st.dictionaries(st.sampled_from(AMOUNTS), amount_texts.filter(bool), min_size=1))
def test_amount_text_reads_as_exactly_that_decimal_or_is_refused_by_tag(texts: dict[int, str]) -> None:
    one = Decimal(1)
    fill = ExecutionReport(ExecId("X1"), ExecType.TRADE, ClOrdId("D-1"), OrderStatus.PARTIALLY_FILLED, one, one, one)
    body = [(tag, texts.get(tag, value)) for tag, value in report_fields(dataclasses.replace(fill, last_qty=one))]
    if tags.ORDER_QTY in texts:
        body.append((tags.ORDER_QTY, texts[tags.ORDER_QTY]))
    msg = on_the_wire(MsgType.EXECUTION_REPORT, body)
    error: FixFieldError | None = None
    try:
        mapped = execution_report(msg, "SIM1")
    except FixFieldError as exc:
        error = exc
    if error is not None:
        assert error.tag in texts
        text = texts[error.tag]
        if error.reject_reason == SessionRejectReason.VALUE_INCORRECT:
            assert error.tag in QUANTITIES
            assert Decimal(text) < 0
        else:
            assert error.reject_reason == SessionRejectReason.INCORRECT_DATA_FORMAT
            assert FIX_FLOAT.fullmatch(text) is None
        return
    read = {
        tags.CUM_QTY: mapped.cum_qty,
        tags.LEAVES_QTY: mapped.leaves_qty,
        tags.AVG_PX: mapped.avg_px,
        tags.LAST_QTY: mapped.last_qty,
        tags.LAST_PX: mapped.last_px,
        tags.ORDER_QTY: mapped.order_qty,
    }
    for tag, text in texts.items():
        value = read[tag]
        assert value is not None
        assert FIX_FLOAT.fullmatch(text), f"{tags.tag_name(tag)} {text!r} is no FIX float but was read"
        assert value >= 0 or tag not in QUANTITIES
        assert value.as_tuple() == Decimal(text).as_tuple(), (tag, text)


REPORT_TAGS = (6, 11, 14, 17, 19, 31, 32, 37, 38, 39, 41, 54, 55, 60, 150, 151)


@given(
    reports(),
    st.sets(st.sampled_from(REPORT_TAGS), max_size=2),
    st.dictionaries(
        st.sampled_from(REPORT_TAGS),
        st.sampled_from(["-1", "-0.5", "1e3", " 1", "X", "Z", "NONE"]) | amount_texts.filter(bool),
        max_size=3,
    ),
)
def test_the_plain_reading_agrees_with_the_checked_one_or_leaves_the_report_to_it(
    report: ExecutionReport, dropped: set[int], garbled: dict[int, str]
) -> None:
    body = [(tag, garbled.get(tag, value)) for tag, value in report_fields(report) if tag not in dropped]
    msg = on_the_wire(MsgType.EXECUTION_REPORT, body)
    plain = plain_execution_report(msg, "SIM1")
    try:
        checked = checked_execution_report(msg, "SIM1")
    except FixFieldError:
        assert plain is None
        return
    assert plain is None or plain == checked


def _mapped(msg: FixMessage) -> object:
    """What the mapping makes of ``msg``: the report, or the refusal as the session would answer it."""
    try:
        return execution_report(msg, "SIM1")
    except FixFieldError as exc:
        return type(exc), str(exc), exc.tag, exc.reject_reason


@given(
    reports(),
    st.sets(st.sampled_from(REPORT_TAGS), max_size=2),
    st.dictionaries(
        st.sampled_from(REPORT_TAGS),
        st.sampled_from(["-1", "-0.5", "1e3", " 1", "X", "Z", "NONE", "20260101-25:00:00"]) | amount_texts.filter(bool),
        max_size=3,
    ),
)
def test_a_report_read_by_the_fast_lane_maps_as_the_same_frame_parsed(
    report: ExecutionReport, dropped: set[int], garbled: dict[int, str]
) -> None:
    body = [(tag, garbled.get(tag, value)) for tag, value in report_fields(report) if tag not in dropped]
    raw = on_the_wire(MsgType.EXECUTION_REPORT, body).encode()
    lane = PlainLane()
    lane.learn(parse_message(raw))  # as a session learns a layout: from a frame read the full way
    items = FixFramer(lane=lane).feed(raw)
    assert len(items) == 1
    assert isinstance(items[0], Frame)
    read = items[0].fields
    if read is None:  # only a frame that is not ASCII is left to the full way
        reject()
    assert _mapped(read) == _mapped(parse_message(raw))
