"""SMART orders on the desk as shipped: each simulated venue's own market-data session quotes its book, a SMART
order goes to the venue with the best price at submit, the venue takes it, and the reason is in its timeline."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path

from app.engine.clock import SystemClock
from app.engine.commands import SubmitOrder
from app.engine.enums import OrderStatus, Side
from app.engine.fix.config import default_config_path, load_config
from app.engine.order_timeline import Source, order_timeline
from app.engine.smart_routing import SMART
from app.runtime import Runtime
from tests.integration.test_desk_on_simulator import until
from tests.support.engine_kit import DESK, TRADER, spec
from tests.support.ports import any_ports


def test_a_smart_order_goes_to_the_venue_quoting_the_best_price_and_says_why(tmp_path: Path) -> None:
    async def scenario() -> None:
        configs = any_ports(load_config(default_config_path()))
        runtime = await Runtime.start(tmp_path / "desk.db", configs, SystemClock(), directory=DESK)
        prices, engine = runtime.prices, runtime.engine
        assert runtime.feed.venue_feeds == {"SIMA-MD", "SIMB-MD", "SIMC-MD"}
        await until(lambda: {"SIM-MD", "SIMA-MD", "SIMB-MD"} <= set(prices.venue_quotes("ACME")))
        reference = prices.quote("ACME")
        assert reference is not None
        assert reference.venue == "SIM-MD"  # the venues' own feeds do not move the desk's price
        asks = {quote.venue: quote.ask for quote in prices.venue_quotes("ACME").values() if quote.ask is not None}
        best = min(("SIMA-MD", "SIMB-MD"), key=lambda feed: (asks[feed], feed))
        venue = best.removesuffix("-MD")
        # A buy well below the market rests: SIMB trades lots of 10, SIMA of 1.
        assert reference.bid is not None
        limit = (reference.bid - 1).quantize(Decimal("0.1"))  # on both venues' ticks, inside the price band
        resting = spec(symbol="ACME", side=Side.BUY, qty=Decimal(10), limit_px=limit, destination=SMART)
        sent = engine.submit(SubmitOrder(resting, TRADER))
        assert sent.accepted, sent.message
        oid = sent.order_id
        assert oid is not None
        await until(lambda: engine.ledger.orders[oid].status is OrderStatus.NEW)
        assert engine.ledger.orders[oid].spec.destination == venue
        timeline = order_timeline(engine.store, oid)
        assert any(e.what.startswith(f"Smart routed to {venue}: best ask {asks[best]}") for e in timeline)
        assert any(e.source is Source.RECEIVED and e.who == venue for e in timeline)  # the venue's ack
        assert runtime.feed.refused == {}  # SIMA-MD not quoting DYNA is no refusal of the desk's prices
        await runtime.stop()

    asyncio.run(scenario())
