"""Our FIX message: ordered fields with first-occurrence lookup, parsed from a verified frame, encoded to bytes.

A message keeps every ``(tag, value)`` pair in wire order, so repeating groups and duplicate tags survive, plus a
dictionary of each tag's first value for O(1) ``msg.get(tag)`` (a message the fast lane read keeps its values by
position in their layout instead, and makes the dictionary and the pairs only if asked for). Values are ``str``:
frames are decoded as UTF-8 (bytes that are not UTF-8 survive through ``surrogateescape``), and values given to
``append`` are written by ``values.format_value``. Encoding puts 8, 9, 35, the standard header in FIX order, the body
in the order given, then 10, and computes BodyLength and CheckSum.

The encoder is ours rather than simplefix's: ``bench/bench_codec.py`` measures it at about twice simplefix's build +
encode rate (simplefix sums the checksum byte by byte in Python), and the tests check its bytes are identical to
simplefix's for the same fields and that ``simplefix.FixParser`` reads them. Parsing is one regex pass that both
splits and validates every field; a frame that fails it, or that has a data field or a header tag after the body, is
walked field by field to read it or to name the bad field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from decimal import Decimal
from operator import itemgetter
from typing import TYPE_CHECKING, Final, TypeVar

from app.engine.fix import tags
from app.engine.fix.errors import FieldMissingError, FixEncodeError, FixParseError, FixValueError
from app.engine.fix.tags import SessionRejectReason, tag_name
from app.engine.fix.values import (
    FixValue,
    format_value,
    parse_bool,
    parse_decimal,
    parse_int,
    parse_utc_timestamp,
)

T = TypeVar("T")

DEFAULT_BEGIN_STRING: Final = "FIX.4.4"
"""BeginString (8) of messages made here unless another is given."""

_ENCODING: Final = "utf-8"
_ERRORS: Final = "surrogateescape"
# a field at the start of the frame or right after an SOH; a frame is sound when every SOH ends one
_FIELD: Final = re.compile(r"(?<![^\x01])([1-9][0-9]{0,8})=([^\x01]+)\x01")
_TAG: Final = re.compile(rb"[1-9][0-9]{0,8}")
_BEGIN_STRING: Final = re.compile(r"FIXT?\.[0-9]\.[0-9]")  # what the framer accepts
_SEQ_NUM: Final = re.compile(rb"\x0134=([0-9]{1,18})\x01")
_MSG_TYPE: Final = re.compile(rb"\x0135=([^\x01]{1,8})\x01")
_TEXT: Final = tuple(str(tag) for tag in range(1000))
_RANK: Final[dict[str, int]] = {str(tag): rank for rank, tag in enumerate(tags.HEADER_ORDER)}
_SKIPPED: Final = frozenset(str(tag) for tag in (tags.BEGIN_STRING, tags.BODY_LENGTH, tags.MSG_TYPE, tags.CHECK_SUM))
_HEADER_KEYS: Final = frozenset(_RANK)
_NOT_BODY: Final = _HEADER_KEYS | _SKIPPED
_COMPUTED: Final = frozenset({tags.BEGIN_STRING, tags.BODY_LENGTH, tags.MSG_TYPE, tags.CHECK_SUM})
_DATA_LENGTH_TAGS: Final = frozenset(str(tag) for tag in tags.DATA_TAGS)
_DATA_VALUE_TAGS: Final = frozenset(tags.DATA_TAGS.values())
_RESERVED: Final = _COMPUTED | _DATA_VALUE_TAGS | frozenset(tags.DATA_TAGS)
_DATA_KEYS: Final = _DATA_LENGTH_TAGS | frozenset(str(tag) for tag in _DATA_VALUE_TAGS)
_PLAIN_HEADER: Final = _HEADER_KEYS - _DATA_KEYS  # what the fast path lets through at the head of a frame
_LOOK_CLOSER: Final = _HEADER_KEYS | _DATA_LENGTH_TAGS  # what it sends to the walk when found after the head
_tag_of: Final = itemgetter(0)
_BEGIN, _LENGTH, _TYPE, _CHECKSUM = "8", "9", "35", "10"


def tag_key(tag: int) -> str:
    """The wire text of a tag number, which a message keeps its fields under (``35`` -> ``"35"``)."""
    return _TEXT[tag] if 0 <= tag < 1000 else str(tag)


_Values = tuple[str | None, ...]


class PlainLayout:
    """The tags of a frame of plain shape (each given once), in wire order: where each tag's value sits among the
    values the fast lane reads from such a frame, one per tag and then a last ``None`` for every tag not there."""

    __slots__ = ("_getters", "keys", "position")

    def __init__(self, keys: tuple[str, ...]) -> None:
        self.keys = keys
        self.position = {key: at for at, key in enumerate(keys)}
        self._getters: dict[tuple[str, ...], Callable[[_Values], _Values]] = {}

    def getter(self, wanted: tuple[str, ...]) -> Callable[[_Values], _Values]:
        """What takes the values of the tags ``wanted`` (at least two) from the values of a frame of this layout."""
        getter = self._getters.get(wanted)
        if getter is None:
            absent = len(self.keys)  # the last value, always None
            getter = self._getters[wanted] = itemgetter(*(self.position.get(key, absent) for key in wanted))
        return getter


class FixMessage:
    """One FIX message: ordered fields, first-occurrence lookup, typed accessors, and ``encode()``.

    Tags are ``int`` in the interface; inside, each is kept as its wire text, which parsing checks is the
    canonical decimal form, so a parse never converts the twenty-odd tags it may never be asked for.
    """

    __slots__ = ("_first", "_pairs", "_plain")

    def __init__(
        self, msg_type: str, fields: Iterable[tuple[int, FixValue]] = (), *, begin_string: str = DEFAULT_BEGIN_STRING
    ) -> None:
        begin, kind = format_value(begin_string), format_value(msg_type)
        if _BEGIN_STRING.fullmatch(begin) is None:
            raise FixEncodeError(f"BeginString (8) must be FIX.x.y or FIXT.x.y, not {begin!r}")
        self._pairs: list[tuple[str, str]] | None = [(_BEGIN, begin), (_TYPE, kind)]
        self._first: dict[str, str] = {_BEGIN: begin, _TYPE: kind}
        self._plain: tuple[PlainLayout, _Values] | None = None
        self.extend(fields)

    @classmethod
    def _trusted(cls, pairs: list[tuple[str, str]]) -> FixMessage:
        """Wrap pairs read from a frame; the parser has checked them."""
        msg = cls.__new__(cls)
        msg._pairs, msg._plain = pairs, None
        first = dict(pairs)  # each tag's last value: its first too, unless a tag repeats
        msg._first = first if len(first) == len(pairs) else dict(reversed(pairs))
        return msg

    @classmethod
    def _read_plain(cls, layout: PlainLayout, values: _Values) -> FixMessage:
        """Wrap the values read from a frame whose tags (``layout``) are each given once, in wire order (the fast
        lane's, which checked them). Its usual readers take the values by position (``values_of``, ``get``,
        ``msg_type``); the dictionary and the field list are made only if asked for."""
        msg = cls.__new__(cls)
        msg._pairs, msg._plain = None, (layout, values)
        return msg

    if not TYPE_CHECKING:  # mypy would read a ``__getattr__`` as leave to read any attribute at all

        def __getattr__(self, name: str) -> dict[str, str]:
            """Only ``_first`` is ever missing: that of a message the fast lane read, made on first use. From then
            on the dictionary is the message (it may be changed), and the values by position are dropped."""
            if name != "_first":
                raise AttributeError(name)
            layout, values = self._plain
            first = self._first = dict(zip(layout.keys, values, strict=False))  # the layout's None is left off
            self._plain = None
            return first

    @property
    def _fields(self) -> list[tuple[str, str]]:
        """Every ``(tag key, value)`` in wire order."""
        pairs = self._pairs
        if pairs is None:
            pairs = self._pairs = list(self._first.items())
        return pairs

    # building

    def append(self, tag: int, value: FixValue) -> FixMessage:
        """Add a field at the end (header tags still encode in the header); returns the message."""
        key, text = _field(tag, value)
        self._fields.append((key, text))
        self._first.setdefault(key, text)
        return self

    def extend(self, fields: Iterable[tuple[int, FixValue]]) -> FixMessage:
        """Append each ``(tag, value)`` in order; returns the message."""
        own, first = self._fields, self._first
        for tag, value in fields:
            key, text = _field(tag, value)
            own.append((key, text))
            if key not in first:
                first[key] = text
        return self

    def append_data(self, length_tag: int, data: bytes) -> FixMessage:
        """Add a length-prefixed data field (e.g. RawDataLength 95 + RawData 96); ``data`` may hold SOH."""
        data_tag = tags.DATA_TAGS.get(length_tag)
        if data_tag is None:
            raise FixEncodeError(f"{tag_name(length_tag)} is not the length tag of a data field")
        if not data:
            raise FixValueError("a data field cannot be empty", tag=data_tag)
        pairs = [(tag_key(length_tag), str(len(data))), (tag_key(data_tag), data.decode(_ENCODING, _ERRORS))]
        self._fields.extend(pairs)
        for key, text in pairs:
            self._first.setdefault(key, text)
        return self

    def set(self, tag: int, value: FixValue) -> FixMessage:
        """Replace the first occurrence of ``tag`` (or append it); for PossDupFlag, SendingTime on resend."""
        key, text = _field(tag, value)
        if key not in self._first:
            return self.append(tag, value)
        at = next(i for i, (t, _) in enumerate(self._fields) if t == key)
        self._fields[at] = (key, text)
        self._first[key] = text
        return self

    def copy(self) -> FixMessage:
        """A copy that can be changed without touching this one."""
        return FixMessage._trusted(list(self._fields))

    # reading

    def get(self, tag: int) -> str | None:
        """The first value of ``tag``, or None."""
        key, plain = _TEXT[tag] if 0 <= tag < 1000 else str(tag), self._plain
        if plain is None:
            return self._first.get(key)
        layout, values = plain
        return values[layout.position.get(key, -1)]

    def values_of(self, keys: tuple[str, ...]) -> _Values:
        """The first value of each tag in ``keys`` (each ``tag_key(tag)``, at least two), None where absent: for
        readers of many fields, in one step (by position, for a message the fast lane read)."""
        plain = self._plain
        if plain is None:
            return tuple(map(self._first.get, keys))
        layout, values = plain
        return layout.getter(keys)(values)

    def __getitem__(self, tag: int) -> str:
        try:
            return self._first[_TEXT[tag] if 0 <= tag < 1000 else str(tag)]
        except KeyError:
            raise FieldMissingError(f"{tag_name(tag)} is missing from this {self.msg_type} message", tag) from None

    def __contains__(self, tag: object) -> bool:
        return type(tag) is int and tag_key(tag) in self._first

    def first_values(self) -> Mapping[str, str]:
        """Each tag's first value keyed by ``tag_key(tag)``, not to be changed: for readers of many fields."""
        return self._first

    def get_all(self, tag: int) -> list[str]:
        """Every value of ``tag`` in wire order (repeating groups)."""
        key = tag_key(tag)
        return [value for t, value in self._fields if t == key]

    def field(self, tag: int, parse: Callable[[str], T]) -> T:
        """The first value of a required ``tag`` read by ``parse``; errors name the tag."""
        try:
            return parse(self[tag])
        except FixValueError as exc:
            raise FixValueError(f"{tag_name(tag)}: {exc}", tag=tag) from None

    def get_field(self, tag: int, parse: Callable[[str], T]) -> T | None:
        """Like ``field``, but None when the tag is absent."""
        return None if tag_key(tag) not in self._first else self.field(tag, parse)

    def get_int(self, tag: int) -> int | None:
        """The first value of ``tag`` as an int, or None when absent."""
        return self.get_field(tag, parse_int)

    def get_decimal(self, tag: int) -> Decimal | None:
        """The first value of ``tag`` as a Decimal, or None when absent."""
        return self.get_field(tag, parse_decimal)

    def get_bool(self, tag: int) -> bool | None:
        """The first value of ``tag`` as Y/N -> bool, or None when absent."""
        return self.get_field(tag, parse_bool)

    def get_utc_timestamp(self, tag: int) -> datetime | None:
        """The first value of ``tag`` as an aware UTC datetime, or None when absent."""
        return self.get_field(tag, parse_utc_timestamp)

    def get_data(self, tag: int) -> bytes | None:
        """The first value of a data field (e.g. RawData 96) as the bytes that were on the wire."""
        value = self.get(tag)
        return None if value is None else value.encode(_ENCODING, _ERRORS)

    # what the session layer reads on every message

    @property
    def msg_type(self) -> str:
        """MsgType (35)."""
        plain = self._plain
        return self._first[_TYPE] if plain is None else plain[1][2]  # type: ignore[return-value]  # third, always

    @property
    def begin_string(self) -> str:
        """BeginString (8)."""
        return self._first[_BEGIN]

    @property
    def seq_num(self) -> int:
        """MsgSeqNum (34); FieldMissingError or FixValueError if absent or not a number."""
        return self.field(tags.MSG_SEQ_NUM, parse_int)

    @property
    def sender_comp_id(self) -> str:
        """SenderCompID (49)."""
        return self[tags.SENDER_COMP_ID]

    @property
    def target_comp_id(self) -> str:
        """TargetCompID (56)."""
        return self[tags.TARGET_COMP_ID]

    @property
    def sending_time(self) -> datetime:
        """SendingTime (52) as aware UTC."""
        return self.field(tags.SENDING_TIME, parse_utc_timestamp)

    @property
    def orig_sending_time(self) -> datetime | None:
        """OrigSendingTime (122), or None."""
        return self.get_utc_timestamp(tags.ORIG_SENDING_TIME)

    @property
    def poss_dup(self) -> bool:
        """PossDupFlag (43); absent means N."""
        return self.get_bool(tags.POSS_DUP_FLAG) or False

    @property
    def poss_resend(self) -> bool:
        """PossResend (97); absent means N."""
        return self.get_bool(tags.POSS_RESEND) or False

    @property
    def fields(self) -> tuple[tuple[int, str], ...]:
        """Every field in wire order, including 8, 35 and (for a parsed message) 9 and 10."""
        return tuple(self)

    def __iter__(self) -> Iterator[tuple[int, str]]:
        return ((int(tag), value) for tag, value in self._fields)

    def __len__(self) -> int:
        return len(self._fields)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FixMessage) and self._fields == other._fields

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return "FixMessage(" + "|".join(f"{tag}={value}" for tag, value in self._fields) + ")"

    def encode(self) -> bytes:
        """The message on the wire: 8, 9, 35, header in FIX order, body as given, 10."""
        return encode_message(self)


def _field(tag: int, value: FixValue) -> tuple[str, str]:
    """A field a caller adds, as wire text; FixEncodeError or FixValueError/FixTypeError if it cannot be."""
    key = _TEXT[tag] if type(tag) is int and 0 < tag < 1000 and tag not in _RESERVED else _settable(tag)
    if type(value) is str and value and "\x01" not in value:
        return key, value
    return key, format_value(value)


def _settable(tag: int) -> str:
    """The wire text of a tag a caller may set, or FixEncodeError."""
    if type(tag) is not int or tag < 1:
        raise FixEncodeError(f"a tag must be a positive int, got {tag!r}")
    if tag in _COMPUTED:
        raise FixEncodeError(f"{tag_name(tag)} is written by the encoder or set when the message is made")
    if tag in _DATA_VALUE_TAGS or tag in tags.DATA_TAGS:
        raise FixEncodeError(f"{tag_name(tag)} belongs to a data field: use append_data, which writes both")
    return tag_key(tag)


def encode_message(msg: FixMessage) -> bytes:
    """Encode ``msg``: BeginString, computed BodyLength, MsgType, header tags, body, computed CheckSum."""
    fields, rank = msg._fields, _RANK
    head = sorted(  # by rank only: a tag given twice keeps its order
        ((rank[tag], tag, value) for tag, value in fields if tag in rank and tag not in _SKIPPED), key=itemgetter(0)
    )
    body = [f"{tag}={value}" for tag, value in fields if tag not in _NOT_BODY]
    text = "\x01".join([f"35={msg.msg_type}", *[f"{tag}={value}" for _, tag, value in head], *body])
    payload = (text + "\x01").encode(_ENCODING, _ERRORS)
    prefix = f"8={msg.begin_string}\x019={len(payload)}\x01".encode(_ENCODING, _ERRORS)
    checksum = (sum(prefix) + sum(payload)) & 0xFF
    return b"".join((prefix, payload, b"10=%03d\x01" % checksum))


def parse_message(raw: bytes) -> FixMessage:
    """Read the fields of one verified frame (from ``FixFramer``); ``FixParseError`` names a bad field.

    Refused: a tag that is not a number (or has a leading zero), a field without ``=``, an empty value,
    a data field whose length does not fit, a frame not starting 8, 9, 35 or not ending with 10, and a
    header tag after the first body field (SessionRejectReason 14, as QuickFIX rejects it).
    """
    text = raw.decode(_ENCODING, _ERRORS)
    pairs: list[tuple[str, str]] = _FIELD.findall(text)
    if len(pairs) != text.count("\x01") or text[-1:] != "\x01" or not _framed(pairs):
        return _parse_slowly(raw)  # a field is malformed, or this is not a frame: say what is wrong
    body = 3
    while pairs[body][0] in _PLAIN_HEADER:  # stops at 10 at the latest
        body += 1
    if not _LOOK_CLOSER.isdisjoint(map(_tag_of, pairs[body:])):
        return _parse_slowly(raw)  # a data value may hold SOH (read it by its length), or a header tag is late
    return FixMessage._trusted(pairs)


def _framed(pairs: list[tuple[str, str]]) -> bool:
    """Whether the fields start 8, 9, 35 and end with 10, as every frame does."""
    return (
        len(pairs) > 3
        and pairs[0][0] == _BEGIN
        and pairs[1][0] == _LENGTH
        and pairs[2][0] == _TYPE
        and pairs[-1][0] == _CHECKSUM
    )


def _parse_slowly(raw: bytes) -> FixMessage:
    """Walk the fields one by one, reading data fields by length, to parse or to find the bad field."""
    try:
        pairs = _walk(raw)
        _check_frame_tags(pairs)
    except FixParseError as exc:
        seq, kind = _SEQ_NUM.search(raw), _MSG_TYPE.search(raw)
        exc.seq_num = int(seq.group(1)) if seq else None
        exc.msg_type = kind.group(1).decode(_ENCODING, _ERRORS) if kind else None
        raise
    return FixMessage._trusted(pairs)


def _walk(raw: bytes) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    pos, data = 0, (-1, -1)  # the data tag due next and its byte length, after a length tag
    in_body = False
    while pos < len(raw):
        tag, at = _read_tag(raw, pos)
        key = tag_key(tag)
        if key not in _HEADER_KEYS:
            in_body = True
        elif in_body:
            late = f"{tag_name(tag)} at byte {pos} belongs in the header but comes after the body"
            raise _bad(late, tag, pos, SessionRejectReason.TAG_OUT_OF_ORDER)
        end = _value_end(raw, tag, at, pos, data)
        value = raw[at:end]
        pairs.append((key, value.decode(_ENCODING, _ERRORS)))
        data = _data_due(tag, value, pos)
        pos = end + 1
    return pairs


def _value_end(raw: bytes, tag: int, at: int, pos: int, data: tuple[int, int]) -> int:
    """Where the value starting at ``at`` ends: at the next SOH, or after its length for a data field."""
    due, length = data
    bad_format = SessionRejectReason.INCORRECT_DATA_FORMAT
    if due >= 0 and tag != due:
        raise _bad(
            f"{tag_name(due)} must follow its length, but byte {pos} starts {tag_name(tag)}", tag, pos, bad_format
        )
    end = raw.find(b"\x01", at) if due < 0 else at + length
    if end < 0:
        raise _bad(f"{tag_name(tag)} at byte {pos} has no field separator after it", tag, pos, bad_format)
    if raw[end : end + 1] != b"\x01":
        raise _bad(f"{tag_name(tag)} at byte {pos} does not end where its length says", tag, pos, bad_format)
    if end == at:
        reason = SessionRejectReason.TAG_WITHOUT_VALUE
        raise _bad(f"{tag_name(tag)} at byte {pos} has an empty value", tag, pos, reason)
    return end


def _read_tag(raw: bytes, pos: int) -> tuple[int, int]:
    """The tag of the field at ``pos`` and where its value starts."""
    equals = raw.find(b"=", pos)
    sep = raw.find(b"\x01", pos)
    reason = SessionRejectReason.INVALID_TAG_NUMBER
    if equals < 0 or 0 <= sep < equals:
        raise _bad(f"the field at byte {pos} has no '='", None, pos, reason)
    text = raw[pos:equals]
    if _TAG.fullmatch(text) is None:
        raise _bad(f"{text!r} at byte {pos} is not a tag number", None, pos, reason)
    return int(text), equals + 1


def _data_due(tag: int, value: bytes, pos: int) -> tuple[int, int]:
    """After a length tag: the data tag that must follow and its length; else (-1, -1)."""
    due = tags.DATA_TAGS.get(tag)
    if due is None:
        return -1, -1
    if not value.isdigit():
        reason = SessionRejectReason.INCORRECT_DATA_FORMAT
        raise _bad(f"{tag_name(tag)} at byte {pos} is not a length: {value!r}", tag, pos, reason)
    return due, int(value)


def _check_frame_tags(pairs: list[tuple[str, str]]) -> None:
    """A frame starts 8, 9, 35 and ends with 10 (the framer checks this; parse_message alone does not)."""
    if not _framed(pairs):
        reason = SessionRejectReason.TAG_OUT_OF_ORDER
        raise _bad("the frame does not start with 8, 9, 35 and end with 10", None, 0, reason)


def _bad(message: str, tag: int | None, offset: int, reason: SessionRejectReason) -> FixParseError:
    return FixParseError(message, tag=tag, offset=offset, reject_reason=int(reason))
