"""Benchmark the FIX application mapping: 35=8 bytes to engine ExecutionReports, and requests to 35=D bytes.

Figures: parse alone (baseline), ``execution_report`` alone, ``request_message`` + encode, then parse +
``execution_report``. The headline,
``mapping_reports``, is printed last.

Run: ``.venv/bin/python bench/bench_mapping.py``
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.engine.enums import OrdType, Side, TimeInForce
from app.engine.fix import FixMessage, parse_message
from app.engine.fix.order_messages import request_message
from app.engine.fix.report_messages import execution_report
from app.engine.ids import AccountId, ClOrdId, OrderId
from app.engine.order import RequestKind
from app.engine.venue_messages import VenueRequest
from bench.bench_codec import build_ours
from bench.harness import best_rate, figure

COUNT = 20_000
SENT = datetime(2026, 1, 5, 14, 30, tzinfo=UTC)


def _parse(frames: list[bytes]) -> None:
    for raw in frames:
        parse_message(raw)


def _map(messages: list[FixMessage]) -> None:
    for msg in messages:
        execution_report(msg, "SIM1")


def _parse_and_map(frames: list[bytes]) -> None:
    for raw in frames:
        execution_report(parse_message(raw), "SIM1")


def _requests(requests: list[VenueRequest]) -> None:
    for request in requests:
        request_message(request, SENT).encode()


def main() -> None:
    """Print the mapping's rates."""
    frames = [build_ours(i) for i in range(COUNT)]
    messages = [parse_message(raw) for raw in frames]
    requests = [
        VenueRequest(
            RequestKind.NEW, OrderId(f"D-{i}"), ClOrdId(f"D-{i}"), None, "SIM1", "AAPL", Side.BUY, Decimal(100),
            OrdType.LIMIT, TimeInForce.DAY, AccountId("ACC1"), limit_px=Decimal("187.25"),
        )
        for i in range(COUNT)
    ]  # fmt: skip
    figure("mapping_parse_only", best_rate(COUNT, lambda: _parse(frames)), "msgs/s")
    figure("mapping_map_only", best_rate(COUNT, lambda: _map(messages)), "msgs/s")
    figure("mapping_requests_encoded", best_rate(COUNT, lambda: _requests(requests)), "msgs/s")
    figure("mapping_reports", best_rate(COUNT, lambda: _parse_and_map(frames)), "msgs/s")


if __name__ == "__main__":
    main()
