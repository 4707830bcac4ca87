"""A thin asyncio transport for FIX session cores: TCP in both roles, timers, reconnects with backoff.

Everything a session decides is in ``FixSession``; this module only moves bytes and time to it and carries
out what it returns, through a ``SessionApplication`` that makes each new message durable (and applies what
was received) before the transport writes a byte. Socket writes never block the loop (``StreamWriter``
buffers; ``drain`` is awaited between reads). Many sessions share one loop, which under the desktop is the
Qt loop through qasync. An acceptor session may have an ``Outlet`` between its stored messages and the
socket (the venue simulator's fault injector); without one, stored messages are written as they are.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Protocol

from app.engine.errors import OemsError
from app.engine.fix.alerts import Alert, AlertKind, AlertLevel
from app.engine.fix.session import FixSession, Outgoing, SessionOutput
from app.engine.fix.session_fsm import SessionState

_log = logging.getLogger(__name__)

READ_SIZE: Final = 1 << 16
"""Bytes asked of the socket per read; everything that arrived is handed to the session at once."""
BUFFERED: Final = 1 << 20
"""Bytes a connection's reader holds before the socket stops being read. asyncio pauses reading at twice its limit
and resumes below it: with the default limit of 64 KiB, a burst paused and resumed the socket (two system calls)
at every read of ``READ_SIZE``; at 1 MiB, once per 16 reads."""
SCHEDULE_RECHECK: Final = 60.0
"""Longest wait, in seconds, before an initiator reads its schedule against the clock again."""
_COMP_IDS: Final = re.compile(rb"\x0149=([^\x01]*)\x01(?:[^\x01]*\x01)*?56=([^\x01]*)\x01")


class SessionApplication(Protocol):
    """What runs above one session: durability first, then the application's own reaction."""

    def carry_out(self, session: FixSession, out: SessionOutput) -> list[Outgoing]:
        """Store ``out``'s new messages and the session's record, apply what it received, and return any
        further messages (already stored) to write after ``out.sends``."""
        ...


class Outlet(Protocol):
    """Puts a connection's stored messages on the wire its own way: the venue simulator's fault injector drops,
    holds, garbles or cuts here. Without an outlet a connection writes every message as it is."""

    def put(self, connection: Connection, outgoing: Sequence[Outgoing]) -> None:
        """Write ``outgoing`` (already stored) through ``connection.put``, or close it, as the outlet decides."""
        ...


@dataclass(frozen=True, slots=True)
class Backoff:
    """Seconds between reconnect attempts: doubling from ``first`` up to ``most``."""

    first: float = 1.0
    most: float = 30.0

    def delays(self) -> Callable[[], float]:
        """A fresh sequence of delays; call it for the next one."""
        delay = self.first / 2

        def next_delay() -> float:
            nonlocal delay
            delay = min(self.most, delay * 2)
            return delay

        return next_delay


class Connection:
    """One TCP connection serving one session, from the connect (or accept) until it closes."""

    def __init__(
        self,
        session: FixSession,
        app: SessionApplication,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        outlet: Outlet | None = None,
    ) -> None:
        self.session, self.app, self.outlet = session, app, outlet
        self._reader, self._writer = reader, writer
        self._closing = False
        self.failure = ""

    def write(self, outgoing: Sequence[Outgoing]) -> None:
        """Write messages the application has already stored; while logged out they wait for a resend."""
        if outgoing and not self._closing and self.session.is_active:
            self._pass(outgoing)

    def put(self, data: bytes) -> None:
        """Write bytes now, unless the connection is closing (an outlet's way to the socket)."""
        if data and not self._closing:
            self._writer.write(data)

    def _pass(self, outgoing: Sequence[Outgoing]) -> None:
        if self.outlet is None:
            self._writer.write(b"".join(o.raw for o in outgoing))
        else:
            self.outlet.put(self, outgoing)

    def carry_out(self, out: SessionOutput) -> None:
        """Make ``out`` durable and applied, then write it; close the connection if the session says so.

        If it cannot be stored (a full disk, say) nothing is written and the connection closes: the session
        reloads its numbers from the store at the next logon, and the venue sends the rest again.
        """
        try:
            extra = self.app.carry_out(self.session, out)
        except OemsError as exc:
            self.failure = f"nothing could be stored: {exc}"
            _log.error("%s: closing the connection, %s", self.session.config.name, self.failure)
            self._give_up()
            return
        # A fault of ours (a bug, not the disk): the batch was rolled back, so close and let the venue resend.
        except Exception as exc:  # noqa: BLE001
            self.failure = f"an internal error while handling its messages ({type(exc).__name__}: {exc})"
            _log.exception("%s: closing the connection after %s", self.session.config.name, self.failure)
            self._give_up()
            return
        outgoing = [*out.sends, *extra]
        if outgoing and not self._closing:
            self._pass(outgoing)
        if out.disconnect is not None:
            self.close()

    def _give_up(self) -> None:
        """The batch was not stored: the session forgets having received it (so the venue resends it after the
        next logon), and the connection closes."""
        self.session.forget_unstored()
        self.close()

    def close(self) -> None:
        """Close the socket after what is buffered; the read loop then ends."""
        if not self._closing:
            self._closing = True
            self._writer.close()

    async def serve(self, first: bytes = b"") -> None:
        """Feed the session until the connection ends, then tell it so."""
        timer = asyncio.create_task(self._tick())
        try:
            self.carry_out(self.session.connected())
            data = first
            while not self._closing:
                if data:
                    self.carry_out(self.session.data_received(data))
                    await self._writer.drain()
                data = await self._reader.read(READ_SIZE)
                if not data:
                    break
        except (ConnectionError, OSError) as exc:
            _log.info("%s: connection error: %s", self.session.config.name, exc)
        finally:
            timer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await timer
            self.close()
            self.carry_out(self.session.connection_lost())
            with contextlib.suppress(ConnectionError, OSError):
                await self._writer.wait_closed()

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(self.session.next_timer())
            self.carry_out(self.session.on_timer())


class Initiator:
    """Keeps one initiator session connected: connect, serve, back off, reconnect.

    It connects only inside its schedule's hours (``opens_at`` says when they next begin) and logs out when
    they end. A STOPPED session waits for a person to ``resume`` it; a session a person took down with
    ``disconnect`` waits for ``connect``. ``attempts`` and ``retry_at`` say how reconnecting goes, for the
    health view.
    """

    def __init__(self, session: FixSession, app: SessionApplication, backoff: Backoff | None = None) -> None:
        self.session, self.app = session, app
        self.host, self.port = session.config.host, session.config.port
        config = session.config
        self.backoff = backoff or Backoff(config.reconnect_min_delay, config.reconnect_max_delay)
        self.connection: Connection | None = None
        self.last_error = ""
        self.attempts = 0
        """Connect attempts that failed since the session was last up."""
        self.retry_at: datetime | None = None
        """When the next connect attempt is due, while waiting out the backoff."""
        self.held = False
        """A person disconnected the session: it stays down until ``connect``."""
        self.opens_at: datetime | None = None
        """While outside the session's scheduled hours: when they next begin (it connects then)."""
        self.recheck_every = SCHEDULE_RECHECK
        """Longest wait, in seconds, before the schedule is read against the clock again."""
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None

    def write(self, outgoing: Sequence[Outgoing]) -> None:
        """Write stored messages now if the session is up (otherwise the venue asks for them at logon)."""
        if self.connection is not None:
            self.connection.write(outgoing)

    def resume(self) -> None:
        """A person resumed a stopped session: connect again."""
        self.app.carry_out(self.session, self.session.resume())
        self._wake.set()

    def disconnect(self, reason: str = "disconnected by hand") -> None:
        """Log out (if logged on) and stay down until ``connect``."""
        self.held = True
        if self.connection is not None:
            self.connection.carry_out(self.session.logout(reason))

    def connect(self) -> None:
        """Connect now: after ``disconnect``, or without waiting out the rest of a backoff."""
        self.held = False
        self._wake.set()

    def reset_sequence_numbers(self) -> None:
        """Start both sides again at MsgSeqNum 1 (141=Y): log out if logged on and log on again at once; a
        stopped session is resumed with the reset."""
        self.session.request_reset()
        if self.session.state is SessionState.STOPPED:
            self.resume()
        elif self.connection is not None:
            self.disconnect("sequence numbers reset by hand")
        self.connect()

    async def run(self) -> None:
        """Connect and serve until ``stop``; a failed attempt waits out the backoff, a stopped session a person."""
        next_delay = self.backoff.delays()
        while not self._stopping:
            if self.held or self.session.state is SessionState.STOPPED:
                self._wake.clear()
                await self._wake.wait()
                continue
            self.opens_at = self._closed_until()
            if self.opens_at is not None:  # outside the session's hours: wait for them, nothing to retry
                await self._wait(self._seconds_until(self.opens_at))
                continue
            try:
                reader, writer = await asyncio.open_connection(self.host, self.port, limit=BUFFERED)
            except OSError as exc:
                self._unreachable(exc)
                await self._pause(next_delay())
                continue
            self.connection = connection = Connection(self.session, self.app, reader, writer)
            self._idle.clear()
            closer = asyncio.create_task(self._log_out_at_close(connection))
            try:
                await connection.serve()
            except Exception as exc:  # noqa: BLE001 - a fault of ours must not end reconnecting for good
                connection.failure = f"an internal error on the connection ({type(exc).__name__}: {exc})"
                _log.exception("%s: %s", self.session.config.name, connection.failure)
            finally:
                closer.cancel()
                self.connection = None
                self._idle.set()
            if connection.failure:
                self.last_error = connection.failure
                self._alert(
                    AlertKind.INTERNAL_FAULT,
                    f"the desk closed the connection after a fault of its own: {connection.failure}",
                )
            if self.session.stats.last_received is not None:
                next_delay = self.backoff.delays()
                self.attempts = 0
            if self.held:
                continue  # a person took it down: wait for them at the top of the loop
            if not self._stopping:
                await self._pause(next_delay())

    def _unreachable(self, exc: OSError) -> None:
        if self.port == 0:  # what the system says (connection refused) would not tell anyone why
            why = "port 0 means any free port, which only the embedded simulator can pick"
        else:
            why = exc.strerror or str(exc)
        self.last_error = f"cannot reach {self.host}:{self.port}: {why}"
        self.attempts += 1
        if self.attempts == 1:  # the first failure is news; the retries after it are counted, not repeated
            self._alert(AlertKind.UNREACHABLE, self.last_error)

    def _alert(self, kind: AlertKind, problem: str) -> None:
        """Tell the people watching the session (the application records the alert and shows it) that ``problem``
        keeps it down for now, and that it is retrying."""
        text = f"{self.session.config.name}: {problem}; retrying."
        try:
            self.app.carry_out(self.session, SessionOutput(alerts=[Alert(AlertLevel.ERROR, text, kind)]))
        except Exception:  # noqa: BLE001 - the alert is news, not a reason to stop retrying (a full disk, say)
            _log.exception("%s: could not record the alert: %s", self.session.config.name, text)

    def _closed_until(self) -> datetime | None:
        """When the schedule next opens, if the session is outside its hours now; None when it may connect."""
        schedule, now = self.session.config.schedule, self.session.clock.now()
        return None if schedule.is_open(now) else schedule.next_open(now)

    def _seconds_until(self, moment: datetime) -> float:
        """Seconds to wait for ``moment``, at most ``recheck_every`` (the clock may be set meanwhile)."""
        return min(max((moment - self.session.clock.now()).total_seconds(), 0.0), self.recheck_every)

    async def _log_out_at_close(self, connection: Connection) -> None:
        """Log out when the session's scheduled hours end (never, for a non-stop session)."""
        schedule = self.session.config.schedule
        while (closes := schedule.closes_at(self.session.clock.now())) is not None:
            if self._closed_until() is not None:
                connection.carry_out(self.session.logout("the session's scheduled hours have ended"))
                return
            await asyncio.sleep(self._seconds_until(closes))

    async def _pause(self, delay: float) -> None:
        """Wait ``delay`` seconds before the next attempt, or less if a person says connect now (or did while
        the last connection was closing)."""
        self.retry_at = self.session.clock.now() + timedelta(seconds=delay)
        try:
            await self._wait(delay)
        finally:
            self.retry_at = None

    async def _wait(self, delay: float) -> None:
        """Wait ``delay`` seconds or until woken (by ``connect``, ``resume`` or ``stop``)."""
        try:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(delay):
                    await self._wake.wait()
        finally:
            self._wake.clear()

    def start(self) -> asyncio.Task[None]:
        """Run in the background on the current loop."""
        self._task = asyncio.create_task(self.run(), name=f"fix-{self.session.config.name}")
        return self._task

    async def stop(self) -> None:
        """Log out (waiting up to the logout timeout for the reply), then stop reconnecting."""
        self._stopping = True
        self._wake.set()
        connection = self.connection
        if connection is not None:
            connection.carry_out(self.session.logout("closing"))
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.session.config.logout_timeout):
                    await self._idle.wait()
            connection.close()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


class Acceptor:
    """Listens on one port and gives each incoming connection to the session its CompIDs name."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self._sessions: dict[tuple[str, str], tuple[FixSession, SessionApplication, Outlet | None]] = {}
        self.connections: dict[str, Connection] = {}
        self._server: asyncio.Server | None = None
        self._serving: set[asyncio.Task[None]] = set()

    def add(self, session: FixSession, app: SessionApplication, outlet: Outlet | None = None) -> None:
        """Serve ``session`` to the counterparty whose messages come from its TargetCompID to its SenderCompID,
        writing through ``outlet`` if given. Adding another session for the same CompIDs replaces it from the next
        connection on (a venue that restarted)."""
        config = session.config
        self._sessions[(config.target_comp_id, config.sender_comp_id)] = (session, app, outlet)

    async def start(self) -> int:
        """Start listening; returns the port (useful when 0 asked the system for a free one)."""
        self._server = await asyncio.start_server(self._accept, self.host, self.port, limit=BUFFERED)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    async def close(self) -> None:
        """Stop listening, drop every connection and wait until each is wound up."""
        if self._server is not None:
            self._server.close()
        for connection in list(self.connections.values()):
            connection.close()
        if self._serving:
            await asyncio.wait(self._serving)
        if self._server is not None:
            await self._server.wait_closed()

    def write(self, name: str, outgoing: Sequence[Outgoing]) -> None:
        """Write stored messages to session ``name`` if it is connected."""
        connection = self.connections.get(name)
        if connection is not None:
            connection.write(outgoing)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        first = b""
        match = None
        while match is None and len(first) < READ_SIZE:
            chunk = await reader.read(READ_SIZE)
            if not chunk:
                break
            first += chunk
            match = _COMP_IDS.search(first)
        found = self._sessions.get((match.group(1).decode(), match.group(2).decode())) if match else None
        if found is None or found[0].config.name in self.connections or found[0].state is SessionState.STOPPED:
            _log.warning("refused a connection from %s: no free session for it", writer.get_extra_info("peername"))
            writer.close()
            return
        session, app, outlet = found
        connection = self.connections[session.config.name] = Connection(session, app, reader, writer, outlet)
        task = asyncio.create_task(connection.serve(first))
        self._serving.add(task)
        try:
            await asyncio.shield(task)
        finally:
            self._serving.discard(task)
            del self.connections[session.config.name]
