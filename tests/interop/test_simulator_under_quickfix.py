"""The venue simulator (app/venue, the acceptor) driven by a QuickFIX/Python 1.16 initiator that validates
everything the simulator sends against its FIX 4.4 data dictionary: orders, fills, replace, cancel, status
and rejects, on a venue that acks at once (SIMA) and on one that acks through pending states (SIMB)."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

qf = pytest.importorskip(
    "quickfix", reason="QuickFIX/Python is not installed: `python3 dev.py interop` installs it and runs these tests"
)

from app.engine.clock import SystemClock
from app.engine.enums import ExecType, OrdType, Side, TimeInForce
from app.engine.fix import tags
from app.engine.fix.message import FixMessage
from app.engine.fix.tags import MsgType
from app.engine.fix.values import FixValue
from app.venue.profiles import DEFAULT_PROFILES
from app.venue.simulator import SimulatedVenue
from tests.interop.quickfix_kit import Recorder, free_port, settings, stop_quickfix, text_of, until
from tests.support.fix_script import session_config

DESK_ID = "OEMS"
_ids = itertools.count(1)


class Trader:
    """A QuickFIX initiator's orders to the simulator, and the reports it got back."""

    def __init__(self, app: Recorder, symbol: str, qty: Decimal) -> None:
        self.app, self.symbol, self.qty = app, symbol, qty
        self.clock = SystemClock()

    def order(self, ord_type: OrdType, price: Decimal | None = None, symbol: str = "") -> str:
        cl_ord_id = f"QF-{next(_ids)}"
        body: list[tuple[int, FixValue]] = [
            (tags.CL_ORD_ID, cl_ord_id),
            (tags.ACCOUNT, "QF1"),
            (tags.SYMBOL, symbol or self.symbol),
            (tags.SIDE, Side.BUY),
            (tags.TRANSACT_TIME, self.clock.now()),
            (tags.ORDER_QTY, self.qty),
            (tags.ORD_TYPE, ord_type),
            (tags.TIME_IN_FORCE, TimeInForce.DAY),
        ]
        if price is not None:
            body.append((tags.PRICE, price))
        self.app.send(MsgType.NEW_ORDER_SINGLE, body)
        return cl_ord_id

    def change(self, msg_type: str, orig: str, qty: Decimal, price: Decimal | None = None) -> str:
        cl_ord_id = f"QF-{next(_ids)}"
        body: list[tuple[int, FixValue]] = [
            (tags.ORIG_CL_ORD_ID, orig),
            (tags.CL_ORD_ID, cl_ord_id),
            (tags.SYMBOL, self.symbol),
            (tags.SIDE, Side.BUY),
            (tags.TRANSACT_TIME, self.clock.now()),
            (tags.ORDER_QTY, qty),
        ]
        if price is not None:
            body += [(tags.ORD_TYPE, OrdType.LIMIT), (tags.PRICE, price), (tags.TIME_IN_FORCE, TimeInForce.DAY)]
        self.app.send(msg_type, body)
        return cl_ord_id

    def status(self, cl_ord_id: str) -> None:
        body = [(tags.CL_ORD_ID, cl_ord_id), (tags.SYMBOL, self.symbol), (tags.SIDE, Side.BUY)]
        self.app.send(MsgType.ORDER_STATUS_REQUEST, body)

    def mass_status(self, req_id: str) -> Callable[[], bool]:
        """Ask for every live order (35=AF, 585=7); true once the last answer (912=Y) is in."""
        self.app.send(
            MsgType.ORDER_MASS_STATUS_REQUEST, [(tags.MASS_STATUS_REQ_ID, req_id), (tags.MASS_STATUS_REQ_TYPE, 7)]
        )
        return lambda: any(
            m.get(tags.MASS_STATUS_REQ_ID) == req_id and m.get(tags.LAST_RPT_REQUESTED) == "Y"
            for m in self.app.of_type(MsgType.EXECUTION_REPORT)
        )

    def reports(self, cl_ord_id: str) -> list[FixMessage]:
        return [m for m in self.app.of_type(MsgType.EXECUTION_REPORT) if m.get(tags.CL_ORD_ID) == cl_ord_id]

    def saw(self, cl_ord_id: str, exec_type: ExecType) -> Callable[[], bool]:
        return lambda: any(m.get(tags.EXEC_TYPE) == exec_type for m in self.reports(cl_ord_id))

    def cancel_rejects(self, cl_ord_id: str) -> list[FixMessage]:
        return [m for m in self.app.of_type(MsgType.ORDER_CANCEL_REJECT) if m.get(tags.CL_ORD_ID) == cl_ord_id]


@pytest.mark.parametrize(("venue_name", "qty"), [("SIMA", Decimal(10)), ("SIMB", Decimal(10))])
def test_everything_the_simulator_sends_passes_quickfix_validation(
    tmp_path: Path, venue_name: str, qty: Decimal
) -> None:
    async def scenario() -> None:
        port = free_port()
        desk_side = session_config(venue_name, DESK_ID, venue_name, port)
        venue = SimulatedVenue(DEFAULT_PROFILES[venue_name], [desk_side], SystemClock())
        await venue.start()
        config = settings(tmp_path, acceptor=False, port=port, sender=DESK_ID, target=venue_name)
        app = Recorder()
        initiator = qf.ThreadedSocketInitiator(app, qf.FileStoreFactory(config), config, qf.FileLogFactory(config))
        initiator.start()
        try:
            await until(lambda: app.logons == 1)
            trader = Trader(app, "ACME", qty)

            market = trader.order(OrdType.MARKET)
            await until(lambda: any(m.get(tags.ORD_STATUS) == "2" for m in trader.reports(market)))

            resting = trader.order(OrdType.LIMIT, Decimal("50.00"))
            await until(trader.saw(resting, ExecType.NEW))
            trader.status(resting)
            await until(trader.saw(resting, ExecType.ORDER_STATUS))
            await until(trader.mass_status("MS-1"))  # one live order: its 150=I report, 911=1, 912=Y
            replaced = trader.change(MsgType.ORDER_CANCEL_REPLACE_REQUEST, resting, qty * 2, Decimal("50.00"))
            await until(trader.saw(replaced, ExecType.REPLACED))
            canceled = trader.change(MsgType.ORDER_CANCEL_REQUEST, replaced, qty * 2)
            await until(trader.saw(canceled, ExecType.CANCELED))
            await until(trader.mass_status("MS-2"))  # nothing live: one report naming no order

            unknown_symbol = trader.order(OrdType.LIMIT, Decimal("50.00"), symbol="NOPE")
            await until(trader.saw(unknown_symbol, ExecType.REJECTED))
            unknown_order = trader.change(MsgType.ORDER_CANCEL_REQUEST, "NEVER-SENT", qty)
            await until(lambda: bool(trader.cancel_rejects(unknown_order)))

            await asyncio.sleep(0.3)  # anything still on its way is validated too
            rejects = app.rejects_sent()
            assert rejects == [], [text_of(r) for r in rejects]
            assert app.errors == []
            assert app.session.isLoggedOn()
        finally:
            await stop_quickfix(initiator, app)
            await venue.close()

    asyncio.run(scenario())
