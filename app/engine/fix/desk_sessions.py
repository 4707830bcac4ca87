"""The desk's initiator sessions on the engine's store, and the one path from what a session received into the
engine.

``SessionGroup`` is what every group of the desk's sessions shares: the order sessions (``gateway.py``), the
drop copies (``drop_copy.py``) and the market data sessions (``quote_feed.py``). It builds one initiator per
configured session of its role, on the engine's store (their numbers and messages live there), starts and
stops them, and keeps and tells their alerts (the health view lists every group's sessions and alerts).

``DeskSessions`` is the group whose messages go into the engine. For every batch a session received in
sequence, ``carry_out``:

- reads each application message with the subclass's mapping (``_read``); one it cannot read is answered
  with a session Reject naming the reason and the tag, its "reject sent" alert recorded and told like any
  other (``_refuse``, where a subclass may answer otherwise and
  keep something of it for the engine: the order sessions keep an unreadable execution report);
- applies what was read (``_apply``) in one engine transaction, together with the session's new outbound
  messages, the received raw messages (the audit trail), the session's record (its next inbound MsgSeqNum)
  and the session's alerts, recorded as ``SessionAlertRaised``; a quiet timer tick commits nothing;
- then stores and hands back the follow-up messages the subclass asks for (``_apply``'s answer and
  ``_after``), and tells the alerts to the log and to every listener (the health view).
"""

from __future__ import annotations

import abc
import asyncio
import logging
from collections import deque
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar, Generic, TypeVar

from app.engine.clock import Clock
from app.engine.errors import OemsError
from app.engine.events import SessionAlertRaised
from app.engine.fix import tags
from app.engine.fix.alerts import Alert, AlertLevel
from app.engine.fix.config import SessionConfig, SessionRole
from app.engine.fix.errors import FixRejectError
from app.engine.fix.message import FixMessage
from app.engine.fix.session import FixSession, Outgoing, Received, SessionOutput
from app.engine.fix.session_writes import send_stored
from app.engine.fix.tags import SessionRejectReason
from app.engine.fix.transport import Backoff, Initiator
from app.engine.store import SessionRecord, Transaction

if TYPE_CHECKING:
    from app.engine.engine import Engine

_log = logging.getLogger(__name__)

T = TypeVar("T")

ALERTS_KEPT = 500
"""Session alerts remembered for the health view."""

Store = Callable[[Transaction], None]
"""Writes a batch's session messages and record into the engine transaction that applies it."""


class SessionGroup(abc.ABC):
    """The desk's sessions of one role: create, ``attach`` to an open engine, then ``start``."""

    role: ClassVar[SessionRole]
    what: ClassVar[str]
    """The sessions in words, for errors ("order sessions")."""

    def __init__(self, configs: Sequence[SessionConfig], clock: Clock, backoff: Backoff | None = None) -> None:
        self.configs = {c.name: c for c in configs if c.role is self.role}
        self.clock, self.backoff = clock, backoff
        self.sessions: dict[str, FixSession] = {}
        self.initiators: dict[str, Initiator] = {}
        self.alerts: deque[tuple[datetime, SessionAlertRaised]] = deque(maxlen=ALERTS_KEPT)
        """The newest session alerts, with when each was raised."""
        self.last_alert: dict[str, tuple[datetime, SessionAlertRaised]] = {}
        """Each session's newest alert and when it was raised (the health view's last-alert column)."""
        self._alert_listeners: list[Callable[[datetime, SessionAlertRaised], None]] = []
        self._engine: Engine | None = None

    def attach(self, engine: Engine) -> None:
        """Build the sessions on the engine's store."""
        self._engine = engine
        for name, config in self.configs.items():
            session = FixSession(config, self.clock, engine.store, initiator=True)
            self.sessions[name] = session
            self.initiators[name] = Initiator(session, self, self.backoff)

    @property
    def engine(self) -> Engine:
        """The engine these sessions serve."""
        if self._engine is None:
            raise OemsError(f"The {self.what} are not attached to an engine yet.")
        return self._engine

    def subscribe_alerts(self, listener: Callable[[datetime, SessionAlertRaised], None]) -> None:
        """Call ``listener`` with every session alert and its time (the health view)."""
        self._alert_listeners.append(listener)

    async def start(self) -> None:
        """Start connecting every session."""
        for initiator in self.initiators.values():
            initiator.start()

    async def stop(self) -> None:
        """Log every session out and stop reconnecting."""
        await asyncio.gather(*(initiator.stop() for initiator in self.initiators.values()))

    @abc.abstractmethod
    def carry_out(self, session: FixSession, out: SessionOutput) -> list[Outgoing]:
        """Act on what ``session`` received and store what it sends; answer with the messages to write."""

    def _tell(self, alerts: list[SessionAlertRaised]) -> None:
        now = self.clock.now()
        for alert in alerts:
            self.alerts.append((now, alert))
            self.last_alert[alert.session] = (now, alert)
            _log.log(logging.INFO if alert.level is AlertLevel.INFO else logging.WARNING, "%s", alert.text)
            for listener in self._alert_listeners:
                listener(now, alert)


class DeskSessions(SessionGroup, Generic[T]):
    """The desk's sessions of one role whose messages go into the engine. ``T`` is what the subclass's mapping
    makes of a received message."""

    def __init__(self, configs: Sequence[SessionConfig], clock: Clock, backoff: Backoff | None = None) -> None:
        super().__init__(configs, clock, backoff)
        self._stored_records: dict[str, SessionRecord] = {}

    # Each session's application --------------------------------------------------------------------

    def carry_out(self, session: FixSession, out: SessionOutput) -> list[Outgoing]:
        """Apply what ``session`` received and store what it sends, in one engine transaction; answer with the
        session Rejects and follow-up messages to write."""
        name = session.config.name
        messages: list[T] = []
        kept: list[Received] = []
        answers: list[Outgoing] = []
        alerts = list(out.alerts)
        for received in out.received:
            try:
                message = self._read(session, received, alerts)
            except FixRejectError as bad:
                refusal, held = self._refuse(session, received, bad, alerts)
                answers += refusal
                if held is not None:  # refused, yet kept for the engine: its raw text joins the audit trail too
                    kept.append(received)
                    messages.append(held)
                continue
            kept.append(received)
            if message is not None:
                messages.append(message)
        received_at = self.clock.now().isoformat()

        def store_session(tx: Transaction) -> None:
            for outgoing in (*out.sends, *answers):
                if outgoing.new:
                    tx.add_outbound(outgoing.key, outgoing.seq, outgoing.raw)
            record = session.record
            key = record.key  # one epoch for the whole read
            for received in kept:
                tx.add_inbound(key, received.seq, received_at, received.raw, received.message.get(tags.CL_ORD_ID))
            tx.save_session(record)

        notes = [SessionAlertRaised(name, a.kind, a.level, a.text) for a in alerts]
        follow_up: list[FixMessage] = []
        something_to_store = kept or answers or notes or any(o.new for o in out.sends)
        if something_to_store or session.record != self._stored_records.get(name):  # a quiet tick commits nothing
            try:
                follow_up = self._apply(session, messages, store_session, notes)
            except Exception:  # nothing was recorded, and the line closes: still tell the people watching
                self._tell(notes)
                raise
            self._stored_records[name] = session.record
        follow_up += self._after(session, out)
        self._tell(notes)
        return answers + (send_stored(self.engine.store, session, follow_up) if follow_up else [])

    @abc.abstractmethod
    def _read(self, session: FixSession, received: Received, alerts: list[Alert]) -> T | None:
        """Map one received application message (None: nothing to apply; add an alert to say why). Raise
        ``FixRejectError`` for one that cannot be read."""

    def _refuse(
        self, session: FixSession, received: Received, bad: FixRejectError, alerts: list[Alert]
    ) -> tuple[list[Outgoing], T | None]:
        """Answer a message ``_read`` could not read, and say what of it still goes to the engine. Here: a session
        Reject naming the reason and the tag (its "reject sent" alert joins ``alerts``), and nothing."""
        reason = SessionRejectReason(bad.reject_reason)
        refusal = session.reject(received, reason, str(bad), bad.tag)
        alerts += refusal.alerts
        return refusal.sends, None

    @abc.abstractmethod
    def _apply(
        self, session: FixSession, messages: list[T], store: Store, notes: list[SessionAlertRaised]
    ) -> list[FixMessage]:
        """Apply ``messages`` in one engine transaction that ``store`` joins and ``notes`` are recorded in;
        answer with the messages to send in reply."""

    def _after(self, session: FixSession, out: SessionOutput) -> list[FixMessage]:
        """Act on the session's news (a lost line, a logon) after the batch is applied; answer with the messages
        to send. Nothing by default."""
        return []
