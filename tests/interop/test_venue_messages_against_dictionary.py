"""The venue simulator's less common messages, as its acceptor session writes them, checked by QuickFIX's FIX 4.4
data dictionary: SecurityStatus (35=f) for a halt and a resume, OrderMassCancelReport (35=r) taken and refused,
BusinessMessageReject (35=j), session Rejects (35=3) including 373=11 for a MsgType FIX 4.4 does not define, and
the status answer about no order. The live test (test_simulator_under_quickfix.py) covers orders and fills."""

from __future__ import annotations

import pytest

qf = pytest.importorskip(
    "quickfix", reason="QuickFIX/Python is not installed: `python3 dev.py interop` installs it and runs these tests"
)

from app.engine.clock import FakeClock
from app.engine.enums import Side
from app.engine.fix import tags
from app.engine.fix.message import FixMessage
from app.engine.fix.session import FixSession
from app.engine.fix.session_store import MemorySessionStore
from app.engine.fix.tags import MsgType, SessionRejectReason
from app.venue.fix_rejects import InvalidFieldError, missing, out_of_range, session_reject, unsupported
from app.venue.fix_requests import MASS_ALL, MASS_BY_SYMBOL, MassQuery
from app.venue.fix_status import mass_cancel_report
from app.venue.market_data import TradingStatus, security_status
from tests.interop.quickfix_kit import data_dictionary
from tests.support.fix_script import session_config

CLOCK = FakeClock()
DICTIONARY = qf.DataDictionary(str(data_dictionary()))


def written(body: FixMessage) -> str:
    """``body`` as the simulator's acceptor session writes it."""
    session = FixSession(session_config("SIM", "VENUE", "OEMS"), CLOCK, MemorySessionStore(), initiator=False)
    return session.send(body).raw.decode()


def inbound(msg_type: str, *fields: tuple[int, str]) -> FixMessage:
    """A message the desk sent, as the venue read it (its MsgSeqNum is what a reject refers to)."""
    return FixMessage(msg_type, ((tags.MSG_SEQ_NUM, "7"), *fields))


ORDER = inbound(MsgType.NEW_ORDER_SINGLE, (tags.CL_ORD_ID, "O-1"))
BAD_SIDE = out_of_range(tags.SIDE, "9", "1 (buy) or 2 (sell)")
BAD_QTY = InvalidFieldError(SessionRejectReason.INCORRECT_DATA_FORMAT, tags.ORDER_QTY, "OrderQty (38) is not a number")
SENT: dict[str, FixMessage] = {
    "security status halted": security_status("AAPL", TradingStatus.HALTED, unsolicited=True),
    "security status resumed": security_status("AAPL", TradingStatus.RESUMED, unsolicited=False),
    "mass cancel report all": mass_cancel_report(MassQuery("KILL-1", MASS_ALL, None), "MC-1", 3, None),
    "mass cancel report symbol": mass_cancel_report(
        MassQuery("KILL-2", MASS_BY_SYMBOL, "AAPL", Side.BUY), "MC-2", 1, None
    ),
    "mass cancel report refused": mass_cancel_report(MassQuery("KILL-3", 5, None), "MC-3", 0, (0, "not supported")),
    "business reject of a defined type": unsupported(inbound("B", (tags.CL_ORD_ID, "N-1"))),
    "business reject of a user type": unsupported(inbound("U7")),
    "session reject of an undefined type (373=11)": unsupported(inbound("ZZ")),
    "session reject of a missing tag (373=1)": session_reject(ORDER, missing(tags.SYMBOL, "a new order")),
    "session reject of a bad value (373=5)": session_reject(ORDER, BAD_SIDE),
    "session reject of a bad format (373=6)": session_reject(ORDER, BAD_QTY),
}


@pytest.mark.parametrize("name", sorted(SENT))
def test_the_fix44_dictionary_accepts_what_the_simulator_sends(name: str) -> None:
    DICTIONARY.validate(qf.Message(written(SENT[name]), DICTIONARY, True))


def test_an_undefined_msg_type_is_answered_with_373_11_naming_tag_35() -> None:
    reject = unsupported(inbound("ZZ"))
    assert reject.msg_type == MsgType.REJECT
    assert (reject.get(tags.SESSION_REJECT_REASON), reject.get(tags.REF_TAG_ID)) == ("11", "35")
    assert reject.get(tags.REF_MSG_TYPE) == "ZZ"
