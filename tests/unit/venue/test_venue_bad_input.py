"""Bad input is answered like a real venue answers it: a session Reject or a BusinessMessageReject, never a crash."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.engine.fix import FixMessage
from tests.unit.venue.fix_kit import T0, Client, body, venue

NEW = {11: "c1", 55: "ACME", 54: "1", 38: "10", 40: "2", 44: "99.00", 59: "0", 60: T0}
CANCEL = {41: "c1", 11: "c2", 55: "ACME", 54: "1", 60: T0}
REPLACE = {41: "c1", 11: "c2", 55: "ACME", 54: "1", 38: "20", 40: "2", 44: "99.00", 60: T0}
STATUS = {11: "c1", 55: "ACME", 54: "1"}
MASS_STATUS = {584: "m1", 585: "7"}
MASS_CANCEL = {11: "q1", 530: "7", 60: T0}
MARKET_DATA = {262: "md1", 263: "1", 264: "1", 267: "1", 269: "0", 146: "1", 55: "ACME"}
NOT_REQUIRED = {("D", 44), ("D", 59), ("G", 44), ("V", 269), ("V", 55)}
"""Optional fields, and group entries whose absence is a wrong count (373=16), not a missing tag."""
GOOD = {"D": NEW, "F": CANCEL, "G": REPLACE, "H": STATUS, "AF": MASS_STATUS, "q": MASS_CANCEL, "V": MARKET_DATA}


def _answer(msg_type: str, fields: dict[int, str]) -> FixMessage:
    client = Client(venue())
    [answer] = client.mine(client.send(msg_type, list(fields.items())))
    return answer


@pytest.mark.parametrize(
    ("msg_type", "tag"),
    [(msg_type, tag) for msg_type, fields in GOOD.items() for tag in fields if (msg_type, tag) not in NOT_REQUIRED],
)
def test_a_missing_required_tag_is_a_session_reject_373_1(msg_type: str, tag: int) -> None:
    fields = {k: v for k, v in GOOD[msg_type].items() if k != tag}
    reject = _answer(msg_type, fields)
    assert body(reject)[:6] == [(35, "3"), (45, "2"), (371, str(tag)), (372, msg_type), (373, "1"), (58, reject[58])]
    assert f"({tag}) is required" in reject[58]


@pytest.mark.parametrize(
    ("msg_type", "tag", "value"),
    [
        ("D", 38, "ten"),
        ("D", 44, "1e5"),
        ("D", 60, "2026-01-05 14:30"),
        ("D", 126, "tomorrow"),
        ("G", 38, "1,000"),
        ("F", 60, "20261305-14:30:00"),
        ("AF", 585, "seven"),
        ("V", 264, "top"),
    ],
)
def test_a_value_in_the_wrong_format_is_a_session_reject_373_6(msg_type: str, tag: int, value: str) -> None:
    reject = _answer(msg_type, {**GOOD[msg_type], tag: value})
    assert (reject[35], reject[371], reject[373]) == ("3", str(tag), "6")
    assert value in reject[58]


@pytest.mark.parametrize(
    ("msg_type", "tag", "value"),
    [
        ("D", 54, "9"),
        ("D", 40, "P"),
        ("D", 59, "2"),
        ("D", 38, "1" + "0" * 40),
        ("G", 44, "9" * 13 + ".5"),
        ("F", 54, "X"),
        ("G", 40, "9"),
        ("H", 54, "7"),
        ("AF", 585, "3"),
        ("q", 530, "9"),
        ("V", 263, "5"),
        ("V", 264, "-1"),
        ("V", 265, "2"),
    ],
)
def test_a_value_out_of_range_is_a_session_reject_373_5(msg_type: str, tag: int, value: str) -> None:
    reject = _answer(msg_type, {**GOOD[msg_type], tag: value})
    assert (reject[35], reject[371], reject[373]) == ("3", str(tag), "5")
    assert repr(value) in reject[58]


def test_a_repeating_group_whose_count_disagrees_is_a_session_reject_373_16() -> None:
    reject = _answer("V", {**MARKET_DATA, 267: "2"})
    assert (reject[35], reject[371], reject[373]) == ("3", "267", "16")
    assert "says 2 but 1 MDEntryType (269) follow" in reject[58]


def test_an_unsupported_message_type_is_a_business_reject_380_3() -> None:
    reject = _answer("AE", {571: "trade-1", 11: "x9"})
    assert body(reject) == [
        (35, "j"), (45, "2"), (372, "AE"), (379, "x9"), (380, "3"),
        (58, "the venue does not handle MsgType (35) 'AE'"),
    ]  # fmt: skip


@pytest.mark.parametrize("msg_type", ["ZZ", "I", "BI", "a1"])
def test_a_message_type_fix_does_not_define_is_a_session_reject_373_11(msg_type: str) -> None:
    reject = _answer(msg_type, {11: "x9"})
    assert (reject[35], reject[45], reject[371], reject[372], reject[373]) == ("3", "2", "35", msg_type, "11")
    assert f"{msg_type!r} is not a FIX 4.4 message type" in reject[58]


def test_a_user_defined_message_type_is_a_business_reject_380_3() -> None:
    reject = _answer("U7", {11: "x9"})
    assert (reject[35], reject[380]) == ("j", "3")


def test_session_messages_are_not_the_applications_to_answer() -> None:
    app = venue()
    for msg_type in ("0", "1", "2", "4", "5", "A", "3"):
        assert app.on_message("C1", FixMessage(msg_type, [(34, 9)])) == []


def test_a_refused_message_changes_nothing() -> None:
    app = venue()
    client = Client(app)
    client.send("D", list({**NEW, 38: "ten"}.items()))
    assert app.held() == 0
    book = app.engine.book("ACME")
    assert book is not None
    assert book.open_orders() == []


_TAGS = st.sampled_from([1, 11, 38, 40, 41, 44, 54, 55, 59, 60, 99, 126, 146, 262, 263, 264, 267, 269, 530, 584, 585])
_HUGE, _TINY = "1" + "0" * 40, "0." + "0" * 40 + "1"
_VALUES = st.sampled_from(["0", "1", "2", "7", "-1", "ACME", "NOPE", "1.5", "x", T0, "9" * 20, _HUGE, _TINY])


@given(
    msg_type=st.sampled_from([*GOOD, "8", "ZZ"]),
    fields=st.lists(st.tuples(_TAGS, _VALUES), max_size=12),
)
def test_no_message_makes_the_application_raise(msg_type: str, fields: list[tuple[int, str]]) -> None:
    app = venue()
    client = Client(app)
    out = client.send(msg_type, fields)
    assert {o.message.msg_type for o in out} <= {"3", "j", "8", "9", "r", "W", "X", "Y"}
    assert out or msg_type == "V"  # only an unsubscribe goes unanswered
