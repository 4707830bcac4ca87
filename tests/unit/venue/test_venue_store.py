"""The venue store keeps each session's standing and sent messages, and each venue's state, across a reopen; a
session wiped by a fault script starts again from nothing; a venue saves only the client orders that changed, drops
its finished ones at the close, and trades what a restore left crossed at its first market step."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from pathlib import Path

import pytest

from app.engine.clock import FakeClock
from app.engine.fix import FixMessage, parse_message
from app.engine.fix.session import Received
from app.engine.fix.values import FixValue
from app.engine.ids import ClOrdId
from app.engine.store_records import SessionRecord
from app.venue.faults import WipeStore
from app.venue.orders import OwnerId
from app.venue.profiles import SIMA
from app.venue.simulator import SimulatedVenue
from app.venue.venue_store import OrderRow, SavedVenue, VenueChanges, VenueStore
from tests.support.fix_script import session_config
from tests.unit.venue.fix_kit import T0, Client

QUIET_SIMA = dataclasses.replace(SIMA, liquidity=None, ack_latency_ms=0, pending_acks=False)
"""SIMA without market makers: every order in its books is a test's own."""
SEVEN_HOURS = 7 * 3600
"""From the fake clock's start (09:30 New York) past SIMA's close (16:00 New York)."""


def _sima(venues: VenueStore, clock: FakeClock) -> SimulatedVenue:
    return SimulatedVenue(QUIET_SIMA, [session_config("SIMA", "DESK", "SIMA")], clock, store=venues)


def _orders(venues: VenueStore) -> dict[str, str]:
    """Each kept order's current ClOrdID and status."""
    kept = venues.venue_state("SIMA")
    assert kept is not None
    items = [json.loads(state) for state in kept.orders]
    return {item["cl_ord_ids"][-1]: item["status"] for item in items}


def test_a_sessions_numbers_and_messages_survive_a_reopen(tmp_path: Path) -> None:
    path = tmp_path / "venues.sqlite3"
    venues = VenueStore(path)
    assert venues.fresh
    store = venues.session_store("SIMA")
    store.save(SessionRecord("SIMA", 1, "2026-01-05T14:30:00+00:00", 7), [(1, b"one"), (2, b"two")])
    store.save(SessionRecord("SIMA", 2, "2026-01-05T15:00:00+00:00", 3), [(1, b"again")])
    venues.save_venue("SIMA", "2026-01-05T15:00:00+00:00", VenueChanges("{}", [OrderRow("O1", True, "[1]")], []))
    venues.close()

    again = VenueStore(path)
    assert not again.fresh
    kept = again.session_store("SIMA")
    assert kept.session_record("SIMA") == SessionRecord("SIMA", 2, "2026-01-05T15:00:00+00:00", 3)
    assert kept.outbound_messages("SIMA:1", 2, None) == [(2, b"two")]
    assert kept.last_outbound_seq("SIMA:2") == 1
    assert again.session_store("SIMB").session_record("SIMB") is None
    kept_venue = again.venue_state("SIMA")
    assert kept_venue is not None
    assert (kept_venue.saved_ts, kept_venue.counters, kept_venue.orders) == ("2026-01-05T15:00:00+00:00", "{}", ["[1]"])
    assert again.venue_state("SIMB") is None
    again.close()


def test_a_fault_scripts_wiped_store_forgets_the_session_in_the_file_too(tmp_path: Path) -> None:
    venues = VenueStore(tmp_path / "venues.sqlite3")
    venue = SimulatedVenue(SIMA, [session_config("SIMA", "DESK", "SIMA")], FakeClock(), store=venues)
    served = venue.served["SIMA"]
    served.store.save(SessionRecord("SIMA", 1, "2026-01-05T14:30:00+00:00", 9), [(1, b"one")])
    assert venues.session_record("SIMA") is not None
    venue._act("SIMA", WipeStore())
    assert served.store.session_record("SIMA") is None
    assert venues.session_record("SIMA") is None
    assert venues.sent_messages("SIMA") == []
    venues.close()


def test_the_venue_saves_when_a_clients_order_changes_not_at_every_requote(tmp_path: Path) -> None:
    venues = VenueStore(tmp_path / "venues.sqlite3")
    clock = FakeClock()
    venue = SimulatedVenue(SIMA, [session_config("SIMA", "DESK", "SIMA")], clock, store=venues)
    for _ in range(20):  # the makers requote at every step, giving out ids
        clock.advance(0.25)
        venue.tick()
    assert venues.venue_state("SIMA") is None
    Client(venue.app, "C1").new("a1", "1", "100", "90.00")
    venue.tick()
    kept = venues.venue_state("SIMA")
    assert kept is not None
    assert ['"a1"' in state for state in kept.orders] == [True]
    clock.advance(0.25)
    venue.tick()
    assert venues.venue_state("SIMA") == kept  # nothing of the client's changed since
    venues.close()


def test_a_save_rewrites_the_orders_that_changed_and_deletes_those_forgotten(tmp_path: Path) -> None:
    venues = VenueStore(tmp_path / "venues.sqlite3")
    rows = [OrderRow(f"O{n}", True, f"[{n}]") for n in range(3)]
    venues.save_venue("SIMA", "2026-01-05T15:00:00+00:00", VenueChanges("{}", rows, []))
    venues.save_venue("SIMA", "2026-01-05T15:01:00+00:00", VenueChanges("{}", [OrderRow("O1", False, "[9]")], ["O2"]))
    kept = venues.venue_state("SIMA")
    assert kept is not None
    assert sorted(kept.orders) == ["[0]", "[9]"]
    venues.save_venue("SIMA", "2026-01-05T21:00:00+00:00", VenueChanges("{}", [], [], day_rolled=True))
    kept = venues.venue_state("SIMA")
    assert kept is not None
    assert kept.orders == ["[0]"]
    venues.close()


def test_finished_orders_are_kept_for_the_day_and_dropped_at_the_close(tmp_path: Path) -> None:
    venues = VenueStore(tmp_path / "venues.sqlite3")
    clock = FakeClock()
    venue = _sima(venues, clock)
    symbol = QUIET_SIMA.listings[0].symbol
    c1 = Client(venue.app, "SIMA")
    c1.new("day", "1", "100", "10.00", symbol=symbol)
    c1.new("gtc", "1", "100", "9.00", symbol=symbol, tif="1")
    c1.new("filled", "1", "100", "11.00", symbol=symbol)
    Client(venue.app, "OTHER").new("s", "2", "100", "11.00", symbol=symbol)
    venue.tick()
    assert _orders(venues) == {"day": "NEW", "gtc": "NEW", "filled": "FILLED", "s": "FILLED"}
    clock.advance(SEVEN_HOURS)
    venue.tick()
    assert _orders(venues) == {"gtc": "NEW"}
    venues.close()


def test_a_restarted_venue_answers_for_an_order_that_filled_before_the_restart(tmp_path: Path) -> None:
    path = tmp_path / "venues.sqlite3"
    clock = FakeClock()
    venue = _sima(VenueStore(path), clock)
    symbol = QUIET_SIMA.listings[0].symbol
    Client(venue.app, "SIMA").new("filled", "2", "100", "11.00", symbol=symbol)
    Client(venue.app, "OTHER").new("b", "1", "100", "11.00", symbol=symbol)
    venue.tick()
    assert venue.store is not None
    venue.store.close()

    again = _sima(VenueStore(path), clock)
    back = Client(again.app, "SIMA")
    [status] = back.mine(back.send("H", [(11, "filled"), (55, symbol), (54, "2")]))
    assert (status[150], status[39], status[14], status[6]) == ("I", "2", "100", "11.00")
    assert again.store is not None
    again.store.close()


def _restored_crossed(tmp_path: Path) -> tuple[VenueStore, SimulatedVenue, str]:
    """A venue restored with a client's buy at 10.10 above another client's sell at 10.05 (as a restored buy above a
    new maker's offer would be): the saved buy rested at 10.00 and its row was raised before the restart."""
    path = tmp_path / "venues.sqlite3"
    clock = FakeClock()
    symbol = QUIET_SIMA.listings[0].symbol
    venue = _sima(VenueStore(path), clock)
    Client(venue.app, "SIMA").new("buy", "1", "100", "10.00", symbol=symbol)
    Client(venue.app, "OTHER").new("sell", "2", "60", "10.05", symbol=symbol)
    venue.tick()
    assert venue.store is not None
    venue.store.close()
    crossed = VenueStore(path)
    kept = crossed.venue_state("SIMA")
    assert kept is not None
    raised = [state.replace('"price":"10.00"', '"price":"10.10"') for state in kept.orders]
    rows = [OrderRow(json.loads(state)["order_id"], True, state) for state in raised]
    crossed.save_venue("SIMA", kept.saved_ts, VenueChanges(kept.counters, rows, []))
    return crossed, _sima(crossed, clock), symbol


def test_orders_a_restore_left_crossed_trade_at_the_first_market_step(tmp_path: Path) -> None:
    """Two clients' orders kept apart by the price they rested at: the buy at 10.00 came first, then a sell at
    10.05; the restored venue is asked to keep a buy above the sell (as a restored buy above a new maker's offer
    would be), and trades them at its first step at the earlier order's price."""
    crossed, again, symbol = _restored_crossed(tmp_path)
    book = again.app.engine.book(symbol)
    assert book is not None
    assert (book.best_bid(), book.best_ask()) == (Decimal("10.10"), Decimal("10.05"))
    again.tick()
    assert (book.best_bid(), book.best_ask()) == (Decimal("10.10"), None)
    states = [book.find(OwnerId(owner), ClOrdId(cl)) for owner, cl in (("SIMA", "buy"), ("OTHER", "sell"))]
    assert [(s.cum_qty, s.avg_px) for s in states if s is not None] == [(60, Decimal("10.10"))] * 2
    assert _orders(crossed) == {"buy": "PARTIALLY_FILLED", "sell": "FILLED"}
    crossed.close()


def test_a_restored_venue_saves_its_counters_at_its_first_step_so_a_second_crash_repeats_no_id(tmp_path: Path) -> None:
    path = tmp_path / "venues.sqlite3"
    clock = FakeClock()
    symbol = QUIET_SIMA.listings[0].symbol
    ask = [(11, "a1"), (55, symbol), (54, "1")]
    venue = _sima(VenueStore(path), clock)
    Client(venue.app, "SIMA").new("a1", "1", "100", "10.00", symbol=symbol)
    venue.tick()
    answers: list[str | None] = []
    for _ in range(2):  # restored, asked for a status, one quiet step, then a crash (no close)
        assert venue.store is not None
        venue.store.close()
        venue = _sima(VenueStore(path), clock)
        back = Client(venue.app, "SIMA")
        [status] = back.mine(back.send("H", ask))
        answers.append(status[17])
        venue.tick()
    assert answers[0] != answers[1]
    assert venue.store is not None
    venue.store.close()


def test_a_book_restored_crossed_while_halted_trades_at_the_first_step_after_it_resumes(tmp_path: Path) -> None:
    crossed, again, symbol = _restored_crossed(tmp_path)
    book = again.app.engine.book(symbol)
    assert book is not None
    again.app.halt(symbol)
    again.tick()
    assert (book.best_bid(), book.best_ask()) == (Decimal("10.10"), Decimal("10.05"))
    again.app.resume(symbol)
    again.tick()
    assert (book.best_bid(), book.best_ask()) == (Decimal("10.10"), None)
    crossed.close()


def test_a_fill_is_saved_before_its_report_is_written_so_a_crash_cannot_trade_the_order_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """OTHER's buy rests and is saved; the desk's sell (through the venue's session, taking effect after its ack
    latency) fills it. The venue crashes before its next market step: the restored venue must know both orders
    filled, and must have known it before writing the first report about it."""
    path = tmp_path / "venues.sqlite3"
    clock = FakeClock()
    symbol = QUIET_SIMA.listings[0].symbol
    venue = _sima(VenueStore(path), clock)
    Client(venue.app, "OTHER").new("b1", "1", "100", "10.00", symbol=symbol)
    venue.tick()
    reader = VenueStore(path)
    seen: list[dict[str, str]] = []
    monkeypatch.setattr(venue.served["SIMA"].acceptor, "write", lambda *_: seen.append(_orders(reader)))
    fields: list[tuple[int, FixValue]] = [(11, "s1"), (55, symbol), (54, "2"), (38, "100"), (40, "2"), (44, "10.00")]
    sell = FixMessage("D", [*fields, (59, "0"), (60, T0)])
    assert venue._hear("SIMA", Received(2, sell, b"")) == []  # held for the ack latency
    venue._release("SIMA")
    assert seen == [{"b1": "FILLED", "s1": "FILLED"}]
    assert venue.store is not None
    venue.store.close()  # the crash: no market step, no close

    again = _sima(VenueStore(path), clock)
    seller = Client(again.app, "THIRD")
    assert seller.mine(seller.new("s2", "2", "100", "10.00", symbol=symbol))[0][39] == "0"  # rests: b1 is not back
    assert _orders(reader)["b1"] == "FILLED"
    reader.close()
    assert again.store is not None
    again.store.close()


def test_a_crash_between_a_fill_and_its_report_leaves_neither_in_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The desk's sell fills OTHER's resting buy; the venue dies while storing the session's report of it (the
    disk goes, the process is killed). Reopened, the store holds the fill and its report, or neither: a fill kept
    without its report would reach the desk only through a status answer."""
    path = tmp_path / "venues.sqlite3"
    clock = FakeClock()
    symbol = QUIET_SIMA.listings[0].symbol
    venues = VenueStore(path)
    venue = _sima(venues, clock)
    Client(venue.app, "OTHER").new("b1", "1", "100", "10.00", symbol=symbol)
    venue.tick()
    fields: list[tuple[int, FixValue]] = [(11, "s1"), (55, symbol), (54, "2"), (38, "100"), (40, "2"), (44, "10.00")]
    venue._hear("SIMA", Received(2, FixMessage("D", [*fields, (59, "0"), (60, T0)]), b""))

    def crash(*_: object) -> None:
        raise OSError("disk I/O error")

    monkeypatch.setattr(venues, "save_session", crash)
    with pytest.raises(OSError, match="disk"):
        venue._release("SIMA")
    venues.close()

    again = VenueStore(path)
    reports = [parse_message(raw) for _key, _seq, raw in again.sent_messages("SIMA")]
    reported = {m.get(11): m.get(39) for m in reports if m.msg_type == "8"}
    assert _orders(again) == {"b1": "NEW"}
    assert reported == {}
    again.close()


def test_a_restored_order_keeps_the_account_its_reports_echo(tmp_path: Path) -> None:
    path = tmp_path / "venues.sqlite3"
    clock = FakeClock()
    symbol = QUIET_SIMA.listings[0].symbol
    venue = _sima(VenueStore(path), clock)
    Client(venue.app, "SIMA").new("a1", "1", "100", "10.00", symbol=symbol, extra=[(1, "ACC-7")])
    venue.tick()
    assert venue.store is not None
    venue.store.close()

    again = _sima(VenueStore(path), clock)
    back = Client(again.app, "SIMA")
    [status] = back.mine(back.send("H", [(11, "a1"), (55, symbol), (54, "1")]))
    assert (status[39], status[1]) == ("0", "ACC-7")
    assert again.store is not None
    again.store.close()


def test_writes_in_nested_units_commit_once_at_the_outermost_and_then_the_writes_put_off_happen(
    tmp_path: Path,
) -> None:
    path = tmp_path / "venues.sqlite3"
    venues, reader = VenueStore(path), VenueStore(path)
    record = SessionRecord("SIMA", 1, "2026-01-05T14:30:00+00:00", 2)
    seen: list[object] = []
    with venues.unit():
        venues.save_venue("SIMA", "2026-01-05T14:30:00+00:00", VenueChanges("{}", [OrderRow("O1", True, "[1]")], []))
        with venues.unit():
            venues.save_session(record, [(1, b"report")])
            venues.after_commit(lambda: seen.append((reader.venue_state("SIMA"), reader.sent_messages("SIMA"))))
        assert (reader.venue_state("SIMA"), reader.sent_messages("SIMA"), seen) == (None, [], [])
    assert seen == [(SavedVenue("2026-01-05T14:30:00+00:00", "{}", ["[1]"]), [("SIMA:1", 1, b"report")])]
    venues.close()
    reader.close()


def test_an_error_in_a_unit_keeps_none_of_its_writes_and_writes_nothing_put_off(tmp_path: Path) -> None:
    venues = VenueStore(tmp_path / "venues.sqlite3")
    written: list[str] = []

    def step() -> None:
        with venues.unit():
            venues.save_venue(
                "SIMA", "2026-01-05T14:30:00+00:00", VenueChanges("{}", [OrderRow("O1", True, "[1]")], [])
            )
            venues.after_commit(lambda: written.append("report"))
            raise RuntimeError("crash")

    with pytest.raises(RuntimeError, match="crash"):
        step()
    assert (venues.venue_state("SIMA"), written) == (None, [])
    venues.after_commit(lambda: written.append("at once"))
    assert written == ["at once"]
    venues.close()
