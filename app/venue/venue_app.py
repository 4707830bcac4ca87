"""One simulated venue's FIX application, acceptor side: application messages in, the venue's answers out.

No sockets and no session logic: the session core hands each inbound application message to
`VenueApplication.on_message` with the name of the session it came on (that name is also the owner of the
session's orders) and sends what comes back, adding the header (34/49/56/52). Every answer is addressed:
fills reach the session of each side, copies go to the drop-copy session, market data to subscribers.

Timing is the caller's. Orders, cancels, replaces and mass cancels are *held*: ``on_message`` answers
at once only with what the venue says on receipt (150=A / 6 / E when the profile acknowledges through
pending states), and the request takes effect when the driver calls ``release_next(session)``, which it
does ``profile.ack_latency_ms`` after each request held (``held(session)`` counts them). Each session's
requests take effect in the order they came; another session's may overtake them, as on a venue with one
gateway per session, so fills can reach an order whose cancel or replace is pending, under its old
ClOrdID. Status and market data requests are answered at once from the book as it stands; a new order still
held is not in it yet and is reported pending new (39=A), as FIX 4.4 has it, to a status or mass status request.
A venue keeping hours (``profile.open``) refuses new orders and replaces outside them ("market closed: opens
Mon ... 09:30 America/New_York", OrdRejReason 2) and its makers stand still; cancels work at any hour.
A request under a ClOrdID the session has already used (``cl_ord_ids.py``: in any symbol, on any kind
of request) is refused at once (a new order 35=8 150=8 103=6, a cancel or replace 35=9 102=6), unless it is a possible
resend (97=Y or 43=Y) of the very same request: that one gets the order's status under its ClOrdID (150=I) once the
request has taken effect, and nothing while it still waits.
Market makers requote on `step_market`; GTD orders expire on `expire` (one given an ExpireDate,
432, at the close of the last trading day through it), DAY orders on `close_session`.

A fault script makes the venue act on its own: `bust` cancels a fill it reported (150=H), `correct` changes its
quantity or price (150=G), `unsolicited_cancel` cancels resting orders unasked (150=4 with the reason in Text),
and `fill_first` fills an order in full just
before a cancel or replace of it is looked at, so the request finds it done (35=9, too late). `halt` stops
trading in a symbol (new orders and replaces refused with the halted reason, resting orders stay and do not
match, market data subscribers told with a SecurityStatus 35=f) until `resume`.

Bad input never raises: a message breaking FIX gets a session Reject (35=3), an unsupported message type
a BusinessMessageReject (35=j); session-level messages are not this layer's and get no answer.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from app.engine.clock import Clock
from app.engine.enums import ExecType, OrderStatus
from app.engine.fix import FixMessage, MsgType
from app.engine.fix.tags import ADMIN_MSG_TYPES
from app.engine.ids import ClOrdId, ExecId, VenueOrderId
from app.venue.book import OrderBook
from app.venue.cl_ord_ids import ClOrdIdLog, OrderRequest, same_request
from app.venue.drop_copy import drop_copy
from app.venue.fix_rejects import InvalidFieldError, session_reject, unsupported
from app.venue.fix_reports import Addressed, ReportWriter, request_state
from app.venue.fix_requests import (
    MASS_ALL,
    MASS_BY_SYMBOL,
    MassQuery,
    read_cancel,
    read_mass_cancel_request,
    read_mass_status_request,
    read_new_order,
    read_replace,
    read_status_request,
)
from app.venue.fix_status import SCOPE_NOT_SUPPORTED, UNKNOWN_SECURITY, mass_cancel_report, mass_status, order_status
from app.venue.market_data import MarketDataFeed
from app.venue.orders import CancelRequest, IdSource, NewOrder, OrderState, OwnerId, ReplaceRequest
from app.venue.profiles import VenueProfile, build_market
from app.venue.results import Canceled, CancelReason, Rejected, RejectReason, RequestKind, Result, Trade

Request = NewOrder | CancelRequest | ReplaceRequest | MassQuery
HOUSE: Final = OwnerId("HOUSE")
"""The venue's own account: the other side of a fill it makes outside the book (a fill racing a cancel)."""
KEEP_FILLS: Final = 100_000
"""How many client fills the venue remembers, newest kept, so a fault script can bust them."""
_FIRST_USE: Final[dict[type, str]] = {
    NewOrder: "a new order has it",
    CancelRequest: "an earlier cancel request had it",
    ReplaceRequest: "an earlier replace request had it",
}
"""Where a ClOrdID used again was first used, in words."""
_PENDING = {
    CancelRequest: (OrderStatus.PENDING_CANCEL, ExecType.PENDING_CANCEL),
    ReplaceRequest: (OrderStatus.PENDING_REPLACE, ExecType.PENDING_REPLACE),
}


@dataclass(frozen=True, slots=True)
class Outbound:
    """A message for the session named ``session`` to send."""

    session: str
    message: FixMessage


@dataclass(frozen=True, slots=True)
class _Fill:
    """A client fill the venue reported, as a bust needs it."""

    symbol: str
    order_id: VenueOrderId
    qty: Decimal
    price: Decimal


@dataclass(frozen=True, slots=True)
class _Held:
    """A request received and waiting to take effect."""

    session: str
    request: Request
    account: str | None = None
    pending: VenueOrderId | None = None
    """The order acknowledged as pending cancel or replace, if it was."""


class VenueApplication:
    """The application layer of one venue: its books, market makers, reports, drop copies and market data."""

    def __init__(self, profile: VenueProfile, clock: Clock, drop_copy_session: str | None = None) -> None:
        self.profile = profile
        self.calendar = profile.calendar
        self.clock = clock
        self.drop_copy_session = drop_copy_session
        self.engine, self.makers = build_market(profile)
        house = frozenset(maker.owner for maker in self.makers) | {HOUSE}
        self.writer = ReportWriter(clock, profile.fee_per_share, house)
        self.feed = MarketDataFeed(self.engine)
        self.report_ids = IdSource(f"{profile.name}-R")
        self._held: dict[str, deque[_Held]] = {}
        self._fills: dict[ExecId, _Fill] = {}
        self.cl_ord_ids = ClOrdIdLog()
        self.touched: dict[VenueOrderId, str] | None = None
        """With a store keeping the venue's state (``venue_state.py``), a dict: the client orders whose state changed
        since the last save, by OrderID, with their symbols. None (the default): nothing is noted."""
        self._handlers: dict[str, Callable[[str, FixMessage], list[Outbound]]] = {
            MsgType.NEW_ORDER_SINGLE: self._on_new_order,
            MsgType.ORDER_CANCEL_REQUEST: self._on_cancel,
            MsgType.ORDER_CANCEL_REPLACE_REQUEST: self._on_replace,
            MsgType.ORDER_MASS_CANCEL_REQUEST: self._on_mass_cancel,
            MsgType.ORDER_STATUS_REQUEST: self._on_status,
            MsgType.ORDER_MASS_STATUS_REQUEST: self._on_mass_status,
            MsgType.MARKET_DATA_REQUEST: self._on_market_data,
        }

    def held(self, session: str | None = None) -> int:
        """How many requests (of ``session``, or of all sessions) wait for `release_next`."""
        queues = self._held.values() if session is None else [self._held.get(session, deque())]
        return sum(map(len, queues))

    # ----------------------------------------------------------------- inbound

    def on_message(self, session: str, msg: FixMessage) -> list[Outbound]:
        """Take one inbound application message from ``session``; what to send, to whom, in order."""
        if msg.msg_type in ADMIN_MSG_TYPES:
            return []
        handler = self._handlers.get(msg.msg_type)
        if handler is None:
            return [Outbound(session, unsupported(msg))]
        try:
            return handler(session, msg)
        except InvalidFieldError as problem:
            return [Outbound(session, session_reject(msg, problem))]

    def _on_new_order(self, session: str, msg: FixMessage) -> list[Outbound]:
        """A new order: refused at once under a ClOrdID the session has used (in any symbol, or on a cancel or
        replace), unless it may be a resend of that very order; else held."""
        order, account = read_new_order(msg, OwnerId(session))
        first = self.cl_ord_ids.first(session, order.cl_ord_id)
        if first is None:
            self.cl_ord_ids.remember(session, order)
            return self._take_new(session, order, account)
        if not ((msg.poss_resend or msg.poss_dup) and same_request(first, order)):
            words = _duplicate_words(order.cl_ord_id, first, "order")
            refused = self._refused_new(order, RejectReason.DUPLICATE_CL_ORD_ID, words)
            return self._deliver(self.writer.results([refused], order, account))
        return self._again(session, order, lambda: self._take_new(session, order, account))

    def _take_new(self, session: str, order: NewOrder, account: str | None) -> list[Outbound]:
        """Hold a new order; acknowledge it as pending when the profile does."""
        if order.expire_on is not None and order.expire_at is None:
            order = dataclasses.replace(order, expire_at=self.calendar.good_through(order.expire_on))
        self._hold(_Held(session, order, account))
        if not self.profile.pending_acks:
            return []
        state = request_state(order, OrderStatus.PENDING_NEW)
        ack = self.writer.execution(state, ExecType.PENDING_NEW, self.report_ids(), account=account)
        return self._deliver([Addressed(order.owner, ack, execution=True)])

    def _on_cancel(self, session: str, msg: FixMessage) -> list[Outbound]:
        return self._amend(session, read_cancel(msg, OwnerId(session)), msg.poss_resend or msg.poss_dup)

    def _on_replace(self, session: str, msg: FixMessage) -> list[Outbound]:
        return self._amend(session, read_replace(msg, OwnerId(session)), msg.poss_resend or msg.poss_dup)

    def _amend(self, session: str, request: CancelRequest | ReplaceRequest, resent: bool) -> list[Outbound]:
        """A cancel or replace: refused at once under a ClOrdID the session has used, unless it may be a resend of
        that very request (``resent``: 97=Y or 43=Y); else held."""
        first = self.cl_ord_ids.first(session, request.cl_ord_id)
        if first is None:
            self.cl_ord_ids.remember(session, request)
            return self._take(session, request)
        if not (resent and same_request(first, request)):
            text = _duplicate_words(request.cl_ord_id, first, "request")
            refused = self._refused(request, RejectReason.DUPLICATE_CL_ORD_ID, text, self._live_target(request))
            return self._deliver(self.writer.results([refused]))
        return self._again(session, request, lambda: self._take(session, request))

    def _again(self, session: str, request: OrderRequest, take: Callable[[], list[Outbound]]) -> list[Outbound]:
        """A possible resend of a request already received, answered without acting twice: once the request has
        taken effect, the order's status under its ClOrdID (150=I); nothing while it waits (its own answer will
        come); a request refused the first time is looked at again (``take``)."""
        found = self._find(request.owner, request.cl_ord_id)
        if found is not None:
            cl = request.cl_ord_id
            orig = None if isinstance(request, NewOrder) else request.orig_cl_ord_id
            status = self.writer.execution(found[1], ExecType.ORDER_STATUS, self.report_ids(), cl_ord_id=cl, orig=orig)
            return [Outbound(session, status)]
        if any(same_request(held.request, request) for held in self._held.get(session, ())):
            return []
        return take()

    def _take(self, session: str, request: CancelRequest | ReplaceRequest) -> list[Outbound]:
        """Hold a cancel or replace; acknowledge it as pending when the profile does and the order is live."""
        target = self._live_target(request)
        if target is not None and target.order_id in self.writer.pending:
            return self._deliver(self.writer.results([self._already_pending(request, target)]))
        if not self.profile.pending_acks or target is None:
            self._hold(_Held(session, request))
            return []
        self._hold(_Held(session, request, pending=target.order_id))
        status, exec_type = _PENDING[type(request)]
        self.writer.pending[target.order_id] = status
        cl, orig = request.cl_ord_id, request.orig_cl_ord_id
        ack = self.writer.execution(target, exec_type, self.report_ids(), cl_ord_id=cl, orig=orig)
        return self._deliver([Addressed(request.owner, ack, execution=True)])

    def _on_mass_cancel(self, session: str, msg: FixMessage) -> list[Outbound]:
        self._hold(_Held(session, read_mass_cancel_request(msg)))
        return []

    def _on_status(self, session: str, msg: FixMessage) -> list[Outbound]:
        query = read_status_request(msg)
        book = self.engine.book(query.symbol)
        owner = OwnerId(session)
        state = None
        if book is not None:
            state = book.order(query.order_id) if query.order_id else book.find(owner, query.cl_ord_id)
        mine = state if state is not None and state.owner == owner else None
        if mine is None and not query.order_id:
            mine = next((s for s in self._waiting(session) if s.cl_ord_id == query.cl_ord_id), None)
        return [Outbound(session, order_status(self.writer, query, mine, self.report_ids()))]

    def _on_mass_status(self, session: str, msg: FixMessage) -> list[Outbound]:
        query = read_mass_status_request(msg)
        owner = OwnerId(session)
        symbols = self.engine.symbols if query.scope == MASS_ALL else [query.symbol or ""]
        books = [book for book in map(self.engine.book, symbols) if book is not None]
        side = query.side
        states = [state for book in books for state in book.open_orders(owner)]
        states += [state for state in self._waiting(session) if query.scope == MASS_ALL or state.symbol == query.symbol]
        states = [state for state in states if side is None or state.side is side]
        return [Outbound(session, m) for m in mass_status(self.writer, query, states, self.report_ids)]

    def _on_market_data(self, session: str, msg: FixMessage) -> list[Outbound]:
        return [Outbound(session, m) for m in self.feed.request(session, msg)]

    def _waiting(self, session: str) -> list[OrderState]:
        """The new orders of ``session`` received and still held (not yet in a book), as pending new (39=A): what a
        status request about one of them must hear, not "unknown", or the client takes an order the venue will work
        for one it refused."""
        held = self._held.get(session, ())
        return [request_state(h.request, OrderStatus.PENDING_NEW) for h in held if isinstance(h.request, NewOrder)]

    def _hold(self, held: _Held) -> None:
        self._held.setdefault(held.session, deque()).append(held)

    # ----------------------------------------------------------------- acting

    def release_next(self, session: str) -> list[Outbound]:
        """Let the oldest held request of ``session`` take effect; what the venue then sends."""
        queue = self._held.get(session)
        if not queue:
            return []
        held = queue.popleft()
        if held.pending is not None:
            self.writer.pending.pop(held.pending, None)
        request = held.request
        now = self.clock.now()
        closed = None if isinstance(request, CancelRequest | MassQuery) else self.calendar.closed_words(now)
        if isinstance(request, NewOrder):
            results: list[Result] = [self._closed(request, closed)] if closed else self.engine.submit(request, now)
            return self._after(results, self.writer.results(results, request, held.account))
        if isinstance(request, CancelRequest):
            return self._settle(self.engine.cancel(request))
        if isinstance(request, ReplaceRequest):
            return self._settle([self._closed(request, closed)] if closed else self.engine.replace(request))
        return self._mass_cancel(held.session, request)

    def step_market(self) -> list[Outbound]:
        """Every market maker moves its mid and requotes; fills against client orders are reported. Outside the
        venue's hours (if it keeps any) the makers stand still."""
        if not self.calendar.is_open(self.clock.now()):
            return []
        return self._settle([r for maker in self.makers for r in maker.step()])

    def expire(self) -> list[Outbound]:
        """Expire the GTD orders whose time has come on the venue's clock."""
        return self._settle(self.engine.expire(self.clock.now()))

    def close_session(self) -> list[Outbound]:
        """The close: DAY orders expire."""
        return self._settle(self.engine.close_session())

    def uncross(self) -> list[Outbound]:
        """Trade every crossed book (as orders restored from a store may leave one), symbols in order."""
        books = [book for book in map(self.engine.book, self.engine.symbols) if book is not None]
        return self._settle([r for book in books for r in book.uncross()])

    # ----------------------------------------------------------------- the venue's own acts (fault scripts)

    def fill_first(self, session: str, cl_ord_id: ClOrdId) -> list[Outbound]:
        """A fill wins the race with a request just received: the order of ``session`` that ``cl_ord_id`` (any
        ClOrdID of its chain) names fills in full now, at its limit price, before the request is looked at."""
        found = self._find(OwnerId(session), cl_ord_id)
        return [] if found is None else self._settle(found[0].fill_out(found[1].order_id, HOUSE))

    def bust(self, exec_id: ExecId) -> list[Outbound]:
        """Cancel the client fill reported with ExecID ``exec_id`` (150=H); nothing if there is none to bust."""
        fill = self._fills.pop(exec_id, None)
        book = None if fill is None else self.engine.book(fill.symbol)
        if fill is None or book is None:
            return []
        return self._settle(book.bust(fill.order_id, exec_id, fill.qty, fill.price))

    def correct(self, exec_id: ExecId, to: Callable[[Decimal, Decimal], tuple[Decimal, Decimal]]) -> list[Outbound]:
        """Correct the client fill reported with ExecID ``exec_id`` (150=G) to what ``to`` makes of its (quantity,
        price); nothing if there is no such fill or the book cannot make that correction. A later bust or
        correction of the same ExecID starts from the corrected fill."""
        fill = self._fills.get(exec_id)
        book = None if fill is None else self.engine.book(fill.symbol)
        if fill is None or book is None:
            return []
        qty, price = to(fill.qty, fill.price)
        results = book.correct(fill.order_id, exec_id, (fill.qty, fill.price), qty, price)
        if results:
            self._fills[exec_id] = dataclasses.replace(fill, qty=qty, price=price)
        return self._settle(results)

    def unsolicited_cancel(
        self, session: str, cl_ord_id: ClOrdId | None = None, symbol: str | None = None
    ) -> list[Outbound]:
        """The venue cancels, unasked, the live order of ``session`` that ``cl_ord_id`` names, or else every live
        order of ``session`` in ``symbol`` (150=4, the reason in Text)."""
        owner = OwnerId(session)
        if cl_ord_id is not None:
            found = self._find(owner, cl_ord_id)
            return [] if found is None else self._settle(found[0].withdraw(found[1].order_id))
        book = self.engine.book(symbol or "")
        return [] if book is None else self._settle(book.cancel_all(owner, CancelReason.BY_VENUE))

    def halt(self, symbol: str) -> list[Outbound]:
        """Halt trading in ``symbol``: what the venue then sends (a SecurityStatus to each market data subscriber);
        nothing for a symbol it does not list or one already halted."""
        return self._trading_status(symbol, halted=True)

    def resume(self, symbol: str) -> list[Outbound]:
        """Let ``symbol`` trade again after a halt; nothing for a symbol that is not halted."""
        return self._trading_status(symbol, halted=False)

    def halted(self) -> list[str]:
        """The symbols whose trading is halted, in listing order."""
        return [symbol for symbol in self.engine.symbols if (book := self.engine.book(symbol)) and book.halted]

    def _trading_status(self, symbol: str, *, halted: bool) -> list[Outbound]:
        book = self.engine.book(symbol)
        if book is None or book.halted is halted:
            return []
        if halted:
            book.halt()
        else:
            book.resume()
        return [Outbound(session, m) for session, m in self.feed.status_changed(symbol)]

    def _find(self, owner: OwnerId, cl_ord_id: ClOrdId) -> tuple[OrderBook, OrderState] | None:
        for symbol in self.engine.symbols:
            book = self.engine.book(symbol)
            state = None if book is None else book.find(owner, cl_ord_id)
            if book is not None and state is not None:
                return book, state
        return None

    def _mass_cancel(self, session: str, query: MassQuery) -> list[Outbound]:
        owner = OwnerId(session)
        refusal: tuple[int, str] | None = None
        results: list[Result] = []
        if query.scope == MASS_ALL:
            results = self.engine.cancel_all(owner, query.side)
        elif query.scope != MASS_BY_SYMBOL:
            words = f"the venue cancels all orders (530=7) or by symbol (530=1), not by scope {query.scope}"
            refusal = SCOPE_NOT_SUPPORTED, words
        else:
            book = self.engine.book(query.symbol or "")
            if book is None:
                refusal = UNKNOWN_SECURITY, f"the venue does not list {query.symbol or 'an unnamed symbol'}"
            else:
                results = book.cancel_all(owner, side=query.side)
        canceled = sum(isinstance(r, Canceled) for r in results)
        report = mass_cancel_report(query, self.report_ids(), canceled, refusal)
        return [Outbound(session, report), *self._settle(results)]

    def _already_pending(self, request: CancelRequest | ReplaceRequest, target: OrderState) -> Rejected:
        what = self.writer.pending[target.order_id].label.lower()
        text = f"order {target.order_id} is already {what}; wait for that answer"
        return self._refused(request, RejectReason.ALREADY_PENDING, text, target)

    def _closed(self, request: NewOrder | ReplaceRequest, words: str) -> Rejected:
        """The venue is outside its hours: ``request`` is refused with ``words`` saying when it opens."""
        reason = RejectReason.MARKET_CLOSED
        if isinstance(request, NewOrder):
            return self._refused_new(request, reason, words)
        return self._refused(request, reason, words, self._live_target(request))

    def _refused_new(self, order: NewOrder, reason: RejectReason, text: str) -> Rejected:
        """The new ``order`` refused for ``reason`` (``text`` says why)."""
        exec_id, cl, symbol = ExecId(self.report_ids()), order.cl_ord_id, order.symbol
        return Rejected(exec_id, RequestKind.NEW, reason, text, order.owner, cl, None, symbol, None)

    def _refused(
        self, request: CancelRequest | ReplaceRequest, reason: RejectReason, text: str, target: OrderState | None
    ) -> Rejected:
        """``request`` refused for ``reason`` (``text`` says why); ``target`` is the order it named, if live."""
        kind = RequestKind.CANCEL if isinstance(request, CancelRequest) else RequestKind.REPLACE
        cl, orig, symbol = request.cl_ord_id, request.orig_cl_ord_id, request.symbol
        return Rejected(ExecId(self.report_ids()), kind, reason, text, request.owner, cl, orig, symbol, target)

    def _live_target(self, request: CancelRequest | ReplaceRequest) -> OrderState | None:
        book = self.engine.book(request.symbol)
        if book is None:
            return None
        if request.order_id is not None:
            state = book.order(request.order_id)
        else:
            state = book.find(request.owner, request.orig_cl_ord_id)
        live = state is not None and state.owner == request.owner and state.status.is_live
        return state if live else None

    # ----------------------------------------------------------------- outbound

    def _settle(self, results: list[Result]) -> list[Outbound]:
        return self._after(results, self.writer.results(results))

    def _after(self, results: list[Result], reports: list[Addressed]) -> list[Outbound]:
        """The reports, their drop copies, then the market data the results moved."""
        trades = [r for r in results if isinstance(r, Trade)]
        if trades:
            self._remember(trades)
        if self.touched is not None:
            self._note(results, self.touched)
        symbols = {r.symbol if isinstance(r, Trade) else r.order.symbol for r in results if not isinstance(r, Rejected)}
        md = self.feed.changed(symbols, trades) if results else []
        return [*self._deliver(reports), *(Outbound(session, m) for session, m in md)]

    def _remember(self, trades: list[Trade]) -> None:
        """Keep the client fills of ``trades`` (the newest ``KEEP_FILLS``) for a bust to find."""
        fills = self._fills
        for trade in trades:
            for fill in (trade.buy, trade.sell):
                if fill.order.owner not in self.writer.house:
                    fills[fill.exec_id] = _Fill(trade.symbol, fill.order.order_id, trade.qty, trade.price)
        while len(fills) > KEEP_FILLS:
            del fills[next(iter(fills))]

    def _note(self, results: list[Result], touched: dict[VenueOrderId, str]) -> None:
        """Note in ``touched`` the client orders ``results`` changed."""
        house = self.writer.house
        for r in results:
            if isinstance(r, Rejected):
                continue
            for state in (r.buy.order, r.sell.order) if isinstance(r, Trade) else (r.order,):
                if state.owner not in house:
                    touched[state.order_id] = state.symbol

    def _deliver(self, reports: list[Addressed]) -> list[Outbound]:
        out: list[Outbound] = []
        for a in reports:
            out.append(Outbound(a.owner, a.message))
            if a.execution and self.drop_copy_session is not None:
                out.append(Outbound(self.drop_copy_session, drop_copy(a.message, a.owner)))
        return out


def _duplicate_words(cl_ord_id: ClOrdId, first: OrderRequest, what: str) -> str:
    """Why a ``what`` (order or request) reusing ``cl_ord_id``, first carried by ``first``, is refused."""
    return (
        f"ClOrdID {cl_ord_id} is already in use on this session ({_FIRST_USE[type(first)]}); send a new ClOrdID, or "
        f"the very same {what} again with PossResend (97=Y)"
    )
