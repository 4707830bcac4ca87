"""Benchmark the price feed: market data increments (35=X) through framer, session, feed and PriceBook, and
the quotes on into the watchlist model.

A market data session on a temp engine store is logged on to a scripted venue and subscribed to ``SYMBOLS``;
the venue's increments (a bid level moved: delete + new, an offer changed, one trade in three) arrive
``PER_READ`` at a time, as one socket read would bring them. Figures: parse + read alone (the baseline),
the whole path into the ``PriceBook`` (messages and quotes per second), and quotes through the
``PriceBridge`` into the ``WatchlistModel`` (the GUI side, offscreen, a flush per batch: no coalescing). A
read's increments for one symbol become one quote, so quotes published are fewer than messages read. The
headline, ``feed_msgs_into_price_book_per_s``, is printed last.

Run: ``.venv/bin/python -m bench.bench_market_data``
"""

from __future__ import annotations

import dataclasses
import os
import sys
import tempfile
from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.engine.clock import FakeClock
from app.engine.fix import tags
from app.engine.fix.config import SessionRole
from app.engine.fix.market_data_messages import incremental
from app.engine.fix.message import parse_message
from app.engine.fix.quote_feed import QuoteFeed
from app.engine.fix.session import Outgoing, SessionOutput
from app.engine.fix.tags import MsgType
from app.engine.fix.values import FixValue
from app.engine.prices import PriceBook, Quote
from bench.harness import best_rate, figure
from tests.support.engine_kit import open_engine
from tests.support.fix_script import START, Peer, session_config

MESSAGES = 20_000
PER_READ = 50
SYMBOLS = [f"S{n:02d}" for n in range(20)]


class _Wire:
    def write(self, outgoing: Sequence[Outgoing]) -> None:
        """The bench writes nowhere."""


def _increment(req_id: str, symbol: str, n: int) -> list[tuple[int, FixValue]]:
    bid, ask = 10_000 + n % 7, 10_010 + n % 5
    entries: list[tuple[int, FixValue]] = [
        (279, "2"), (269, "0"), (55, symbol), (270, f"{(bid - 1) / 100:.2f}"),
        (279, "0"), (269, "0"), (55, symbol), (270, f"{bid / 100:.2f}"), (271, 300),
        (279, "1"), (269, "1"), (55, symbol), (270, f"{ask / 100:.2f}"), (271, 100 + n % 50),
    ]  # fmt: skip
    if n % 3 == 0:
        entries += [(279, "0"), (269, "2"), (55, symbol), (270, f"{bid / 100:.2f}"), (271, 10)]
    return [(262, req_id), (268, sum(1 for tag, _ in entries if tag == 279)), *entries]


def feed_rate(workdir: Path) -> tuple[float, float, float]:
    """Messages/s parsed alone, messages/s and quotes/s through the whole feed into the PriceBook."""
    clock = FakeClock(START)
    engine = open_engine(workdir / "md.db", clock=clock)[0]
    prices = PriceBook()
    quotes = [0]
    prices.subscribe(lambda batch: quotes.__setitem__(0, quotes[0] + len(batch)))
    config = dataclasses.replace(session_config("SIM-MD", "DESK", "VENUE"), role=SessionRole.MARKET_DATA)
    feed = QuoteFeed([config], clock, prices, SYMBOLS)
    feed.attach(engine)
    feed.initiators["SIM-MD"] = _Wire()  # type: ignore[assignment]
    session = feed.sessions["SIM-MD"]
    venue = Peer(clock, sender="VENUE", target="DESK")

    def carry(out: SessionOutput) -> list[Outgoing]:
        return feed.carry_out(session, out)

    carry(session.connected())
    sent = carry(session.data_received(venue.message(MsgType.LOGON, [(98, 0), (108, 30)])))
    ids = {m[tags.SYMBOL]: m[tags.MD_REQ_ID] for m in map(parse_message, (o.raw for o in sent))}
    frames = [
        venue.message(MsgType.MARKET_DATA_INCREMENTAL, _increment(ids[SYMBOLS[n % 20]], SYMBOLS[n % 20], n))
        for n in range(MESSAGES)
    ]
    reads = [b"".join(frames[i : i + PER_READ]) for i in range(0, MESSAGES, PER_READ)]

    def parse_only() -> None:
        for raw in frames:
            incremental(parse_message(raw))

    def through_feed() -> None:
        for data in reads:
            carry(session.data_received(data))

    baseline = best_rate(MESSAGES, parse_only)
    start = quotes[0]
    rate = best_rate(MESSAGES, through_feed, repeats=1)
    quotes_per_message = (quotes[0] - start) / MESSAGES
    engine.close()
    return baseline, rate, rate * quotes_per_message


def gui_rate() -> float:
    """Quotes/s from the PriceBook through the PriceBridge into the WatchlistModel, flushed per batch."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from app.ui.price_bridge import PriceBridge
    from app.ui.watchlist_model import WatchlistModel

    app = QApplication.instance() or QApplication([])
    prices = PriceBook()
    bridge = PriceBridge(prices, max_rate=1_000_000)
    model = WatchlistModel(prices)
    for symbol in SYMBOLS:
        model.add(symbol)
    bridge.quotesChanged.connect(model.update)
    batches = [
        [Quote(s, Decimal(100 + n % 9), Decimal(101 + n % 9), None, START + timedelta(seconds=n)) for s in SYMBOLS]
        for n in range(500)
    ]

    def run() -> None:
        for batch in batches:
            prices.update(batch)
            bridge.flush()  # every batch shown: the worst case, no coalescing at all
        app.processEvents()

    return best_rate(len(batches) * len(SYMBOLS), run)


def main() -> None:
    """Print the feed's rates, headline last."""
    with tempfile.TemporaryDirectory() as workdir:
        baseline, messages, quotes = feed_rate(Path(workdir))
    figure("feed_parse_only_msgs_per_s", baseline, "msg/s")
    figure("feed_quotes_published_per_s", quotes, "quotes/s")
    figure("feed_gui_watchlist_quotes_per_s", gui_rate(), "quotes/s")
    figure("feed_msgs_into_price_book_per_s", messages, "msg/s")


if __name__ == "__main__":
    main()
