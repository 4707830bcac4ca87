"""QuickFIX/Python 1.16 in-process as the other side of our sessions: its settings, its FIX 4.4 data
dictionary, and an application that keeps every message it sent and received (read with our codec).

QuickFIX runs its sockets and callbacks on its own threads; the tests poll what it recorded from their
asyncio loop. QuickFIX ends the interpreter when a callback raises anything but its own FIX exceptions,
so ``Recorder`` keeps such errors in ``errors`` for the test to assert on instead.
"""

from __future__ import annotations

import asyncio
import socket
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from textwrap import dedent
from typing import Any

import quickfix as qf

from app.engine.fix import tags
from app.engine.fix.message import FixMessage, parse_message
from app.engine.fix.tags import MsgType
from app.engine.fix.values import FixValue, format_value

DICTIONARY_DIR = Path("share") / "quickfix"
"""Where ``pip install quickfix`` puts its data dictionaries, under the environment's prefix."""


def data_dictionary(version: str = "FIX44") -> Path:
    """The FIX 4.4 data dictionary the quickfix package installs (``<prefix>/share/quickfix/FIX44.xml``)."""
    for prefix in dict.fromkeys((sys.prefix, sys.base_prefix)):
        path = Path(prefix) / DICTIONARY_DIR / f"{version}.xml"
        if path.exists():
            return path
    raise FileNotFoundError(f"{version}.xml is not under {sys.prefix}/{DICTIONARY_DIR}; reinstall quickfix")


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def settings(
    workdir: Path, *, acceptor: bool, port: int, sender: str, target: str, validate: bool = True
) -> qf.SessionSettings:
    """One FIX 4.4 session, open all day, file store and log in ``workdir``; ``validate`` checks every
    received message against the FIX 4.4 data dictionary, as a strict counterparty does."""
    role = (
        f"ConnectionType=acceptor\nSocketAcceptPort={port}\nSocketReuseAddress=Y"
        if acceptor
        else f"ConnectionType=initiator\nSocketConnectHost=127.0.0.1\nSocketConnectPort={port}\n"
        "HeartBtInt=30\nReconnectInterval=1"
    )
    checks = (
        f"UseDataDictionary=Y\nDataDictionary={data_dictionary()}\nValidateFieldsOutOfOrder=Y\n"
        "ValidateFieldsHaveValues=Y\nValidateUserDefinedFields=Y\nAllowUnknownMsgFields=N"
        if validate
        else "UseDataDictionary=N"
    )
    text = dedent(
        """\
        [DEFAULT]
        {role}
        FileStorePath={store}
        FileLogPath={log}
        StartTime=00:00:00
        EndTime=00:00:00
        CheckLatency=Y
        MaxLatency=120
        PersistMessages=Y
        {checks}

        [SESSION]
        BeginString=FIX.4.4
        SenderCompID={sender}
        TargetCompID={target}
        """
    ).format(role=role, store=workdir / "store", log=workdir / "log", checks=checks, sender=sender, target=target)
    path = workdir / ("acceptor.cfg" if acceptor else "initiator.cfg")
    workdir.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return qf.SessionSettings(str(path))


def message(msg_type: str, body: Sequence[tuple[int, FixValue]]) -> qf.Message:
    """A QuickFIX message of ``msg_type`` with ``body``'s fields, formatted as our codec formats them."""
    built = qf.Message()
    built.getHeader().setField(qf.MsgType(msg_type))
    for tag, value in body:
        built.setField(tag, format_value(value))
    return built


def read(msg: qf.Message) -> FixMessage:
    """A QuickFIX message as our codec reads it."""
    return parse_message(msg.toString().encode())


class Recorder(qf.Application):  # type: ignore[misc]  # quickfix has no type information
    """A QuickFIX application that keeps everything; subclasses answer application messages in ``answer``."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[FixMessage] = []
        self.received: list[FixMessage] = []
        self.errors: list[str] = []
        self.logons = 0
        self.session_id: Any = None
        self.lock = threading.Lock()

    def onCreate(self, session_id: Any) -> None:  # noqa: N802 - QuickFIX's callback names
        self.session_id = session_id

    def onLogon(self, session_id: Any) -> None:  # noqa: N802
        self.logons += 1

    def onLogout(self, session_id: Any) -> None:  # noqa: N802
        pass

    def toAdmin(self, msg: qf.Message, session_id: Any) -> None:  # noqa: N802
        self._keep(self.sent, msg)

    def fromAdmin(self, msg: qf.Message, session_id: Any) -> None:  # noqa: N802
        self._keep(self.received, msg)

    def toApp(self, msg: qf.Message, session_id: Any) -> None:  # noqa: N802
        self._keep(self.sent, msg)

    def fromApp(self, msg: qf.Message, session_id: Any) -> None:  # noqa: N802
        received = self._keep(self.received, msg)
        if received is None:
            return
        try:
            self.answer(received)
        except (qf.IncorrectTagValue, qf.UnsupportedMessageType):
            raise  # QuickFIX answers these with a Reject (35=3) or a BusinessMessageReject (35=j)
        except Exception as exc:  # noqa: BLE001 - anything else would make QuickFIX end the interpreter
            self.errors.append(f"answering {received.msg_type}: {exc!r}")

    def answer(self, msg: FixMessage) -> None:
        """React to one application message received (in sequence, validated)."""

    def send(self, msg_type: str, body: Sequence[tuple[int, FixValue]]) -> None:
        """Send an application message on the session."""
        if not qf.Session.sendToTarget(message(msg_type, body), self.session_id):
            self.errors.append(f"QuickFIX did not send a {msg_type}")

    @property
    def session(self) -> Any:
        """QuickFIX's session object (sequence numbers, logon state)."""
        return qf.Session.lookupSession(self.session_id)

    def rejects_sent(self) -> list[FixMessage]:
        """Every session Reject (35=3) and BusinessMessageReject (35=j) QuickFIX sent."""
        with self.lock:
            return [m for m in self.sent if m.msg_type in (MsgType.REJECT, MsgType.BUSINESS_MESSAGE_REJECT)]

    def of_type(self, msg_type: str, *, sent: bool = False) -> list[FixMessage]:
        """The messages of ``msg_type`` QuickFIX received (or ``sent``)."""
        with self.lock:
            return [m for m in (self.sent if sent else self.received) if m.msg_type == msg_type]

    def _keep(self, into: list[FixMessage], msg: qf.Message) -> FixMessage | None:
        try:
            parsed = read(msg)
        except Exception as exc:  # noqa: BLE001 - anything else would make QuickFIX end the interpreter
            self.errors.append(f"cannot read {msg.toString()!r}: {exc!r}")
            return None
        with self.lock:
            into.append(parsed)
        return parsed


async def until(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    """Wait until ``condition`` holds, letting the loop (our side) run; fail after ``seconds``."""
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110 - polls state changed by QuickFIX's threads and our loop
            await asyncio.sleep(0.01)


async def stop_quickfix(engine: Any, app: Recorder) -> None:
    """Log QuickFIX's session out and let our side answer on the loop, then stop its acceptor or initiator.

    ``stop()`` itself would wait for the Logout reply while blocking the loop that sends it (and from another
    thread it hangs), so the logout happens first and the stop is forced. Use the threaded acceptor and
    initiator: the plain ones free their socket server while ``stop`` may still close it (a crash).
    """
    session = app.session
    if session is not None and session.isLoggedOn():
        session.logout()
        await until(lambda: not session.isLoggedOn(), 5)
    engine.stop(True)


def text_of(msg: FixMessage) -> str:
    """A message for an assertion's explanation: its type, MsgSeqNum and Text."""
    return f"35={msg.msg_type} 34={msg.get(tags.MSG_SEQ_NUM)} 45={msg.get(tags.REF_SEQ_NUM)} 58={msg.get(tags.TEXT)}"
