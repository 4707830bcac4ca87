"""Drop copies: every execution report a venue sends a client, copied to that venue's drop-copy session.

The copy keeps the venue's own ExecID (17), OrderID (37) and ClOrdID (11), so a drop-copy consumer can
match it to the report the order session received and to its own books; Account (1) is always set, to
the order's account or, when the order named none, to the session that sent it.
"""

from __future__ import annotations

from app.engine.fix import FixMessage
from app.engine.fix import tags as t


def drop_copy(report: FixMessage, session: str) -> FixMessage:
    """A copy of ``report`` (sent to ``session``) for the drop-copy session."""
    copy = report.copy()
    if t.ACCOUNT not in copy:
        copy.append(t.ACCOUNT, session)
    return copy
