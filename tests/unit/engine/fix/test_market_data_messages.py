"""Market data as the desk reads and writes it: 35=V out; 35=W snapshots, 35=X increments, 35=Y refusals in."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import pytest

from app.engine.fix import tags
from app.engine.fix.errors import FixFieldError
from app.engine.fix.market_data_messages import (
    NO_REASON_GIVEN,
    EntryType,
    MarketDataEntry,
    SubscriptionType,
    UpdateAction,
    incremental,
    market_data_request,
    request_reject,
    snapshot,
)
from app.engine.fix.message import FixMessage, parse_message
from app.engine.fix.tags import MsgType, SessionRejectReason
from app.engine.fix.values import FixValue

D = Decimal
NEW, CHANGE, DELETE = UpdateAction.NEW, UpdateAction.CHANGE, UpdateAction.DELETE
BID, OFFER, TRADE = EntryType.BID, EntryType.OFFER, EntryType.TRADE


def wire(msg_type: str, fields: Sequence[tuple[int, FixValue]]) -> FixMessage:
    """``fields`` as a message that went over the wire and was parsed back."""
    header: list[tuple[int, FixValue]] = [(49, "SIM-MD"), (56, "OEMS"), (34, 7), (52, "20261123-14:30:00.000")]
    return parse_message(FixMessage(msg_type, [*header, *fields]).encode())


def test_a_request_asks_for_the_top_of_one_symbol_with_trades_as_increments() -> None:
    msg = parse_message(market_data_request("ACME-1-5", "ACME").extend([(49, "A"), (56, "B"), (34, 5)]).encode())
    assert msg.msg_type == MsgType.MARKET_DATA_REQUEST
    assert [(tag, value) for tag, value in msg if tag not in (8, 9, 10, 35, 34, 49, 56)] == [
        (262, "ACME-1-5"), (263, "1"), (264, "1"), (265, "1"),
        (267, "3"), (269, "0"), (269, "1"), (269, "2"), (146, "1"), (55, "ACME"),
    ]  # fmt: skip
    assert market_data_request("ACME-1-5", "ACME", SubscriptionType.UNSUBSCRIBE)[263] == "2"


def test_a_snapshot_gives_every_level_and_the_last_trade_as_new_entries() -> None:
    msg = wire("W", [(262, "r1"), (55, "ACME"), (268, 3),
                     (269, "0"), (270, "99.98"), (271, "300"),
                     (269, "1"), (270, "100.02"), (271, "200"),
                     (269, "2"), (270, "100.00"), (271, "5")])  # fmt: skip
    update = snapshot(msg)
    assert (update.req_id, update.snapshot_of) == ("r1", "ACME")
    assert update.entries == (
        MarketDataEntry(NEW, BID, "ACME", D("99.98"), D(300)),
        MarketDataEntry(NEW, OFFER, "ACME", D("100.02"), D(200)),
        MarketDataEntry(NEW, TRADE, "ACME", D("100.00"), D(5)),
    )


def test_an_empty_snapshot_states_an_empty_book() -> None:
    update = snapshot(wire("W", [(262, "r1"), (55, "ACME"), (268, 0)]))
    assert (update.snapshot_of, update.entries) == ("ACME", ())


def test_an_increment_reads_new_change_and_delete_levels_and_trades_in_order() -> None:
    msg = wire("X", [(262, "r1"), (268, 4),
                     (279, "2"), (269, "0"), (55, "ACME"), (270, "99.98"),
                     (279, "0"), (269, "0"), (55, "ACME"), (270, "99.99"), (271, "100"),
                     (279, "1"), (269, "1"), (55, "ACME"), (270, "100.02"), (271, "50"),
                     (279, "0"), (269, "2"), (270, "100.01"), (271, "7")])  # fmt: skip
    update = incremental(msg)
    assert update.req_id == "r1"
    assert update.snapshot_of is None
    assert update.entries == (
        MarketDataEntry(DELETE, BID, "ACME", D("99.98"), None),
        MarketDataEntry(NEW, BID, "ACME", D("99.99"), D(100)),
        MarketDataEntry(CHANGE, OFFER, "ACME", D("100.02"), D(50)),
        MarketDataEntry(NEW, TRADE, None, D("100.01"), D(7)),  # no Symbol: its MDReqID says whose
    )


def test_entry_types_the_desk_does_not_use_are_skipped() -> None:
    msg = wire("X", [(262, "r1"), (268, 2),
                     (279, "0"), (269, "4"), (270, "98.00"),
                     (279, "0"), (269, "2"), (270, "100.01")])  # fmt: skip
    assert [e.kind for e in incremental(msg).entries] == [TRADE]


def test_a_refusal_says_why_in_words() -> None:
    refusal = request_reject(wire("Y", [(262, "r9"), (281, "0"), (58, "the venue does not list DYNA")]))
    assert refusal.req_id == "r9"
    assert refusal.reason == "the venue does not list the symbol: the venue does not list DYNA"
    assert request_reject(wire("Y", [(262, "r9"), (281, "Z")])).reason == "other (code Z)"
    assert request_reject(wire("Y", [(262, "r9")])).reason == NO_REASON_GIVEN


@pytest.mark.parametrize(
    ("msg_type", "fields", "tag", "reason", "words"),
    [
        ("X", [(262, "r1"), (268, 2), (279, "0"), (269, "0"), (270, "1")], 268,
         SessionRejectReason.INCORRECT_NUM_IN_GROUP_COUNT, "says NoMDEntries (268) 2 but 1 entries follow"),
        ("X", [(262, "r1"), (268, 1), (279, "7"), (269, "0"), (270, "1")], 279,
         SessionRejectReason.VALUE_INCORRECT, "MDUpdateAction (279) '7'"),
        ("X", [(262, "r1"), (268, 1), (279, "0"), (269, "0"), (270, "1.x")], 270,
         SessionRejectReason.INCORRECT_DATA_FORMAT, "bad MDEntryPx (270)"),
        ("X", [(262, "r1"), (268, 1), (279, "0"), (269, "0")], 270,
         SessionRejectReason.REQUIRED_TAG_MISSING, "an entry without MDEntryPx (270)"),
        ("X", [(262, "r1"), (268, 1), (279, "0"), (270, "1")], 269,
         SessionRejectReason.REQUIRED_TAG_MISSING, "an entry without MDEntryType (269)"),
        ("X", [(268, 1), (279, "0"), (269, "0"), (270, "1")], 55,
         SessionRejectReason.REQUIRED_TAG_MISSING, "no Symbol (55) and no MDReqID (262)"),
        ("X", [(262, "r1"), (268, 1), (269, "0"), (279, "0"), (270, "1")], 269,
         SessionRejectReason.INCORRECT_NUM_IN_GROUP_COUNT, "MDEntryType (269) before the first entry's"),
        ("X", [(262, "r1"), (268, 1), (279, "0"), (269, "0"), (270, "1"), (270, "2")], 270,
         SessionRejectReason.INCORRECT_NUM_IN_GROUP_COUNT, "twice in one entry"),
        ("X", [(262, "r1"), (268, "two")], 268,
         SessionRejectReason.INCORRECT_DATA_FORMAT, "bad NoMDEntries (268)"),
        ("W", [(262, "r1"), (268, 0)], 55, SessionRejectReason.REQUIRED_TAG_MISSING, "has no Symbol (55)"),
        ("W", [(262, "r1"), (55, "ACME"), (268, 1), (269, "0"), (270, "1"), (271, "-5")], 271,
         SessionRejectReason.VALUE_INCORRECT, "negative MDEntrySize (271)"),
        ("Y", [(281, "0")], tags.MD_REQ_ID, SessionRejectReason.REQUIRED_TAG_MISSING, "has no MDReqID (262)"),
    ],
)  # fmt: skip
def test_an_unreadable_message_is_refused_naming_the_field_and_the_session_reject_reason(
    msg_type: str, fields: list[tuple[int, FixValue]], tag: int, reason: SessionRejectReason, words: str
) -> None:
    read = {"W": snapshot, "X": incremental, "Y": request_reject}[msg_type]
    with pytest.raises(FixFieldError) as caught:
        read(wire(msg_type, fields))
    assert (caught.value.tag, caught.value.reject_reason, caught.value.seq_num) == (tag, reason, 7)
    assert words in str(caught.value)
    assert "MsgSeqNum 7" in str(caught.value)
