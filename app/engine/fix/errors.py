"""The FIX codec's exceptions: one root under OemsError, narrow subclasses, messages in plain words.

A garbled frame is not an exception: the framer reports it as data (``Garbled``) and carries on. These are
for a value that cannot be written or read, a checksum-valid frame whose fields are malformed, and a
field asked for by a message that does not have it.
"""

from __future__ import annotations

from app.engine.errors import OemsError


class FixCodecError(OemsError):
    """Root of every error the FIX codec raises."""


class FixValueError(FixCodecError, ValueError):
    """A value cannot be written as, or read from, FIX text (garbage, a naive time, an SOH in text)."""

    def __init__(self, message: str, tag: int | None = None) -> None:
        super().__init__(message)
        self.tag = tag


class FixTypeError(FixCodecError, TypeError):
    """A Python value of a type FIX must not carry (a float, None) was given as a field value."""


class FixParseError(FixCodecError):
    """A frame passed its checksum but a field in it is malformed; the session answers with a Reject.

    ``tag`` is the offending tag when it could be read, ``offset`` the byte offset of the bad field in
    the frame, ``reject_reason`` the SessionRejectReason (373) to answer with, and ``seq_num`` /
    ``msg_type`` what could be salvaged of MsgSeqNum (34) and MsgType (35) for RefSeqNum (45) and
    RefMsgType (372).
    """

    def __init__(self, message: str, *, tag: int | None, offset: int, reject_reason: int) -> None:
        super().__init__(message)
        self.tag = tag
        self.offset = offset
        self.reject_reason = reject_reason
        self.seq_num: int | None = None
        self.msg_type: str | None = None


class FieldMissingError(FixCodecError, KeyError):
    """A message was asked for a field it does not carry."""

    def __init__(self, message: str, tag: int) -> None:
        super().__init__(message)
        self.tag = tag

    def __str__(self) -> str:
        # KeyError would show the message quoted like a dictionary key
        return str(self.args[0])


class FixEncodeError(FixCodecError):
    """A message cannot be encoded (no MsgType, a tag the encoder computes itself, a bad tag number)."""
