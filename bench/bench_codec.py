"""Benchmark the FIX codec against simplefix 1.0.17 on typical ExecutionReports (35=8), in one run.

Figures: simplefix.FixParser parse rate (baseline), our framer + parse on the same bytes, the framer and
the parse alone, then build + encode of the same report with simplefix and with ours. Bytes arrive in
4 KiB pieces, as from a socket. The headline, ``codec_parse``, is printed last.

Run: ``.venv/bin/python bench/bench_codec.py``
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import simplefix

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.engine.fix import FixFramer, FixMessage, Frame, MsgType, parse_message
from bench.harness import best_rate, figure

COUNT = 20_000
CHUNK = 4096
START = datetime(2026, 1, 5, 14, 30, tzinfo=UTC)
HEADER = ((49, "VENUE"), (56, "DESK01"))


def _body(i: int) -> list[tuple[int, str | int | Decimal | datetime]]:
    return [
        (37, f"ORD-{i:09d}"), (11, f"CL-20260105-{i:06d}"), (17, f"EX-{i:012d}"), (150, "F"), (39, "1"),
        (55, "AAPL"), (54, "1"), (38, Decimal(1000)), (44, Decimal("187.25")), (32, Decimal(100)),
        (31, Decimal("187.25")), (151, Decimal(900)), (14, Decimal(100)), (6, Decimal("187.25")),
        (60, START + timedelta(milliseconds=i)), (1, "ACC-1"), (59, "0"), (40, "2"),
    ]  # fmt: skip


def build_ours(i: int) -> bytes:
    """One ExecutionReport built and encoded by our codec."""
    msg = FixMessage(MsgType.EXECUTION_REPORT, _body(i))
    for tag, value in HEADER:
        msg.append(tag, value)
    return msg.append(34, i + 1).append(52, START + timedelta(milliseconds=i)).encode()


def build_simplefix(i: int) -> bytes:
    """The same ExecutionReport built and encoded with simplefix (header=True for header tags)."""
    return bytes(_simplefix_message(i).encode())


def _simplefix_message(i: int) -> simplefix.FixMessage:
    msg = simplefix.FixMessage()
    msg.append_pair(8, "FIX.4.4", header=True)
    msg.append_pair(35, "8", header=True)
    for tag, text in HEADER:
        msg.append_pair(tag, text, header=True)
    msg.append_pair(34, i + 1, header=True)
    msg.append_utc_timestamp(52, START + timedelta(milliseconds=i), header=True)
    for tag, value in _body(i):
        if isinstance(value, datetime):
            msg.append_utc_timestamp(tag, value)
        else:
            msg.append_pair(tag, value)
    return msg


def _chunks(stream: bytes) -> list[bytes]:
    return [stream[at : at + CHUNK] for at in range(0, len(stream), CHUNK)]


def parse_simplefix(chunks: list[bytes]) -> int:
    """Parse every message with simplefix.FixParser (which checks neither 9 nor 10); returns the count."""
    parser, count = simplefix.FixParser(), 0
    for chunk in chunks:
        parser.append_buffer(chunk)
        while parser.get_message() is not None:
            count += 1
    return count


def frame_and_parse_ours(chunks: list[bytes]) -> int:
    """Frame (BodyLength, CheckSum verified) and parse every message with our codec; returns the count."""
    framer, count = FixFramer(), 0
    for chunk in chunks:
        for item in framer.feed(chunk):
            if type(item) is Frame:
                item.message()
                count += 1
    return count


def parse_ours(frames: list[bytes]) -> None:
    """Parse already framed messages, keeping none (as a session would)."""
    for raw in frames:
        parse_message(raw)


def build_many(build: Callable[[int], bytes]) -> None:
    """Build and encode COUNT reports, keeping none."""
    for i in range(COUNT):
        build(i)


def frame_ours(chunks: list[bytes]) -> int:
    """Frame only; returns the number of frames."""
    framer = FixFramer()
    return sum(len(framer.feed(chunk)) for chunk in chunks)


def _repeat(encode: Callable[[], bytes]) -> None:
    for _ in range(COUNT):
        encode()


def _ignore(_: object) -> None:
    """Drop a result, so a timed call matches best_rate's signature."""


def main() -> None:
    """Run every figure once, headline last."""
    frames = [build_ours(i) for i in range(COUNT)]
    assert all(parse_message(f) == parse_message(build_simplefix(i)) for i, f in enumerate(frames[:100]))
    chunks = _chunks(b"".join(frames))
    assert parse_simplefix(chunks) == frame_and_parse_ours(chunks) == frame_ours(chunks) == COUNT
    baseline = best_rate(COUNT, lambda: _ignore(parse_simplefix(chunks)))
    ours = best_rate(COUNT, lambda: _ignore(frame_and_parse_ours(chunks)))
    figure("simplefix_parse", baseline, "msgs/s")
    figure("codec_frame_only", best_rate(COUNT, lambda: _ignore(frame_ours(chunks))), "msgs/s")
    figure("codec_parse_only", best_rate(COUNT, lambda: parse_ours(frames)), "msgs/s")
    simplefix_build = best_rate(COUNT, lambda: build_many(build_simplefix))
    ours_build = best_rate(COUNT, lambda: build_many(build_ours))
    theirs, mine = _simplefix_message(0), FixMessage(MsgType.EXECUTION_REPORT, _body(0))
    figure("simplefix_encode_only", best_rate(COUNT, lambda: _repeat(theirs.encode)), "msgs/s")
    figure("codec_encode_only", best_rate(COUNT, lambda: _repeat(mine.encode)), "msgs/s")
    figure("simplefix_build_encode", simplefix_build, "msgs/s")
    figure("codec_build_encode", ours_build, "msgs/s")
    figure("codec_build_encode_vs_simplefix", ours_build / simplefix_build, "x")
    figure("codec_parse_vs_simplefix", ours / baseline, "x")
    figure("codec_parse", ours, "msgs/s")


if __name__ == "__main__":
    main()
