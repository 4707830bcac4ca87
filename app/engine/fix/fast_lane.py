"""The fast lane for the common inbound frame: the frame matched whole against a field layout seen before.

A venue sends its execution reports with the same tags in the same order, report after report. ``PlainLane``
remembers the layouts (the tag sequences) of the last few frames of plain shape it saw read the full way, each as one
compiled pattern. The framer (``FixFramer(lane=...)``) decodes each read once, when it is ASCII, and asks the lane
for the frame at each frame start: one ``match`` of a known layout cuts the frame and splits its fields in C, and the
lane then checks what the framer would (BodyLength where the pattern found the trailer, CheckSum over the bytes), so
a frame it reads is exactly the frame the framer would have cut. Its message keeps the matched values as they are,
read by their position in the layout (``message.PlainLayout``): the session's header checks and the report mapping
take theirs in one step each, and no dictionary is made unless something asks for one. A frame of plain shape has the
standard header of four fields (49, 56, 34 and 52, in any order) right after 8, 9 and 35, a body of tags each given
once, no data field, no PossDupFlag, no repeating group. Any frame the lane does not read is framed and parsed the
full way (``parse_message``), and so does the session's every check after it; tests compare the two lanes on random
and malformed frames, framer and session alike."""

from __future__ import annotations

import re
from operator import itemgetter
from typing import Final

from app.engine.fix import tags
from app.engine.fix.checksum import byte_sum
from app.engine.fix.message import FixMessage, PlainLayout, tag_key

LAYOUTS_KEPT: Final = 8
"""Layouts a lane remembers; a report with an optional field more or less is another layout."""
_SESSION_HEADER: Final = frozenset(tag_key(tag) for tag in (tags.SENDER_COMP_ID, tags.TARGET_COMP_ID,
                                                            tags.MSG_SEQ_NUM, tags.SENDING_TIME))  # fmt: skip
"""The header of a plain frame, right after 8, 9 and 35."""
_NOT_PLAIN: Final = frozenset(
    tag_key(tag) for tag in (*tags.HEADER_ORDER, *tags.DATA_TAGS, *tags.DATA_TAGS.values())
) - {tag_key(tags.BEGIN_STRING), tag_key(tags.BODY_LENGTH), tag_key(tags.MSG_TYPE)}
"""Header and data tags: a plain frame has none but its four header fields."""
_HEAD_END: Final = 3 + len(_SESSION_HEADER)
_tag_of: Final = itemgetter(0)


class _Layout:
    """One tag sequence, as the pattern that reads a frame of exactly those fields from a read's text."""

    __slots__ = ("checksum", "fields", "pattern")

    def __init__(self, keys: tuple[str, ...]) -> None:
        self.fields = PlainLayout(keys)
        body = "".join(f"{key}=([^\x01]+)\x01" for key in keys[2:-1])
        self.pattern = re.compile(f"8=(FIXT?\\.[0-9]\\.[0-9])\x019=([0-9]{{1,18}})\x01{body}10=([0-9]{{3}})\x01((?!))?")
        """BeginString, BodyLength and CheckSum in the forms the framer accepts, one group per tag in wire order
        (BodyLength is group 2, CheckSum group ``checksum``), then a group that never takes part: the ``None``
        after the values (``PlainLayout``)."""
        self.checksum = len(keys)


class PlainLane:
    """Reads frames of a layout seen before; learns the layout of each plain message read the full way."""

    __slots__ = ("_layouts",)

    def __init__(self) -> None:
        self._layouts: list[_Layout] = []
        """Newest first: the layout matched last is tried first."""

    @property
    def ready(self) -> bool:
        """Whether a layout has been learned (before that, nothing is worth decoding for the lane)."""
        return bool(self._layouts)

    def read_at(
        self, text: str, at: int, buf: bytes | bytearray, buf_at: int, max_body: int, max_digits: int
    ) -> tuple[FixMessage, bytes] | None:
        """The frame starting at ``at`` in ``text`` (the ASCII text of ``buf``, where the frame starts at
        ``buf_at``), when it has a layout seen before and its BodyLength (at most ``max_body``, in at most
        ``max_digits`` digits) and CheckSum are right: its message and its bytes. ``None`` otherwise, for the
        framer to judge the frame (the frame it would cut is exactly the one read here)."""
        for rank, layout in enumerate(self._layouts):
            match = layout.pattern.match(text, at)
            if match is None:
                continue
            values = match.groups()
            length, checksum = values[1], values[-2]
            body_end = match.start(layout.checksum) - 3  # where "10=" starts: the body ends right before it
            body = body_end - match.end(2) - 1
            if int(length) != body or body > max_body or len(length) > max_digits:
                return None
            raw = bytes(buf[buf_at : buf_at + match.end() - at])
            if byte_sum(raw, 0, body_end - at) != int(checksum):
                return None
            if rank:
                self._layouts.insert(0, self._layouts.pop(rank))
            return FixMessage._read_plain(layout.fields, values), raw
        return None

    def learn(self, msg: FixMessage) -> None:
        """Remember the layout of ``msg`` (read the full way) if it is of plain shape."""
        keys = tuple(map(_tag_of, msg._fields))
        if is_plain(keys) and all(layout.fields.keys != keys for layout in self._layouts):
            self._layouts.insert(0, _Layout(keys))
            del self._layouts[LAYOUTS_KEPT:]


def is_plain(keys: tuple[str, ...]) -> bool:
    """Whether a parsed frame's tags, in wire order, are of plain shape."""
    return (
        len(keys) > _HEAD_END
        and len(set(keys)) == len(keys)
        and _SESSION_HEADER.issuperset(keys[3:_HEAD_END])
        and len(_NOT_PLAIN.intersection(keys)) == len(_SESSION_HEADER)
    )
