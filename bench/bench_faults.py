"""Benchmark the fault injector on the venue's outbound path: execution reports per second through it.

Figures: a script with one rule that never fires (the cost of watching: every frame is parsed and matched),
and the ``flaky`` example (every report on ACME garbled with probability 0.1, fills delayed 1 in 5),
beside ``parse_message`` alone on the same frames as a baseline. The headline, ``faults_watching``,
is printed last.

Run: ``.venv/bin/python -m bench.bench_faults``
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.engine.fix import FixMessage, MsgType, parse_message
from app.engine.fix.values import FixValue
from app.venue.faults import FaultInjector, load_script, parse_script
from bench.harness import best_rate, figure

COUNT = 20_000
START = datetime(2026, 1, 5, 14, 30, tzinfo=UTC)
FLAKY = Path(__file__).resolve().parents[1] / "resources" / "faults" / "flaky.txt"


def _frames() -> list[tuple[int, bytes, datetime]]:
    out = []
    for i in range(COUNT):
        at = START + timedelta(milliseconds=i)
        fields: list[tuple[int, FixValue]] = [
            (49, "SIMA"), (56, "OEMS"), (34, i + 1), (52, at), (37, f"V-{i}"), (11, f"C-{i}"), (17, f"E-{i}"),
            (150, "F" if i % 3 else "0"), (39, "1"), (55, "ACME" if i % 2 else "XYZ"), (54, "1"),
        ]  # fmt: skip
        out.append((i + 1, FixMessage(MsgType.EXECUTION_REPORT, fields).encode(), at))
    return out


def main() -> None:
    frames = _frames()

    def parse_only() -> None:
        for _, frame, _ in frames:
            parse_message(frame)

    def through(script_text: str | None) -> None:
        script = parse_script(script_text) if script_text else load_script(FLAKY)
        injector = FaultInjector(script, START)
        for seq, frame, at in frames:
            injector.on_send(seq, frame, at)

    figure("faults_parse_baseline", best_rate(COUNT, parse_only), "reports/s")
    figure("faults_flaky", best_rate(COUNT, lambda: through(None)), "reports/s")
    figure("faults_watching", best_rate(COUNT, lambda: through("1st fill for NEVER: drop")), "reports/s")


if __name__ == "__main__":
    main()
