"""The FIX codec's exceptions: one root under OemsError, narrow subclasses, messages in plain words.

A garbled frame is not an exception: the framer reports it as data (``Garbled``) and carries on. These are
for a value that cannot be written or read, a checksum-valid frame whose fields are malformed, an
application message whose fields do not make sense (both ``FixRejectError``: the session answers with a
Reject), and a field asked for by a message that does not have it.
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


class FixRejectError(FixCodecError):
    """An inbound message the session must not apply; it answers with a session Reject (35=3) instead.

    ``reject_reason`` is the SessionRejectReason (373) to answer with, ``tag`` the RefTagID (371) when one
    field is to blame, and ``seq_num`` / ``msg_type`` what could be read of MsgSeqNum (34) and MsgType (35)
    for RefSeqNum (45) and RefMsgType (372).
    """

    def __init__(
        self,
        message: str,
        *,
        tag: int | None,
        reject_reason: int,
        seq_num: int | None = None,
        msg_type: str | None = None,
    ) -> None:
        super().__init__(message)
        self.tag = tag
        self.reject_reason = reject_reason
        self.seq_num = seq_num
        self.msg_type = msg_type


class FixParseError(FixRejectError):
    """A frame passed its checksum but a field in it is malformed; the session answers with a Reject.

    ``offset`` is the byte offset of the bad field in the frame; the rest is as for ``FixRejectError``.
    """

    def __init__(self, message: str, *, tag: int | None, offset: int, reject_reason: int) -> None:
        super().__init__(message, tag=tag, reject_reason=reject_reason)
        self.offset = offset


class FixFieldError(FixRejectError):
    """A well-formed application message lacks a field it needs, or a field's value is wrong for it."""


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
