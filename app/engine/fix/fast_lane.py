"""The fast lane for the common inbound frame: the frame matched whole against a field layout seen before.

A venue sends its execution reports with the same tags in the same order, report after report. ``PlainLane``
remembers the layouts (the tag sequences) of the last few frames of plain shape it saw read the full way, each as one
compiled pattern, and reads a frame that matches one of them whole with a single ``fullmatch``: the values come out as
the pattern's groups, in C. A frame of plain shape has the standard header of four fields (49, 56, 34 and 52, in any
order) right after 8, 9 and 35, a body of tags each given once, no data field, no PossDupFlag, no repeating group.
Any frame that matches no layout goes the full way (``parse_message``), and so does the session's every check after
it; a test compares the two lanes on random and malformed frames.
"""

from __future__ import annotations

import re
from operator import itemgetter
from typing import Final

from app.engine.fix import tags
from app.engine.fix.message import FixMessage, tag_key

LAYOUTS_KEPT: Final = 8
"""Layouts a lane remembers; a report with an optional field more or less is another layout."""
_ENCODING: Final = "utf-8"
_ERRORS: Final = "surrogateescape"
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
    """One tag sequence, as the pattern that reads a frame of exactly those fields."""

    __slots__ = ("keys", "pattern")

    def __init__(self, keys: tuple[str, ...]) -> None:
        self.keys = keys
        self.pattern = re.compile("".join(f"{key}=([^\x01]+)\x01" for key in keys))


class PlainLane:
    """Reads frames of a layout seen before; learns the layout of each plain message read the full way."""

    __slots__ = ("_layouts",)

    def __init__(self) -> None:
        self._layouts: list[_Layout] = []
        """Newest first: the layout matched last is tried first."""

    def read(self, raw: bytes) -> FixMessage | None:
        """The message in ``raw`` (a verified frame), exactly as ``parse_message`` reads it, when it has a layout
        seen before; ``None`` otherwise."""
        if not self._layouts:
            return None
        text = raw.decode(_ENCODING, _ERRORS)
        for at, layout in enumerate(self._layouts):
            match = layout.pattern.fullmatch(text)
            if match is not None:
                if at:
                    self._layouts.insert(0, self._layouts.pop(at))
                keys, values = layout.keys, match.groups()
                return FixMessage._read(list(zip(keys, values, strict=True)), dict(zip(keys, values, strict=True)))
        return None

    def learn(self, msg: FixMessage) -> None:
        """Remember the layout of ``msg`` (read the full way) if it is of plain shape."""
        keys = tuple(map(_tag_of, msg._fields))
        if is_plain(keys) and all(layout.keys != keys for layout in self._layouts):
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
