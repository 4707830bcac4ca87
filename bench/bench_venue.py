"""Benchmark the venue's FIX application: inbound orders to outbound messages per second, headline last.

Two sessions trade ACME on the SIMA profile (market makers quoting, a drop-copy session and one market
data subscriber): a generated flow of passive limits, crossing limits and cancels, each a parsed-style
``FixMessage`` handed to ``on_message`` and released at once, every outbound message encoded to bytes as
the session would. Baseline, same run: the matching engine alone on the same requests (no FIX). Figures:
the baseline in orders per second, outbound messages per second, then the headline ``venue_app`` in
orders per second.

Run: ``.venv/bin/python -m bench.bench_venue``
"""

from __future__ import annotations

import random

from app.engine.clock import FakeClock
from app.engine.fix import FixMessage
from app.engine.fix.values import FixValue
from app.venue.fix_requests import read_cancel, read_new_order
from app.venue.orders import CancelRequest, NewOrder, OwnerId
from app.venue.profiles import SIMA, build_market
from app.venue.venue_app import VenueApplication
from bench.harness import best_rate, figure

COUNT = 20_000
SEED = 20260105
T0 = "20260105-14:30:00.000"


def make_flow(count: int, seed: int) -> list[tuple[str, FixMessage]]:
    """(session, message): 60% passive limits, 30% crossing limits, 10% cancels, around 100.00."""
    rng = random.Random(seed)
    flow: list[tuple[str, FixMessage]] = []
    placed: list[tuple[str, str, str]] = []
    for n in range(count):
        session = rng.choice(("C1", "C2"))
        if rng.random() < 0.10 and placed:
            owner, target, side = placed[rng.randrange(len(placed))]
            fields: list[tuple[int, FixValue]] = [(41, target), (11, f"x{n}"), (55, "ACME"), (54, side), (60, T0)]
            flow.append((owner, FixMessage("F", [(34, n + 2), *fields])))
            continue
        side = rng.choice(("1", "2"))
        sign = 1 if side == "1" else -1
        ticks = rng.randint(1, 4) * (sign if rng.random() < 0.3 else -sign)
        price = f"{100 + ticks / 100:.2f}"
        order: list[tuple[int, FixValue]] = [(11, f"c{n}"), (55, "ACME"), (54, side), (38, rng.randint(1, 5) * 100)]
        flow.append((session, FixMessage("D", [(34, n + 2), *order, (40, "2"), (44, price), (59, "0"), (60, T0)])))
        placed.append((session, f"c{n}", side))
    return flow


def run_app(flow: list[tuple[str, FixMessage]], sent: list[int]) -> None:
    """Every message through a fresh venue application; appends the number of messages sent to ``sent``."""
    app = VenueApplication(SIMA, FakeClock(), "DROP")
    subscribe: list[tuple[int, FixValue]] = [
        (262, "md"),
        (263, "1"),
        (264, 5),
        (267, 2),
        (269, "0"),
        (269, "1"),
        (146, 1),
        (55, "ACME"),
    ]
    app.on_message("MD", FixMessage("V", [(34, 1), *subscribe]))
    count = 0
    for session, msg in flow:
        out = app.on_message(session, msg) + app.release_next(session)
        for o in out:
            o.message.encode()
        count += len(out)
    sent.append(count)


def engine_requests(flow: list[tuple[str, FixMessage]]) -> list[NewOrder | CancelRequest]:
    """The flow as the matching engine's own requests, read once, outside the timing."""
    return [
        read_new_order(msg, OwnerId(session))[0] if msg.msg_type == "D" else read_cancel(msg, OwnerId(session))
        for session, msg in flow
    ]


def run_engine(requests: list[NewOrder | CancelRequest]) -> None:
    """The same requests straight into a fresh matching engine with the same market makers: no FIX."""
    engine, _ = build_market(SIMA)
    for request in requests:
        if isinstance(request, NewOrder):
            engine.submit(request)
        else:
            engine.cancel(request)


def main() -> None:
    """Print the figures."""
    flow = make_flow(COUNT, SEED)
    requests = engine_requests(flow)
    figure("matching_engine_same_flow", best_rate(COUNT, lambda: run_engine(requests)), "orders/s")
    sent: list[int] = []
    app_rate = best_rate(COUNT, lambda: run_app(flow, sent))
    figure("venue_app_messages", app_rate * sent[0] / COUNT, "messages/s")
    figure("venue_app", app_rate, "orders/s")


if __name__ == "__main__":
    main()
