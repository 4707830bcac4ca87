"""Our desk (engine and FixGateway, the initiator, unchanged) against a QuickFIX/Python 1.16 acceptor that
validates every message against its FIX 4.4 data dictionary: logon, orders, fills, cancel, replace, both
kinds of reject, resends in both directions, and a restart of both sides that keeps sequence numbers.

QuickFIX answers a message it finds invalid with a session Reject (35=3); apart from the one the venue
provokes on purpose, the tests find none.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from decimal import Decimal
from pathlib import Path

import pytest

pytest.importorskip(
    "quickfix", reason="QuickFIX/Python is not installed: `python3 dev.py interop` installs it and runs these tests"
)

from app.engine.clock import SystemClock
from app.engine.commands import CancelOrder, ReplaceOrder, SubmitOrder
from app.engine.engine import Engine
from app.engine.enums import OrderStatus
from app.engine.fix import tags
from app.engine.fix.gateway import FixGateway
from app.engine.fix.tags import ADMIN_MSG_TYPES, MsgType
from app.engine.fix.transport import Backoff
from app.engine.ids import OrderId
from app.engine.order import Amendment, Order
from tests.interop.quickfix_kit import free_port, text_of, until
from tests.interop.quickfix_venue import (
    DESK_ID,
    FILLED,
    LATE,
    REFUSED,
    RESTING,
    VENUE_ID,
    QuickFixVenue,
    quickfix_venue,
)
from tests.support.engine_kit import DESK, TRADER, PassGate, spec
from tests.support.fix_script import session_config

DESTINATION = "QFX"


@asynccontextmanager
async def desk(path: Path, port: int) -> AsyncIterator[tuple[Engine, FixGateway]]:
    clock = SystemClock()
    config = session_config(DESTINATION, DESK_ID, VENUE_ID, port)
    gateway = FixGateway([config], clock, backoff=Backoff(0.2, 0.4))
    engine = Engine.open(path, clock=clock, gate=PassGate(), outbound=gateway, directory=DESK)
    gateway.attach(engine)
    await gateway.start()
    try:
        yield engine, gateway
    finally:
        await gateway.stop()
        engine.close()


def submit(engine: Engine, symbol: str) -> OrderId:
    order_id = engine.submit(SubmitOrder(spec(symbol=symbol, destination=DESTINATION), TRADER)).order_id
    assert order_id is not None
    return order_id


def settled(engine: Engine, order_id: OrderId, status: OrderStatus) -> Callable[[], bool]:
    def check() -> bool:
        order: Order = engine.ledger.orders[order_id]
        return order.status is status and order.pending is None

    return check


def no_validation_errors(venue: QuickFixVenue, expected: list[tuple[str, str]] | None = None) -> None:
    rejects = venue.rejects_sent()
    found = [(r[tags.SESSION_REJECT_REASON], r[tags.REF_TAG_ID]) for r in rejects]
    assert found == (expected or []), [text_of(r) for r in rejects]
    assert venue.errors == []


def test_orders_fills_cancel_replace_and_rejects_pass_quickfix_validation(tmp_path: Path) -> None:
    async def scenario() -> None:
        port = free_port()
        async with (
            quickfix_venue(tmp_path / "qf", port) as venue,
            desk(tmp_path / "desk.db", port) as (
                engine,
                gateway,
            ),
        ):
            await until(lambda: gateway.sessions[DESTINATION].is_active and venue.logons == 1)

            filled = submit(engine, FILLED)
            await until(settled(engine, filled, OrderStatus.FILLED))
            assert engine.ledger.orders[filled].cum_qty == 100
            assert len(engine.ledger.orders[filled].fills) == 2

            resting = submit(engine, RESTING)
            await until(settled(engine, resting, OrderStatus.NEW))
            assert engine.replace(ReplaceOrder(resting, Amendment(Decimal(50), Decimal(10)), TRADER)).accepted
            await until(
                lambda: engine.ledger.orders[resting].qty == 50 and engine.ledger.orders[resting].pending is None
            )
            assert engine.cancel(CancelOrder(resting, TRADER)).accepted
            await until(settled(engine, resting, OrderStatus.CANCELED))

            late = submit(engine, LATE)
            await until(settled(engine, late, OrderStatus.NEW))
            assert engine.cancel(CancelOrder(late, TRADER)).accepted
            await until(lambda: engine.ledger.orders[late].pending is None)
            assert engine.ledger.orders[late].status is OrderStatus.NEW  # 35=9 too late: the order works on

            refused = submit(engine, REFUSED)  # QuickFIX itself refuses it: 35=3 naming the order's MsgSeqNum
            await until(settled(engine, refused, OrderStatus.REJECTED))
            assert "Symbol" in engine.ledger.orders[refused].text or "55" in engine.ledger.orders[refused].text

            no_validation_errors(venue, expected=[("5", str(tags.SYMBOL))])
            sent = [m.msg_type for m in venue.received if m.msg_type not in ADMIN_MSG_TYPES]
            assert sent == ["D", "D", "G", "F", "D", "F", "D"]

    asyncio.run(scenario())


def test_resends_both_ways_and_a_restart_of_both_sides_keep_sequence_numbers(tmp_path: Path) -> None:
    async def scenario() -> None:
        port, store = free_port(), tmp_path / "desk.db"
        async with desk(store, port) as (engine, gateway):
            session = gateway.sessions[DESTINATION]
            async with quickfix_venue(tmp_path / "qf", port) as venue:
                await until(lambda: session.is_active and venue.logons == 1)
                first = submit(engine, FILLED)
                await until(settled(engine, first, OrderStatus.FILLED))

                # QuickFIX skips two MsgSeqNums: our ResendRequest, its gap fill, and the next report applies.
                venue.session.setNextSenderMsgSeqNum(venue.session.getExpectedSenderNum() + 2)
                second = submit(engine, RESTING)
                await until(settled(engine, second, OrderStatus.NEW))
                assert len(venue.of_type(MsgType.RESEND_REQUEST)) == 1
                assert venue.of_type(MsgType.SEQUENCE_RESET, sent=True)

            # The venue is down: the order takes its MsgSeqNum and waits in our store.
            await until(lambda: not session.is_active)
            third = submit(engine, FILLED)
            async with quickfix_venue(tmp_path / "qf", port) as venue:
                # QuickFIX sees our Logon's MsgSeqNum too high, asks for the order, and gets it with 43=Y and 122.
                await until(settled(engine, third, OrderStatus.FILLED))
                assert venue.of_type(MsgType.RESEND_REQUEST, sent=True)
                (resent,) = [m for m in venue.received if m.msg_type == MsgType.NEW_ORDER_SINGLE]
                assert resent.get(tags.POSS_DUP_FLAG) == "Y"
                assert tags.ORIG_SENDING_TIME in resent
                no_validation_errors(venue)
            await until(lambda: not session.is_active)  # QuickFIX logged us out as it stopped
            next_out, next_in = session.next_out, session.next_in

        # Both sides start again from their stores: no reset, no resend, and trading carries on.
        async with quickfix_venue(tmp_path / "qf", port) as venue, desk(store, port) as (engine, gateway):
            session = gateway.sessions[DESTINATION]
            await until(lambda: session.is_active and venue.logons == 1)
            (logon,) = venue.of_type(MsgType.LOGON)
            assert logon.get_int(tags.MSG_SEQ_NUM) == next_out
            assert logon.get(tags.RESET_SEQ_NUM_FLAG) in (None, "N")
            assert session.next_in == next_in + 1  # its Logon, numbered where it left off
            fourth = submit(engine, FILLED)
            await until(settled(engine, fourth, OrderStatus.FILLED))
            assert not venue.of_type(MsgType.RESEND_REQUEST, sent=True)
            assert not venue.of_type(MsgType.RESEND_REQUEST)
            assert venue.session.getExpectedTargetNum() == session.next_out
            no_validation_errors(venue)

    asyncio.run(scenario())
