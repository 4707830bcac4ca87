"""The desk's price feed, scripted on the wire: a real engine and store, a market data session core fed bytes
by a scripted venue, no socket. Each test reads as what the venue sends and what the desk asks for and shows."""

from __future__ import annotations

import contextlib
import dataclasses
import sqlite3
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path

import pytest

from app.engine.clock import FakeClock
from app.engine.commands import SubmitOrder
from app.engine.engine import Engine
from app.engine.fix import tags
from app.engine.fix.alerts import AlertLevel
from app.engine.fix.config import SessionConfig, SessionRole
from app.engine.fix.message import FixMessage, parse_message
from app.engine.fix.quote_feed import QuoteFeed
from app.engine.fix.session import Outgoing, SessionOutput
from app.engine.fix.tags import MsgType
from app.engine.fix.values import FixValue
from app.engine.prices import PriceBook, Quote
from tests.support.engine_kit import TRADER, open_engine, spec
from tests.support.fix_script import START, Peer, session_config

D = Decimal
MD = "SIM-MD"


class Wire:
    """Stands in for the initiator: keeps what the feed writes."""

    def __init__(self) -> None:
        self.written: list[FixMessage] = []

    def write(self, outgoing: Sequence[Outgoing]) -> None:
        self.written += [parse_message(o.raw) for o in outgoing]


class PriceDesk:
    """Engine + price feed on a temp store, with a scripted market data venue on session ``name`` (the feed also
    configured with the ``others``, never logged on)."""

    def __init__(
        self, path: Path, symbols: Sequence[str], name: str = MD, others: Sequence[SessionConfig] = ()
    ) -> None:
        self.clock = FakeClock(START)
        self.path = path
        self.engine: Engine = open_engine(path, clock=self.clock)[0]
        self.prices = PriceBook()
        self.batches: list[list[Quote]] = []
        self.prices.subscribe(self.batches.append)
        config = dataclasses.replace(session_config(name, "DESK", "VENUE"), role=SessionRole.MARKET_DATA)
        self.feed = QuoteFeed([config, *others], self.clock, self.prices, symbols)
        self.feed.attach(self.engine)
        self.wire = Wire()
        self.feed.initiators[name] = self.wire  # type: ignore[assignment]
        self.session = self.feed.sessions[name]
        self.venue = Peer(self.clock, sender="VENUE", target="DESK")

    def logon(self) -> None:
        self._carry(self.session.connected())
        self.hear(MsgType.LOGON, [(tags.ENCRYPT_METHOD, 0), (tags.HEART_BT_INT, 30)])

    def drop_line(self) -> None:
        self._carry(self.session.connection_lost())
        self.venue.next_seq = 1  # a new connection; the venue's numbers go on from the store in real life,
        self.session.request_reset()  # so this scripted venue starts a new epoch with us to keep it simple

    def _carry(self, out: SessionOutput) -> None:
        self.wire.write(out.sends)
        self.wire.write(self.feed.carry_out(self.session, out))

    def hear(self, msg_type: str, body: Sequence[tuple[int, FixValue]]) -> None:
        self.hear_bytes(self.venue.message(msg_type, body))

    def hear_bytes(self, data: bytes) -> None:
        self._carry(self.session.data_received(data))

    def subscriptions(self) -> dict[str, str]:
        """Symbol -> MDReqID of the latest subscription written for it."""
        return {m[tags.SYMBOL]: m[tags.MD_REQ_ID] for m in self.sent(MsgType.MARKET_DATA_REQUEST) if m[263] == "1"}

    def sent(self, msg_type: str) -> list[FixMessage]:
        return [m for m in self.wire.written if m.msg_type == msg_type]

    def quote(self, symbol: str) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
        q = self.prices.quote(symbol)
        assert q is not None, f"no quote for {symbol}"
        return q.bid, q.ask, q.last


def book(req_id: str, symbol: str, bid: str, ask: str, last: str | None = None) -> list[tuple[int, FixValue]]:
    fields: list[tuple[int, FixValue]] = [(262, req_id), (55, symbol), (268, 3 if last else 2)]
    fields += [(269, "0"), (270, bid), (271, 100), (269, "1"), (270, ask), (271, 100)]
    return fields + ([(269, "2"), (270, last), (271, 5)] if last else [])


def level(action: str, side: str, symbol: str, px: str, size: int | None = 100) -> list[tuple[int, FixValue]]:
    entry: list[tuple[int, FixValue]] = [(279, action), (269, side), (55, symbol), (270, px)]
    return entry + ([(271, size)] if size is not None else [])


def increment(req_id: str, *entries: list[tuple[int, FixValue]]) -> list[tuple[int, FixValue]]:
    head: list[tuple[int, FixValue]] = [(262, req_id), (268, len(entries))]
    return head + [f for e in entries for f in e]


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[PriceDesk]:
    made = PriceDesk(tmp_path / "desk.db", ["ACME", "BOLT"])
    yield made
    made.engine.close()


def test_after_logon_each_watched_symbol_is_subscribed_in_a_request_of_its_own(desk: PriceDesk) -> None:
    desk.engine.submit(SubmitOrder(spec(symbol="CORE"), TRADER))
    assert desk.sent(MsgType.MARKET_DATA_REQUEST) == []  # not logged on: asked for at the logon
    desk.logon()
    requests = desk.sent(MsgType.MARKET_DATA_REQUEST)
    assert [m[tags.SYMBOL] for m in requests] == ["ACME", "BOLT", "CORE"]
    assert {(m[263], m[264], m[265]) for m in requests} == {("1", "1", "1")}
    assert len({m[tags.MD_REQ_ID] for m in requests}) == 3


def test_a_symbol_that_appears_later_is_subscribed_at_once_and_only_once(desk: PriceDesk) -> None:
    desk.logon()
    desk.engine.submit(SubmitOrder(spec(symbol="DYNA"), TRADER))
    desk.engine.submit(SubmitOrder(spec(symbol="DYNA"), TRADER))
    desk.feed.watch("ACME")
    desk.feed.watch(" EXPO ")
    assert [m[tags.SYMBOL] for m in desk.sent(MsgType.MARKET_DATA_REQUEST)] == ["ACME", "BOLT", "DYNA", "EXPO"]
    assert list(desk.feed.watched) == ["ACME", "BOLT", "DYNA", "EXPO"]


def test_a_snapshot_then_increments_move_the_quote(desk: PriceDesk) -> None:
    desk.logon()
    acme = desk.subscriptions()["ACME"]
    desk.hear(MsgType.MARKET_DATA_SNAPSHOT, book(acme, "ACME", "99.98", "100.02", "100.00"))
    assert desk.quote("ACME") == (D("99.98"), D("100.02"), D("100.00"))
    desk.hear(
        MsgType.MARKET_DATA_INCREMENTAL,
        increment(acme, level("0", "0", "ACME", "99.99"), level("2", "1", "ACME", "100.02", None),
                  level("0", "1", "ACME", "100.03"), level("0", "2", "ACME", "100.01", 7)),
    )  # fmt: skip
    assert desk.quote("ACME") == (D("99.99"), D("100.03"), D("100.01"))
    desk.hear(MsgType.MARKET_DATA_INCREMENTAL, increment(acme, level("2", "0", "ACME", "99.99", None)))
    assert desk.quote("ACME") == (D("99.98"), D("100.03"), D("100.01"))  # the next level is best again
    quote = desk.prices.quote("ACME")
    assert quote is not None
    assert (quote.venue, quote.ts, quote.mark) == (MD, START, D("100.005"))


def test_everything_read_at_once_reaches_the_price_book_as_one_batch_with_one_quote_per_symbol(
    desk: PriceDesk,
) -> None:
    desk.logon()
    ids = desk.subscriptions()
    data = b"".join(
        [
            desk.venue.message(MsgType.MARKET_DATA_SNAPSHOT, book(ids["ACME"], "ACME", "99.98", "100.02")),
            desk.venue.message(MsgType.MARKET_DATA_SNAPSHOT, book(ids["BOLT"], "BOLT", "24.99", "25.01")),
            desk.venue.message(MsgType.MARKET_DATA_INCREMENTAL, increment(ids["ACME"], level("0", "2", "ACME", "100"))),
        ]
    )
    desk.batches.clear()
    desk.hear_bytes(data)
    assert [[q.symbol for q in batch] for batch in desk.batches] == [["ACME", "BOLT"]]
    assert desk.quote("ACME") == (D("99.98"), D("100.02"), D(100))


def test_market_data_leaves_nothing_in_the_event_log_and_no_inbound_rows(desk: PriceDesk) -> None:
    desk.logon()
    acme = desk.subscriptions()["ACME"]
    seq = desk.engine.store.last_seq
    for n in range(20):
        desk.hear(MsgType.MARKET_DATA_INCREMENTAL, increment(acme, level("0", "2", "ACME", f"100.{n:02d}")))
    assert desk.engine.store.last_seq == seq
    requests = desk.engine.store.outbound_messages(desk.session.record.key, 1, None)
    assert [parse_message(raw).msg_type for _, raw in requests] == ["A", "V", "V"]  # sent only after stored
    desk.engine.close()
    with contextlib.closing(sqlite3.connect(desk.path)) as db:
        assert db.execute("SELECT COUNT(*) FROM inbound").fetchone() == (0,)


def test_after_a_reconnect_the_desk_subscribes_again_and_ignores_the_old_requests(desk: PriceDesk) -> None:
    desk.logon()
    old = desk.subscriptions()["ACME"]
    desk.hear(MsgType.MARKET_DATA_SNAPSHOT, book(old, "ACME", "99.98", "100.02"))
    desk.drop_line()
    saved = desk.engine.store.session_record(MD)
    assert saved is not None
    assert saved.next_in_seq == desk.session.next_in  # the record is kept when the line drops
    desk.logon()
    new = desk.subscriptions()["ACME"]
    assert new != old
    desk.hear(MsgType.MARKET_DATA_INCREMENTAL, increment(old, level("0", "2", "ACME", "1.00")))
    assert desk.quote("ACME") == (D("99.98"), D("100.02"), None)  # a stale subscription's trade is not ours
    desk.hear(MsgType.MARKET_DATA_SNAPSHOT, book(new, "ACME", "99.90", "100.10"))
    assert desk.quote("ACME") == (D("99.90"), D("100.10"), None)


def test_a_refused_symbol_is_said_why_and_asked_for_again_at_the_next_logon(desk: PriceDesk) -> None:
    desk.logon()
    bolt = desk.subscriptions()["BOLT"]
    desk.hear(MsgType.MARKET_DATA_REQUEST_REJECT, [(262, bolt), (281, "0"), (58, "the venue does not list BOLT")])
    assert desk.feed.refused == {"BOLT": "the venue does not list the symbol: the venue does not list BOLT"}
    assert any("refused market data for BOLT" in a.text for _, a in desk.feed.alerts)
    desk.hear(MsgType.MARKET_DATA_SNAPSHOT, book(bolt, "BOLT", "24.99", "25.01"))
    assert desk.prices.quote("BOLT") is None
    desk.drop_line()
    desk.logon()
    assert "BOLT" in desk.subscriptions()
    assert desk.feed.refused == {}


def test_an_unreadable_increment_is_rejected_and_its_symbol_subscribed_afresh(desk: PriceDesk) -> None:
    desk.logon()
    acme = desk.subscriptions()["ACME"]
    desk.hear(MsgType.MARKET_DATA_SNAPSHOT, book(acme, "ACME", "99.98", "100.02"))
    desk.hear(MsgType.MARKET_DATA_INCREMENTAL, [(262, acme), (268, 2), *level("2", "0", "ACME", "99.98", None)])
    (reject,) = desk.sent(MsgType.REJECT)
    assert (reject[tags.SESSION_REJECT_REASON], reject[tags.REF_TAG_ID]) == ("16", "268")
    assert desk.quote("ACME") == (D("99.98"), D("100.02"), None)  # nothing of it applied
    unsubscribe, subscribe = desk.sent(MsgType.MARKET_DATA_REQUEST)[-2:]
    assert (unsubscribe[263], unsubscribe[tags.MD_REQ_ID]) == ("2", acme)
    assert subscribe[263] == "1"
    assert subscribe[tags.MD_REQ_ID] == desk.subscriptions()["ACME"] != acme


def test_other_messages_are_said_and_otherwise_left_alone(desk: PriceDesk) -> None:
    desk.logon()
    desk.hear(MsgType.BUSINESS_MESSAGE_REJECT, [(45, 2), (372, "V"), (380, 3), (58, "no market data here")])
    desk.hear(MsgType.EXECUTION_REPORT, [(37, "X")])
    texts = [a.text for _, a in desk.feed.alerts]
    assert f"{MD} rejected our message 2: no market data here" in texts
    assert any("sent a 8 message" in t for t in texts)


def test_a_halt_at_the_venue_is_told_in_words_and_the_resume_too(desk: PriceDesk) -> None:
    desk.logon()
    halted = [(55, "ACME"), (325, "Y"), (326, "2"), (58, "trading in ACME is halted")]
    desk.hear(MsgType.SECURITY_STATUS, halted)
    desk.hear(MsgType.SECURITY_STATUS, [(55, "ACME"), (325, "Y"), (326, "3")])
    said = [(a.level, a.text) for _, a in desk.feed.alerts if "ACME" in a.text]
    assert said[-2][0] is AlertLevel.WARNING
    assert said[-2][1].endswith("trading in ACME is halted.")
    assert said[-1][0] is AlertLevel.INFO
    assert said[-1][1].endswith("ACME trades again.")


def market_data(name: str) -> SessionConfig:
    return dataclasses.replace(session_config(name, "DESK", name), role=SessionRole.MARKET_DATA)


def test_a_venues_own_feed_beside_a_consolidated_one_is_kept_for_routing_and_its_gaps_are_no_refusal(
    tmp_path: Path,
) -> None:
    sima = session_config("SIMA", "DESK", "SIMA")
    desk = PriceDesk(tmp_path / "desk.db", ["ACME", "DYNA"], name="SIMA-MD", others=[sima, market_data(MD)])
    assert desk.feed.venue_feeds == {"SIMA-MD"}
    desk.logon()
    acme, dyna = desk.subscriptions()["ACME"], desk.subscriptions()["DYNA"]
    desk.hear(MsgType.MARKET_DATA_SNAPSHOT, book(acme, "ACME", "99.98", "100.02"))
    assert desk.prices.quote("ACME") is None  # the consolidated feed gives the desk's prices
    assert desk.batches == []
    routed = desk.prices.venue_quotes("ACME")["SIMA-MD"]
    assert (routed.bid, routed.ask) == (D("99.98"), D("100.02"))
    desk.hear(MsgType.MARKET_DATA_REQUEST_REJECT, [(262, dyna), (281, "0"), (58, "SIMA does not list DYNA")])
    assert desk.feed.refused == {}
    said = [a for _, a in desk.feed.alerts if "DYNA" in a.text]
    assert [(a.level, a.text.split(" (")[0]) for a in said] == [(AlertLevel.INFO, "SIMA-MD does not quote DYNA")]
    desk.engine.close()


def test_a_venues_own_feed_alone_gives_the_desks_prices(tmp_path: Path) -> None:
    sima = session_config("SIMA", "DESK", "SIMA")
    desk = PriceDesk(tmp_path / "desk.db", ["ACME"], name="SIMA-MD", others=[sima])
    desk.logon()
    desk.hear(MsgType.MARKET_DATA_SNAPSHOT, book(desk.subscriptions()["ACME"], "ACME", "99.98", "100.02"))
    assert desk.quote("ACME") == (D("99.98"), D("100.02"), None)
    assert set(desk.prices.venue_quotes("ACME")) == {"SIMA-MD"}
    desk.engine.close()
