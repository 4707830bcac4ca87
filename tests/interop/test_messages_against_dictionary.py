"""Every kind of message the desk can send, as our session writes it, checked by QuickFIX's FIX 4.4 data
dictionary: each order type and time in force, cancel, replace, status, mass status, mass cancel, DK, and
the session's own messages. The live tests cover what the desk sends in a session; this covers the rest."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

qf = pytest.importorskip(
    "quickfix", reason="QuickFIX/Python is not installed: `python3 dev.py interop` installs it and runs these tests"
)

from app.engine.clock import FakeClock
from app.engine.enums import ExecType, OrderStatus, OrdType, Side, TimeInForce
from app.engine.fix import session_messages as admin
from app.engine.fix.message import FixMessage, parse_message
from app.engine.fix.order_messages import (
    dont_know_message,
    mass_cancel_message,
    mass_status_message,
    request_message,
    status_request_message,
)
from app.engine.fix.session import FixSession
from app.engine.fix.session_store import MemorySessionStore
from app.engine.fix.tags import SessionRejectReason
from app.engine.ids import ClOrdId, ExecId, OrderId
from app.engine.order import Order, RequestKind
from app.engine.venue_messages import ExecutionReport, StatusRequest, VenueRequest
from tests.interop.quickfix_kit import data_dictionary
from tests.support.engine_kit import spec
from tests.support.fix_script import session_config

CLOCK = FakeClock()
DICTIONARY = qf.DataDictionary(str(data_dictionary()))


def written(body: FixMessage) -> str:
    """``body`` as our initiator session writes it: header, MsgSeqNum, SendingTime, BodyLength, CheckSum."""
    session = FixSession(session_config("QFX", "OEMS", "QFVENUE"), CLOCK, MemorySessionStore(), initiator=True)
    return session.send(body).raw.decode()


def order(**overrides: Any) -> Order:
    terms = spec(destination="QFX", **overrides)
    now = CLOCK.now()
    return Order(
        OrderId("O-1"), terms, OrderStatus.NEW, ClOrdId("O-1"), now, now, terms.qty, terms.limit_px, terms.stop_px
    )


ORDERS: dict[str, dict[str, Any]] = {
    "limit day": {},
    "market ioc": {"ord_type": OrdType.MARKET, "limit_px": None, "tif": TimeInForce.IOC},
    "stop fok": {"ord_type": OrdType.STOP, "limit_px": None, "stop_px": Decimal("9.5"), "tif": TimeInForce.FOK},
    "stop limit gtc": {"ord_type": OrdType.STOP_LIMIT, "stop_px": Decimal("9.5"), "tif": TimeInForce.GTC},
    "limit gtd": {"tif": TimeInForce.GTD, "expire_at": CLOCK.now() + timedelta(days=2)},
    "sell with text": {"side": Side.SELL, "qty": Decimal("12.5"), "text": "hedge — ünïcode"},
}


def _requests() -> dict[str, FixMessage]:
    bodies: dict[str, FixMessage] = {}
    for name, overrides in ORDERS.items():
        new = VenueRequest.for_order(order(**overrides), RequestKind.NEW, ClOrdId("O-1"))
        bodies[f"new {name}"] = request_message(new, CLOCK.now())
        for kind in (RequestKind.CANCEL, RequestKind.REPLACE):
            change = dataclasses.replace(new, kind=kind, cl_ord_id=ClOrdId("O-1-2"), orig_cl_ord_id=ClOrdId("O-1"))
            bodies[f"{kind.value} {name}"] = request_message(change, CLOCK.now())
    return bodies


def _others() -> dict[str, FixMessage]:
    report = ExecutionReport(ExecId("E9"), ExecType.TRADE, ClOrdId("NOT-OURS"), OrderStatus.FILLED, Decimal(5),
                             Decimal(0), Decimal(10), Decimal(5), Decimal(10), symbol="AAPL", side=Side.BUY,
                             order_qty=Decimal(5))  # fmt: skip
    return {
        "status request": status_request_message(StatusRequest.for_order(order(), "STATUS-1")),
        "mass status": mass_status_message("MS-1"),
        "mass cancel all": mass_cancel_message(ClOrdId("KILL-1"), CLOCK.now()),
        "mass cancel symbol": mass_cancel_message(ClOrdId("KILL-2"), CLOCK.now(), "AAPL"),
        "dont know fill": dont_know_message(report),
        "dont know ack": dont_know_message(dataclasses.replace(report, exec_type=ExecType.NEW)),
        "logon": admin.logon(30, reset=False),
        "logon with reset": admin.logon(30, reset=True),
        "heartbeat": admin.heartbeat("TEST-1"),
        "test request": admin.request_heartbeat("TEST-1"),
        "resend request": admin.resend_request(5),
        "reject": admin.reject(7, SessionRejectReason.VALUE_INCORRECT, "bad side", ref_tag=54, ref_msg_type="8"),
        "logout": admin.logout("closing"),
        "gap fill": admin.sequence_reset(9, gap_fill=True),
    }


def _resent() -> str:
    """A stored order sent again for a ResendRequest: 43=Y, 122, the original MsgSeqNum, not stamped again."""
    stored = parse_message(written(_requests()["new limit day"]).encode())
    return admin.possible_duplicate(stored, CLOCK.now() + timedelta(seconds=1)).encode().decode()


WRITTEN = {name: written(body) for name, body in {**_requests(), **_others()}.items()} | {"resent order": _resent()}


@pytest.mark.parametrize("name", sorted(WRITTEN))
def test_the_fix44_dictionary_accepts_what_the_desk_sends(name: str) -> None:
    DICTIONARY.validate(qf.Message(WRITTEN[name], DICTIONARY, True))
