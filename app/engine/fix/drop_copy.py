"""The desk's drop copy sessions: each venue's independent record of every execution, as a check on the
order session's.

One initiator per session of role ``drop_copy``. Each execution report it receives is read as an order
session's would be (one that cannot be read is answered with a session Reject) and handed to the engine's
reconciliation with the venue it copies, in one transaction with the session's numbers and the raw
messages. A drop copy never changes an order. Every ``check_every`` seconds the engine opens a break for
each fill one side reported more than ``grace`` ago and the other has not.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from app.engine.clock import Clock
from app.engine.errors import OemsError
from app.engine.fix import tags
from app.engine.fix.alerts import Alert, AlertKind, AlertLevel
from app.engine.fix.config import SessionConfig, SessionRole
from app.engine.fix.inbound_batch import InboundBatch, read_batch
from app.engine.fix.report_messages import execution_report
from app.engine.fix.session import FixSession, Outgoing, Received, SessionOutput
from app.engine.fix.tags import MsgType
from app.engine.fix.transport import Backoff, Initiator
from app.engine.reconciliation import DEFAULT_GRACE
from app.engine.store import SessionRecord
from app.engine.venue_messages import ExecutionReport

if TYPE_CHECKING:
    from app.engine.engine import Engine

_log = logging.getLogger(__name__)

Copy = tuple[str, ExecutionReport]
"""A drop-copy execution report and the venue it copies."""


def log_alerts(alerts: list[Alert]) -> None:
    """Write session alerts to the log (when nobody else is told)."""
    for alert in alerts:
        _log.log(logging.INFO if alert.level is AlertLevel.INFO else logging.WARNING, "%s", alert.text)


class DropCopyGateway:
    """The desk's drop copy sessions (role ``drop_copy``). Attach it to an open engine, then ``start``."""

    def __init__(
        self,
        configs: Sequence[SessionConfig],
        clock: Clock,
        *,
        tell: Callable[[list[Alert]], None] = log_alerts,
        backoff: Backoff | None = None,
        grace: timedelta = DEFAULT_GRACE,
        check_every: float = 1.0,
    ) -> None:
        self.configs = {c.name: c for c in configs if c.role is SessionRole.DROP_COPY}
        self.clock, self.tell, self.backoff = clock, tell, backoff
        self.grace, self.check_every = grace, check_every
        self.sessions: dict[str, FixSession] = {}
        self.initiators: dict[str, Initiator] = {}
        self._engine: Engine | None = None
        self._stored_records: dict[str, SessionRecord] = {}
        self._checker: asyncio.Task[None] | None = None

    def attach(self, engine: Engine) -> None:
        """Build the sessions on the engine's store and tell the engine which venues' fills to check."""
        self._engine = engine
        for name, config in self.configs.items():
            session = FixSession(config, self.clock, engine.store, initiator=True)
            self.sessions[name] = session
            self.initiators[name] = Initiator(session, self, self.backoff)
        engine.watch_drop_copies({c.copied_venue: c.name for c in self.configs.values()})

    @property
    def engine(self) -> Engine:
        """The engine whose fills the drop copies check."""
        if self._engine is None:
            raise OemsError("The drop copy sessions are not attached to an engine yet.")
        return self._engine

    async def start(self) -> None:
        """Start connecting every drop copy session, and checking for breaks."""
        for initiator in self.initiators.values():
            initiator.start()
        if self.configs:
            self._checker = asyncio.create_task(self._check_breaks(), name="drop-copy-breaks")

    async def stop(self) -> None:
        """Stop checking, log every session out and stop reconnecting."""
        if self._checker is not None:
            self._checker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._checker
        await asyncio.gather(*(initiator.stop() for initiator in self.initiators.values()))

    def carry_out(self, session: FixSession, out: SessionOutput) -> list[Outgoing]:
        """Check what ``session`` received against the order sessions' fills and store the session's messages,
        in one engine transaction."""
        name = session.config.name
        read = functools.partial(self._read, session)
        batch: InboundBatch[Copy] = read_batch(session, out, read, self.clock.now().isoformat())
        if batch.anything_new or session.record != self._stored_records.get(name):  # a quiet tick commits nothing
            self.engine.apply_drop_copies(batch.messages, also=batch.store)
            self._stored_records[name] = session.record
        self.tell(out.alerts)
        return batch.answers

    def _read(self, session: FixSession, received: Received) -> Copy | None:
        msg, config = received.message, session.config
        if msg.msg_type == MsgType.EXECUTION_REPORT:
            return config.copied_venue, execution_report(msg, config.name)
        if msg.msg_type == MsgType.REJECT:
            text = f"{config.name} rejected message {msg.get(tags.REF_SEQ_NUM)}: {msg.get(tags.TEXT) or ''}"
            kind = AlertKind.REJECT_RECEIVED
        else:
            text = f"{config.name} sent a {msg.msg_type} message, which a drop copy session does not act on."
            kind = AlertKind.IGNORED
        self.tell([Alert(AlertLevel.INFO, text, kind)])
        return None

    async def _check_breaks(self) -> None:
        while True:
            await asyncio.sleep(self.check_every)
            try:
                self.engine.reconcile(self.grace)
            except OemsError as err:
                _log.error("Could not record drop copy breaks (will try again): %s", err)
