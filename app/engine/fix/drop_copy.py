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
import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, ClassVar

from app.engine.clock import Clock
from app.engine.errors import OemsError
from app.engine.events import SessionAlertRaised
from app.engine.fix import tags
from app.engine.fix.alerts import Alert, AlertKind, AlertLevel
from app.engine.fix.config import SessionConfig, SessionRole
from app.engine.fix.desk_sessions import DeskSessions, Store
from app.engine.fix.message import FixMessage
from app.engine.fix.report_messages import execution_report
from app.engine.fix.session import FixSession, Received
from app.engine.fix.tags import MsgType
from app.engine.fix.transport import Backoff
from app.engine.reconciliation import DEFAULT_GRACE
from app.engine.venue_messages import ExecutionReport

if TYPE_CHECKING:
    from app.engine.engine import Engine

_log = logging.getLogger(__name__)

Copy = tuple[str, ExecutionReport]
"""A drop-copy execution report and the venue it copies."""


class DropCopyGateway(DeskSessions[Copy]):
    """The desk's drop copy sessions (role ``drop_copy``). Attach it to an open engine, then ``start``."""

    role: ClassVar[SessionRole] = SessionRole.DROP_COPY
    what: ClassVar[str] = "drop copy sessions"

    def __init__(
        self,
        configs: Sequence[SessionConfig],
        clock: Clock,
        *,
        backoff: Backoff | None = None,
        grace: timedelta = DEFAULT_GRACE,
        check_every: float = 1.0,
    ) -> None:
        super().__init__(configs, clock, backoff)
        self.grace, self.check_every = grace, check_every
        self._checker: asyncio.Task[None] | None = None

    def attach(self, engine: Engine) -> None:
        """Build the sessions on the engine's store and tell the engine which venues' fills to check."""
        super().attach(engine)
        engine.watch_drop_copies({c.copied_venue: c.name for c in self.configs.values()})

    async def start(self) -> None:
        """Start connecting every drop copy session, and checking for breaks."""
        await super().start()
        if self.configs:
            self._checker = asyncio.create_task(self._check_breaks(), name="drop-copy-breaks")

    async def stop(self) -> None:
        """Stop checking, log every session out and stop reconnecting."""
        if self._checker is not None:
            self._checker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._checker
        await super().stop()

    def _read(self, session: FixSession, received: Received, alerts: list[Alert]) -> Copy | None:
        msg, config = received.message, session.config
        if msg.msg_type == MsgType.EXECUTION_REPORT:
            return config.copied_venue, execution_report(msg, config.name)
        if msg.msg_type == MsgType.REJECT:
            text = f"{config.name} rejected message {msg.get(tags.REF_SEQ_NUM)}: {msg.get(tags.TEXT) or ''}"
            alerts.append(Alert(AlertLevel.WARNING, text, AlertKind.REJECT_RECEIVED))
        else:
            text = f"{config.name} sent a {msg.msg_type} message, which a drop copy session does not act on."
            alerts.append(Alert(AlertLevel.INFO, text, AlertKind.IGNORED))
        return None

    def _apply(
        self, session: FixSession, messages: list[Copy], store: Store, notes: list[SessionAlertRaised]
    ) -> list[FixMessage]:
        """Check the copies against the order sessions' fills; a drop copy is never answered."""
        self.engine.apply_drop_copies(messages, also=store, notes=notes)
        return []

    async def _check_breaks(self) -> None:
        while True:
            await asyncio.sleep(self.check_every)
            try:
                self.engine.reconcile(self.grace)
            except OemsError as err:
                _log.error("Could not record drop copy breaks (will try again): %s", err)
