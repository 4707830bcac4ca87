"""Measure the desk's FIX intake and send path over loopback TCP, and each stage of the intake, in one run.

Intake: a venue acceptor writes N execution reports (an ack, then fills of 1 share each) for one order as
fast as the socket takes them; the desk's initiator frames, checks and sequences them, maps them and
applies them to the engine with one commit per socket read, inbound MsgSeqNum and raw messages included.
The clock runs from the first byte written to the engine showing the last fill.

Durability differs from QuickFIX's, so two loopback figures are printed. As configured, the desk's store runs
SQLite with synchronous=FULL: each batch is fsynced before its answers go out. QuickFIX 1.16's FileStore (and
FileLog) only fflush, with no fsync at all: a process crash loses nothing, a power cut may. The apples-to-apples
figure runs our store with synchronous=NORMAL (WAL, no fsync per commit), which promises the same. Scope differs
too, and is not evened out: QuickFIX's application reads two fields of each report; ours books every fill (the
order, the position, the risk figures and the event log).

Stages (µs per report, best of three, no socket and no event loop, on the same bytes): the framer alone, the framer
with the session's trained fast lane (cutting, checking and splitting each frame), the parser alone, the session core
(framer, parser or fast lane, header, sequence and SendingTime checks), the mapping to the engine's report (of
parsed messages; ``stage_map_lane`` of the lane's, as the session hands them over), then the whole desk path
(session, mapping, engine, store and its commit, as configured) and, by difference, what the engine and the store
add (the mapping counted as ``stage_map_lane``). ``stage_session_full_lane`` is the session stage again with the
fast lane off (every frame parsed and checked the full way): the same-run baseline of ``fast_lane.py``.
``--profile`` prints a cProfile of the loopback intake.

QuickFIX in the same run (when installed: ``python3 dev.py interop``): a QuickFIX/Python 1.16 initiator with
file stores, measured as ENVIRONMENT.md did (bench/quickfix_baseline.py); our rates are given as ratios to it.
The machine is shared and noisy: compare figures of one run only, and repeat.

Reads (as configured): the desk connection's socket reads during the intake, per second, their bytes and reports
(each read is one batch: one engine transaction and commit), and the share of the intake the desk spent waiting
in a read rather than working. Measured in session 9: ~145 reads of the full 64 KiB (~345 reports each), and
under 1% waiting: the loopback intake is CPU-bound, and costs what the no-socket desk path does. The intake is
then split into the desk's own work (``loopback_session_per_report``: the session core on each read;
``loopback_applied_per_report``: mapping, engine, store and commit) and everything outside it (the socket, the event
loop, the venue's writes in this same process, the bench's polling), with the share of the intake this process spent
on the CPU (below 100%: waiting on fsync, the socket or a busy machine).

Send path: ``Engine.submit`` of a limit order, from the call to the bytes handed to the socket, including
the commit of the order's event and its stored NewOrderSingle; p50 and p99 over the orders, both durabilities.
Headline last: ``fix_reports_applied`` (as configured).

Run: ``python3 dev.py bench fix`` (``.venv/bin/python -m bench.bench_fix --profile`` for the profile).
"""

from __future__ import annotations

import asyncio
import cProfile
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.engine import collector
from app.engine.clock import SystemClock
from app.engine.commands import SubmitOrder
from app.engine.engine import Engine
from app.engine.fix.fast_lane import PlainLane
from app.engine.fix.framer import FixFramer, Frame
from app.engine.fix.gateway import FixGateway
from app.engine.fix.memory_application import MemoryApplication
from app.engine.fix.message import FixMessage, parse_message
from app.engine.fix.report_messages import execution_report
from app.engine.fix.session import FixSession, Outgoing, Received, SessionOutput
from app.engine.fix.session_fsm import SessionState
from app.engine.fix.session_store import MemorySessionStore
from app.engine.fix.tags import MsgType
from app.engine.fix.transport import READ_SIZE, Acceptor, Connection
from app.engine.ids import ClOrdId
from app.engine.risk import DestinationGate
from app.engine.store import EventStore
from bench.harness import figure, percentile
from bench.quickfix_baseline import initiator_rate
from tests.support.engine_kit import DESK, TRADER, spec
from tests.support.fix_reports import report_fields
from tests.support.fix_script import session_config
from tests.support.reports import VenueOrder

REPORTS = 50_000
STAGE_REPORTS = 20_000
ORDERS = 500
CHUNK = 2_000
BENCH_ORDER = ClOrdId("BENCH-1")


@dataclass
class Loopback:
    """One loopback run's figures."""

    rate: float
    p50: float
    p99: float
    reads: Reads
    work: Work
    cpu: float
    """Seconds of this process's CPU time during the intake."""


class Reads:
    """Counts the desk connection's socket reads during the intake, and the time spent waiting in them."""

    def __init__(self, reader: asyncio.StreamReader) -> None:
        self.count = self.bytes = 0
        self.waiting = 0.0
        self._read = reader.read
        reader.read = self._counted  # type: ignore[method-assign]  # the serve loop looks it up at each read

    async def _counted(self, n: int = -1) -> bytes:
        start = time.perf_counter()
        data = await self._read(n)
        self.waiting += time.perf_counter() - start
        self.count += 1
        self.bytes += len(data)
        return data


class Work:
    """Times the desk's own work on each read during the intake: the session core, then the engine and its commit."""

    def __init__(self, connection: Connection) -> None:
        self.session = self.applied = 0.0
        session = connection.session
        self._received, self._carry_out = session.data_received, connection.carry_out
        session.data_received = self._timed_received  # type: ignore[method-assign]  # looked up at each read
        connection.carry_out = self._timed_carry_out  # type: ignore[method-assign]

    def _timed_received(self, data: bytes) -> SessionOutput:
        start = time.perf_counter()
        out = self._received(data)
        self.session += time.perf_counter() - start
        return out

    def _timed_carry_out(self, out: SessionOutput) -> None:
        start = time.perf_counter()
        self._carry_out(out)
        self.applied += time.perf_counter() - start


class Desk:
    """The desk (engine + gateway) and a venue session, in one process."""

    def __init__(self, workdir: Path, *, synchronous_full: bool, port: int = 1) -> None:
        self.clock = SystemClock()
        self.venue_store = MemorySessionStore()
        self.venue = FixSession(
            session_config("DESK", "VENUE", "DESK", 0), self.clock, self.venue_store, initiator=False
        )
        self.arrived: list[str] = []
        self.venue_app = MemoryApplication(self.venue_store, self._hear)
        self.gateway = FixGateway([session_config("SIMA", "DESK", "VENUE", port)], self.clock)
        store = EventStore.open(workdir / "desk.db", synchronous_full=synchronous_full)
        self.engine = Engine(store, self.clock, DestinationGate(["SIMA"]), self.gateway, directory=DESK)
        self.engine.reload()
        self.gateway.attach(self.engine)
        self.target = VenueOrder(BENCH_ORDER, 10**9)

    def _hear(self, received: Received) -> list[FixMessage]:
        self.arrived.append(received.message.msg_type)
        return []

    @property
    def session(self) -> FixSession:
        """The desk's session to the venue."""
        return self.gateway.sessions["SIMA"]

    def place_bench_order(self) -> None:
        """The order every report is about."""
        order = spec(symbol="ACME", destination="SIMA", qty=Decimal(10**9))
        self.engine.submit(SubmitOrder(order, TRADER, BENCH_ORDER))

    def reports(self, count: int, *, ack: bool = False) -> list[Outgoing]:
        """``count`` reports about the bench order, stamped and stored by the venue's session."""
        reports = ([self.target.ack()] if ack else []) + [self.target.fill(1, 10) for _ in range(count - ack)]
        bodies = [FixMessage(MsgType.EXECUTION_REPORT, report_fields(r)) for r in reports]
        return self.venue_app.send(self.venue, bodies)

    def filled(self) -> Decimal:
        """The bench order's CumQty as the engine has it."""
        order = self.engine.ledger.find(BENCH_ORDER)
        assert order is not None
        return self.engine.ledger.orders[order.order_id].cum_qty


def reads(wire: list[Outgoing], size: int) -> list[bytes]:
    """The stream of ``wire`` cut into socket reads of ``size`` bytes."""
    stream = b"".join(o.raw for o in wire)
    return [stream[at : at + size] for at in range(0, len(stream), size)]


def best_us(count: int, run: Callable[[], object], repeats: int = 3) -> float:
    """Microseconds per item of the fastest of ``repeats`` runs."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best / count * 1e6


def stages(workdir: Path) -> None:
    """Each stage of the intake on the same bytes, without the socket: µs per report."""
    desk = Desk(workdir, synchronous_full=True)
    desk_app, session, venue = desk.gateway, desk.session, desk.venue
    desk_app.carry_out(session, out := session.connected())  # the logon, handed over by hand
    desk.venue_app.carry_out(venue, venue.connected())
    answer = venue.data_received(b"".join(o.raw for o in out.sends))
    desk.venue_app.carry_out(venue, answer)
    desk_app.carry_out(session, session.data_received(b"".join(o.raw for o in answer.sends)))
    assert session.is_active, session.state
    assert venue.is_active, venue.state
    desk.place_bench_order()
    desk_app.carry_out(session, session.data_received(reads(desk.reports(1, ack=True), READ_SIZE)[0]))
    held = desk.target.cum, desk.target.notional
    checked, full = (reads(desk.reports(STAGE_REPORTS), READ_SIZE) for _ in range(2))  # fed in this order
    # Those two sets reach the session only: the engine never books their fills, so the set it applies follows on
    # from what it holds (else every fill is a break between our tally and the venue's CumQty, the slow path).
    desk.target.cum, desk.target.notional = held
    applied = reads(desk.reports(STAGE_REPORTS), READ_SIZE)

    def framed(lane: PlainLane | None = None) -> list[Frame]:
        framer = FixFramer(lane=lane)
        return [item for chunk in checked for item in framer.feed(chunk) if isinstance(item, Frame)]

    frames = framed()
    messages = [parse_message(frame.raw) for frame in frames]
    figure("stage_framer", best_us(STAGE_REPORTS, framed), "us/report")
    lane = PlainLane()
    lane.learn(messages[0])  # as the session learns a layout: from a message read the full way
    assert all(frame.fields is not None for frame in framed(lane)), "the lane left frames to the full way"
    figure("stage_framer_with_lane", best_us(STAGE_REPORTS, lambda: framed(lane)), "us/report")
    figure("stage_parse", best_us(STAGE_REPORTS, lambda: [parse_message(f.raw) for f in frames]), "us/report")
    figure("stage_map", best_us(STAGE_REPORTS, lambda: [execution_report(m, "SIMA") for m in messages]), "us/report")
    read = [frame.fields for frame in framed(lane)]  # as the session hands them over: read by the lane
    map_us = best_us(STAGE_REPORTS, lambda: [execution_report(m, "SIMA") for m in read])  # type: ignore[arg-type]
    figure("stage_map_lane", map_us, "us/report")
    before = desk.filled()
    session_us = best_us(STAGE_REPORTS, lambda: [session.data_received(chunk) for chunk in checked], repeats=1)
    figure("stage_session", session_us, "us/report")  # framer + parser + session checks (the first set)
    framer = session._framer
    trained, framer.lane = framer.lane, None  # the same checks, every frame the full way (the same-run baseline)
    full_us = best_us(STAGE_REPORTS, lambda: [session.data_received(chunk) for chunk in full], repeats=1)
    figure("stage_session_full_lane", full_us, "us/report")
    framer.lane = trained
    desk_us = best_us(
        STAGE_REPORTS, lambda: [desk_app.carry_out(session, session.data_received(chunk)) for chunk in applied], 1
    )
    assert desk.filled() == desk.target.cum, f"the desk path booked {desk.filled() - before}, not every fill"
    figure("stage_engine_and_store", desk_us - session_us - map_us, "us/report")
    figure("stage_desk_path", desk_us, "us/report")
    desk.engine.close()


async def until(condition: Callable[[], bool], seconds: float = 120.0) -> None:
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110 - polls engine state that has no signal to wait on
            await asyncio.sleep(0.001)


async def loopback(workdir: Path, *, synchronous_full: bool) -> Loopback:
    """Submit latency, then the intake rate, over loopback TCP with the store's durability as given."""
    acceptor = Acceptor("127.0.0.1", 0)
    desk = Desk(workdir, synchronous_full=synchronous_full, port=await acceptor.start())
    acceptor.add(desk.venue, desk.venue_app)
    engine, gateway = desk.engine, desk.gateway
    await gateway.start()
    await until(lambda: desk.session.state is SessionState.ACTIVE and desk.venue.is_active)

    # Send path: submit -> bytes on the socket, commit included.
    samples = []
    for _ in range(ORDERS):
        start = time.perf_counter()
        engine.submit(SubmitOrder(spec(symbol="ACME", destination="SIMA"), TRADER))
        samples.append((time.perf_counter() - start) * 1000)
    desk.place_bench_order()
    await until(lambda: desk.arrived.count(MsgType.NEW_ORDER_SINGLE) == ORDERS + 1)

    # Intake: pre-stamp every report, then write them as fast as the socket takes them.
    data = reads(desk.reports(REPORTS, ack=True), CHUNK * 180)
    writer = acceptor.connections["DESK"]._writer
    connection = gateway.initiators["SIMA"].connection
    assert connection is not None
    counted = Reads(connection._reader)  # from the read after the one pending now: the intake's own
    work = Work(connection)
    start, cpu = time.perf_counter(), time.process_time()
    for chunk in data:
        writer.write(chunk)
        await writer.drain()
    await until(lambda: desk.filled() == REPORTS - 1)
    rate, cpu = REPORTS / (time.perf_counter() - start), time.process_time() - cpu
    await gateway.stop()
    engine.close()
    await acceptor.close()
    return Loopback(rate, percentile(samples, 50), percentile(samples, 99), counted, work, cpu)


def run(workdir: Path, profile: bool) -> None:
    """Every figure, headline last."""
    stages(workdir / "stages")
    profiler = cProfile.Profile() if profile else None
    if profiler is not None:
        profiler.enable()
    synced = asyncio.run(loopback(workdir / "full", synchronous_full=True))
    if profiler is not None:
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(30)
    unsynced = asyncio.run(loopback(workdir / "normal", synchronous_full=False))
    quickfix = initiator_rate(REPORTS, workdir / "quickfix")
    print(
        "# fsync: ours as configured fsyncs each batch (SQLite synchronous=FULL); QuickFIX 1.16's FileStore never"
        " fsyncs; 'no_fsync' runs ours with synchronous=NORMAL, the same promise (a crash loses nothing)."
    )
    figure("submit_to_socket_p50", synced.p50, "ms")
    figure("submit_to_socket_p99", synced.p99, "ms")
    figure("submit_to_socket_no_fsync_p50", unsynced.p50, "ms")
    figure("submit_to_socket_no_fsync_p99", unsynced.p99, "ms")
    figure("fix_reports_applied_no_fsync", unsynced.rate, "reports/s")
    intake, counted = REPORTS / synced.rate, synced.reads
    figure("loopback_reads_per_s", counted.count / intake, "reads/s")
    figure("loopback_bytes_per_read", counted.bytes / max(counted.count, 1), "bytes")
    figure("loopback_reports_per_read", REPORTS / max(counted.count, 1), "reports")
    figure("loopback_waiting_share", counted.waiting / intake * 100, "%")
    figure("loopback_session_per_report", synced.work.session / REPORTS * 1e6, "us/report")
    figure("loopback_applied_per_report", synced.work.applied / REPORTS * 1e6, "us/report")  # engine, store, commit
    outside = intake - synced.work.session - synced.work.applied  # the socket, the loop, the venue's writes, polling
    figure("loopback_outside_desk_work_per_report", outside / REPORTS * 1e6, "us/report")
    figure("loopback_cpu_share", synced.cpu / intake * 100, "%")  # below 100: waiting (fsync, the socket, the CPU)
    if quickfix is not None:
        figure("quickfix_initiator_reports", quickfix, "reports/s")
        figure("fix_reports_no_fsync_vs_quickfix_initiator", unsynced.rate / quickfix, "x")
        figure("fix_reports_vs_quickfix_initiator", synced.rate / quickfix, "x")
    figure("fix_reports_vs_quickfix_reference_24k", synced.rate / 24_000, "x")
    figure("fix_reports_applied", synced.rate, "reports/s")


def main() -> None:
    collector.pace()  # as the desktop runs
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("stages", "full", "normal", "quickfix"):
            (Path(tmp) / name).mkdir()
        run(Path(tmp), "--profile" in sys.argv[1:])


if __name__ == "__main__":
    main()
