"""Cut a FIX byte stream into verified frames, and report and skip everything else.

A frame starts at ``8=FIX``; ``9=`` (BodyLength) must be the second field and ``35=`` the third; the
trailer ``10=ddd`` + SOH must sit exactly where BodyLength puts it, and ``ddd`` must be the byte sum mod 256
of everything before it. A frame that fails any check is dropped as ``Garbled`` (a reason the session can
log; no exception, no sequence number consumed) and the framer resynchronises at the next ``8=FIX`` after
the bad frame's start, so a garbled frame never swallows a good one behind it. Bytes outside frames are
reported as junk. Decisions depend only on the bytes, never on how they were split across ``feed`` calls.

An unfinished frame whose BodyLength is too large would otherwise stall the stream until that many bytes
arrive; it is abandoned as soon as a complete, valid frame is found starting inside it. (The price: a frame
that carries a whole FIX frame inside a data field, arriving in pieces, would be cut; nothing here sends
one.) BodyLength above ``max_body_length`` is refused outright, which bounds the buffer.

Given a ``PlainLane``, the framer lets it read the frames of layouts it knows as they are cut (``fast_lane.py``);
it cuts and drops exactly what it would without one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from app.engine.fast_init import fast_frozen_init
from app.engine.fix.checksum import byte_sum
from app.engine.fix.fast_lane import PlainLane
from app.engine.fix.message import FixMessage, parse_message

DEFAULT_MAX_BODY_LENGTH: Final = 1 << 20
"""Largest BodyLength (9) accepted by default: 1 MiB."""

_START: Final = b"8=FIX"
_BEGIN_STRING: Final = re.compile(rb"FIXT?\.[0-9]\.[0-9]")
_SOUND_HEAD: Final = re.compile(rb"8=FIXT?\.[0-9]\.[0-9]\x019=([0-9]{1,18})\x0135=")  # the usual case, in one match
_SOUND_TAIL: Final = re.compile(rb"\x0110=([0-9]{3})\x01")
_MAX_BEGIN: Final = 16  # "8=FIXT.1.1" and its SOH take 11 bytes
_TRAILER: Final = 7  # "10=ddd" and its SOH
_EXCERPT: Final = 64
_JUNK_REPORT: Final = 1 << 16


class GarbledReason(StrEnum):
    """Why bytes were dropped."""

    JUNK = "junk"
    """Bytes outside any frame: before the first, or between frames."""
    BAD_BEGIN_STRING = "bad_begin_string"
    """BeginString (8) is not ``FIX.x.y`` or ``FIXT.x.y`` followed by a field separator."""
    BAD_BODY_LENGTH = "bad_body_length"
    """BodyLength (9) is missing from the second field or is not a number."""
    BODY_TOO_LONG = "body_too_long"
    """BodyLength (9) is over the framer's limit."""
    MSG_TYPE_NOT_THIRD = "msg_type_not_third"
    """MsgType (35) is not the third field."""
    BAD_TRAILER = "bad_trailer"
    """There is no ``<SOH>10=ddd<SOH>`` where BodyLength (9) says the body ends."""
    BAD_CHECKSUM = "bad_checksum"
    """CheckSum (10) does not match the bytes."""
    CUT_SHORT = "cut_short"
    """An unfinished frame was abandoned: a complete, valid frame starts inside it."""
    UNFINISHED = "unfinished"
    """The stream ended (``flush``) in the middle of a frame."""


@dataclass(frozen=True, slots=True)
class Garbled:
    """Bytes the framer dropped, with the reason in plain words, for the session's log."""

    reason: GarbledReason
    detail: str
    size: int
    """How many bytes were dropped."""
    excerpt: bytes
    """The first bytes dropped (at most 64)."""

    def __str__(self) -> str:
        return f"dropped {self.size} bytes: {self.detail}: {self.excerpt!r}"


@fast_frozen_init  # one per message received
@dataclass(frozen=True, slots=True)
class Frame:
    """One complete frame whose BodyLength and CheckSum are verified; fields are not yet checked."""

    raw: bytes
    fields: FixMessage | None = None
    """The message as the fast lane read it, when it did (``PlainLane``); otherwise still to be parsed."""

    def message(self) -> FixMessage:
        """Parse the frame's fields; raises ``FixParseError`` when a field is malformed."""
        return parse_message(self.raw)


class _Bad:
    __slots__ = ("detail", "reason")

    def __init__(self, reason: GarbledReason, detail: str) -> None:
        self.reason = reason
        self.detail = detail


class FixFramer:
    """Turn bytes, fed in pieces of any size, into ``Frame`` and ``Garbled`` items, in stream order."""

    __slots__ = ("_ahead", "_buf", "_junk", "_junk_excerpt", "_max_body", "_max_digits", "lane")

    def __init__(self, max_body_length: int = DEFAULT_MAX_BODY_LENGTH, lane: PlainLane | None = None) -> None:
        """``lane``: read frames of the layouts it knows as they are cut (``Frame.fields``)."""
        self.lane = lane
        if max_body_length < 1:
            raise ValueError("max_body_length must be at least 1")
        self._buf = bytearray()
        self._ahead = 0  # where the search for a frame inside an unfinished one resumes
        self._junk = 0  # junk bytes skipped but not reported yet
        self._junk_excerpt = b""
        self._max_body = max_body_length
        self._max_digits = len(str(max_body_length))

    @property
    def buffered(self) -> int:
        """Bytes held while waiting for the rest of a frame."""
        return len(self._buf)

    def reset(self) -> None:
        """Forget everything buffered (on a new connection)."""
        self._buf.clear()
        self._ahead = self._junk = 0

    def flush(self) -> list[Garbled]:
        """At the end of a stream: report junk not yet reported and drop the unfinished frame, if any."""
        buf, out = self._buf, []
        if buf and not buf.startswith(_START):  # only a possible start of ``8=FIX``: junk after all
            if not self._junk:
                self._junk_excerpt = bytes(buf[:_EXCERPT])
            self._junk += len(buf)
            buf.clear()
        if self._junk:
            out.append(Garbled(GarbledReason.JUNK, "bytes outside any frame", self._junk, self._junk_excerpt))
        if buf:
            detail = "the stream ended in the middle of a frame"
            out.append(Garbled(GarbledReason.UNFINISHED, detail, len(buf), bytes(buf[:_EXCERPT])))
        self.reset()
        return out

    def feed(self, data: bytes) -> list[Frame | Garbled]:
        """Add bytes; return the frames completed and the bytes dropped since the last call, in order."""
        buf = self._buf
        buf += data
        out: list[Frame | Garbled] = []
        lane = self.lane
        if lane is not None and lane.ready and buf.isascii():  # the lane reads the text, decoded once per read
            text = buf.decode("ascii")
            while buf and (self._junk or not self._read_plain(out, lane, text)) and self._step(out):
                pass
        else:
            while buf and self._step(out):
                pass
        return out

    def _read_plain(self, out: list[Frame | Garbled], lane: PlainLane, text: str) -> bool:
        """Cut the frames the lane reads whole, from the start of the buffer; True when the buffer is used up.

        ``text`` is the buffer's text as it was before this call's frames were cut from its front."""
        buf, max_body, max_digits = self._buf, self._max_body, self._max_digits
        shift = len(text) - len(buf)  # bytes cut since ``text`` was decoded
        at = shift
        while (read := lane.read_at(text, at, buf, at - shift, max_body, max_digits)) is not None:
            msg, raw = read
            out.append(Frame(raw, msg))
            at += len(raw)
        if at != shift:
            del buf[: at - shift]
            self._ahead = 0
        return not buf

    def _step(self, out: list[Frame | Garbled]) -> bool:
        buf = self._buf
        if (self._junk or not buf.startswith(_START)) and not self._align(out):
            return False
        verdict = _judge(buf, 0, self._max_body, self._max_digits)
        if verdict is None:
            return self._look_ahead(out)
        if type(verdict) is int:
            out.append(Frame(bytes(buf[:verdict])))
            del buf[:verdict]
            self._ahead = 0
        else:
            assert isinstance(verdict, _Bad)
            self._drop(out, verdict)
        return True

    def _align(self, out: list[Frame | Garbled]) -> bool:
        """Skip to the first frame start, reporting junk; False when no start is buffered yet."""
        buf = self._buf
        at = buf.find(_START)
        found = at >= 0
        if not found:
            at = len(buf) - _partial_start(buf)
        if at:
            if not self._junk:
                self._junk_excerpt = bytes(buf[: min(at, _EXCERPT)])
            self._junk += at
            del buf[:at]
            self._ahead = 0
        if self._junk and (found or self._junk >= _JUNK_REPORT):
            out.append(Garbled(GarbledReason.JUNK, "bytes outside any frame", self._junk, self._junk_excerpt))
            self._junk = 0
        return found

    def _drop(self, out: list[Frame | Garbled], bad: _Bad) -> None:
        """Drop the bad frame's bytes up to the next frame start (or all that is buffered)."""
        buf = self._buf
        end = buf.find(_START, 1)
        if end < 0:
            end = len(buf) - _partial_start(buf)
        out.append(Garbled(bad.reason, bad.detail, end, bytes(buf[: min(end, _EXCERPT)])))
        del buf[:end]
        self._ahead = 0

    def _look_ahead(self, out: list[Frame | Garbled]) -> bool:
        """While the head frame is unfinished, look for a complete valid frame starting inside it."""
        buf = self._buf
        pos = max(self._ahead, 1)
        waiting = -1
        while (cand := buf.find(_START, pos)) >= 0:
            verdict = _judge(buf, cand, self._max_body, self._max_digits)
            if type(verdict) is int:
                detail = f"an unfinished frame was abandoned: a complete, valid frame starts {cand} bytes into it"
                out.append(Garbled(GarbledReason.CUT_SHORT, detail, cand, bytes(buf[: min(cand, _EXCERPT)])))
                del buf[:cand]
                self._ahead = 0
                return True
            if verdict is None and waiting < 0:
                waiting = cand
            pos = cand + 1
        self._ahead = waiting if waiting >= 0 else max(1, len(buf) - len(_START) + 1)
        return False


def _partial_start(buf: bytearray) -> int:
    """Length of the longest tail of ``buf`` that could be the beginning of ``8=FIX``."""
    for size in range(min(len(_START) - 1, len(buf)), 0, -1):
        if buf.endswith(_START[:size]):
            return size
    return 0


def _prefix_ok(buf: bytearray, pos: int, expected: bytes) -> bool:
    """Whether the bytes at ``pos`` (as many as have arrived) agree with ``expected``."""
    got = buf[pos : pos + len(expected)]
    return got == expected[: len(got)]


def _judge(buf: bytearray, start: int, max_body: int, max_digits: int) -> int | _Bad | None:
    """The end offset of a valid frame at ``start``, why it is bad, or None while it is unfinished."""
    head = _SOUND_HEAD.match(buf, start)
    if head is not None:
        digits = head.group(1)
        if len(digits) <= max_digits and int(digits) <= max_body:
            return _check_trailer(buf, start, head.end(1) + 1 + int(digits))
    end_body = _read_header(buf, start, max_body, max_digits)  # say what is wrong, or wait for more
    if end_body is None or type(end_body) is _Bad:
        return end_body
    assert isinstance(end_body, int)
    return _check_trailer(buf, start, end_body)


def _read_header(buf: bytearray, start: int, max_body: int, max_digits: int) -> int | _Bad | None:
    """Check ``8=FIX...`` ``9=n`` ``35=`` and return where the body ends (start of ``10=``)."""
    soh = buf.find(b"\x01", start + len(_START), start + _MAX_BEGIN)
    if soh < 0:
        if len(buf) < start + _MAX_BEGIN:
            return None
        return _Bad(GarbledReason.BAD_BEGIN_STRING, "BeginString (8) does not end within 16 bytes")
    if _BEGIN_STRING.fullmatch(buf, start + 2, soh) is None:
        detail = f"BeginString (8) is not FIX.x.y or FIXT.x.y: {bytes(buf[start + 2 : soh])!r}"
        return _Bad(GarbledReason.BAD_BEGIN_STRING, detail)
    if not _prefix_ok(buf, soh + 1, b"9="):
        return _Bad(GarbledReason.BAD_BODY_LENGTH, "BodyLength (9) is not the second field")
    first = soh + 3
    sep = buf.find(b"\x01", first, first + max_digits + 1)
    digits = bytes(buf[first : sep if sep >= 0 else first + max_digits + 1])
    if sep < 0 and len(digits) <= max_digits and (not digits or digits.isdigit()):
        return None  # the number is still arriving
    if not digits.isdigit():
        return _Bad(GarbledReason.BAD_BODY_LENGTH, f"BodyLength (9) is not a number: {digits!r}")
    if sep < 0 or int(digits) > max_body:
        detail = f"BodyLength (9) {digits.decode()} is over the limit of {max_body} bytes"
        return _Bad(GarbledReason.BODY_TOO_LONG, detail)
    if not _prefix_ok(buf, sep + 1, b"35="):
        return _Bad(GarbledReason.MSG_TYPE_NOT_THIRD, "MsgType (35) is not the third field")
    if len(buf) < sep + 4:
        return None
    return sep + 1 + int(digits)


def _check_trailer(buf: bytearray, start: int, end_body: int) -> int | _Bad | None:
    """Check ``<SOH>10=ddd<SOH>`` at ``end_body`` and the checksum; the frame's end offset if good."""
    tail = _SOUND_TAIL.match(buf, end_body - 1)
    if tail is None:
        return _unsound_tail(buf, start, end_body)
    computed = byte_sum(buf, start, end_body)
    if int(tail.group(1)) != computed:
        detail = f"CheckSum (10) says {tail.group(1).decode()} but the bytes sum to {computed:03d}"
        return _Bad(GarbledReason.BAD_CHECKSUM, detail)
    return tail.end()


def _unsound_tail(buf: bytearray, start: int, end_body: int) -> _Bad | None:
    """Why there is no ``<SOH>10=ddd<SOH>`` at ``end_body``, or None while it may still be arriving."""
    if not _prefix_ok(buf, end_body - 1, b"\x0110="):
        detail = f"no CheckSum (10) where BodyLength (9) says the body ends, {end_body - start} bytes in"
        return _Bad(GarbledReason.BAD_TRAILER, detail)
    end = end_body + _TRAILER
    if len(buf) < end:
        return None
    declared = bytes(buf[end_body + 3 : end - 1])
    return _Bad(GarbledReason.BAD_TRAILER, f"CheckSum (10) is not three digits: {declared!r}")
