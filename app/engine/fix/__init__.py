"""FIX 4.4 codec, no I/O: bytes in (``FixFramer`` -> ``Frame`` -> ``FixMessage``), messages out to bytes.

The session state machine and the transport sit on top: the transport feeds received bytes to a
``FixFramer``, the session logs each ``Garbled`` item, parses each ``Frame`` (answering a ``FixParseError``
with a session Reject) and encodes what it sends with ``FixMessage.encode()``.
"""

from __future__ import annotations

from app.engine.fix.errors import (
    FieldMissingError,
    FixCodecError,
    FixEncodeError,
    FixFieldError,
    FixParseError,
    FixRejectError,
    FixTypeError,
    FixValueError,
)
from app.engine.fix.framer import DEFAULT_MAX_BODY_LENGTH, FixFramer, Frame, Garbled, GarbledReason
from app.engine.fix.message import DEFAULT_BEGIN_STRING, FixMessage, encode_message, parse_message
from app.engine.fix.tags import MsgType, SessionRejectReason, tag_name

__all__ = [
    "DEFAULT_BEGIN_STRING",
    "DEFAULT_MAX_BODY_LENGTH",
    "FieldMissingError",
    "FixCodecError",
    "FixEncodeError",
    "FixFieldError",
    "FixFramer",
    "FixMessage",
    "FixParseError",
    "FixRejectError",
    "FixTypeError",
    "FixValueError",
    "Frame",
    "Garbled",
    "GarbledReason",
    "MsgType",
    "SessionRejectReason",
    "encode_message",
    "parse_message",
    "tag_name",
]
