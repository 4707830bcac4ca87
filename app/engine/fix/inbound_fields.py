"""Read the fields of one inbound application message; every problem becomes a ``FixFieldError``.

A required field that is absent is SessionRejectReason 1 (required tag missing), a value not in its
tag's format is 6 (incorrect data format), and a well-formed value the tag does not allow is 5 (value
incorrect). Each error names the field, the message and its MsgSeqNum, and carries what the session needs
for its Reject (35=3): the reason (373), the tag (371) and the message's 34 and 35 (for 45 and 372).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import TypeVar

from app.engine.fix import tags
from app.engine.fix.errors import FixFieldError, FixValueError
from app.engine.fix.message import FixMessage, tag_key
from app.engine.fix.tags import MsgType, SessionRejectReason, tag_name
from app.engine.fix.values import parse_decimal, parse_int, parse_utc_timestamp

T = TypeVar("T")


def other_code(code: str) -> str:
    """Words for a reason code we have no words for."""
    return f"other (code {code})"


class FieldReader:
    """Typed, checked access to one inbound message's fields (each read is one dictionary lookup)."""

    __slots__ = ("_msg", "_values")

    def __init__(self, msg: FixMessage) -> None:
        self._msg = msg
        self._values = msg.first_values()

    def text(self, tag: int) -> str:
        """A required field's value."""
        value = self._values.get(tag_key(tag))
        if value is None:
            raise self.error(f"has no {tag_name(tag)}, which it needs", tag, SessionRejectReason.REQUIRED_TAG_MISSING)
        return value

    def optional_text(self, tag: int) -> str | None:
        """A field's value, or None when absent."""
        return self._values.get(tag_key(tag))

    def decimal(self, tag: int) -> Decimal:
        """A required price or amount."""
        return self._parse(tag, self.text(tag), parse_decimal)

    def optional_decimal(self, tag: int) -> Decimal | None:
        """A price or amount, or None when absent."""
        value = self._values.get(tag_key(tag))
        return None if value is None else self._parse(tag, value, parse_decimal)

    def quantity(self, tag: int) -> Decimal:
        """A required quantity: a decimal that is not negative."""
        value = self._parse(tag, self.text(tag), parse_decimal)
        if value < _ZERO:
            raise self._negative(tag, value)
        return value

    def optional_quantity(self, tag: int) -> Decimal | None:
        """A quantity, or None when absent."""
        value = self.optional_decimal(tag)
        if value is not None and value < _ZERO:
            raise self._negative(tag, value)
        return value

    def optional_int(self, tag: int) -> int | None:
        """A whole number, or None when absent."""
        value = self._values.get(tag_key(tag))
        return None if value is None else self._parse(tag, value, parse_int)

    def optional_timestamp(self, tag: int) -> datetime | None:
        """A UTC timestamp, or None when absent."""
        value = self._values.get(tag_key(tag))
        return None if value is None else self._parse(tag, value, parse_utc_timestamp)

    def code(self, tag: int, table: Mapping[str, T]) -> T:
        """A required code field read through ``table``; a code not in it is an incorrect value."""
        value = self.text(tag)
        found = table.get(value)
        if found is None:
            raise self.error(f"has {tag_name(tag)} {value!r}, which is not one we know", tag)
        return found

    def reason(self, tag: int, words: Mapping[str, str]) -> str | None:
        """A reason code in words (``other (code N)`` for one not in ``words``), or None when absent."""
        value = self._values.get(tag_key(tag))
        return None if value is None else words.get(value, other_code(value))

    def error(
        self, problem: str, tag: int, reason: SessionRejectReason = SessionRejectReason.VALUE_INCORRECT
    ) -> FixFieldError:
        """The error for ``problem`` with this message, naming the message and its MsgSeqNum first."""
        return FixFieldError(
            f"{self._describe()} {problem}",
            tag=tag,
            reject_reason=int(reason),
            seq_num=self._seq_num(),
            msg_type=self._msg.msg_type,
        )

    def _parse(self, tag: int, value: str, parse: Callable[[str], T]) -> T:
        try:
            return parse(value)
        except FixValueError as exc:
            bad_format = SessionRejectReason.INCORRECT_DATA_FORMAT
            raise self.error(f"has a bad {tag_name(tag)}: {exc}", tag, bad_format) from None

    def _negative(self, tag: int, value: Decimal) -> FixFieldError:
        return self.error(f"has a negative {tag_name(tag)}: {value}", tag)

    def _seq_num(self) -> int | None:
        seq = self._values.get(tag_key(tags.MSG_SEQ_NUM))
        return int(seq) if seq is not None and seq.isdigit() else None

    def _describe(self) -> str:
        kind = self._msg.msg_type
        name = "".join(part.capitalize() for part in MsgType(kind).name.split("_")) if kind in _KNOWN else "message"
        seq = self._seq_num()
        return f"{name} (35={kind})" + (f" MsgSeqNum {seq}" if seq is not None else "")


_KNOWN = frozenset(MsgType)
_ZERO = Decimal(0)
