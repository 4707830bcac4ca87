"""Who may do what: the desk's four roles, the actions a person can ask for, and the one table joining them.

The engine asks a ``UserDirectory`` for the role of the user named on each command and refuses (and
records) any action that role does not allow, and any order that is not the user's to touch (own or desk
orders for a trader, own orders for a PM, any for a supervisor). Users, passwords and log-in live in
``app.engine.users``; this module is only the rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Protocol

from app.engine.ids import UserId


class Role(StrEnum):
    """A person's role on the desk."""

    TRADER = "trader"
    PM = "pm"
    SUPERVISOR = "supervisor"
    VIEWER = "viewer"

    @property
    def label(self) -> str:
        """The role as people say it."""
        return _ROLE_LABELS[self]


_ROLE_LABELS = {
    Role.TRADER: "trader",
    Role.PM: "portfolio manager",
    Role.SUPERVISOR: "supervisor",
    Role.VIEWER: "viewer",
}


class Action(StrEnum):
    """Something a person asks the desk to do."""

    ENTER_ORDER = "enter_order"
    AMEND_ORDER = "amend_order"
    CANCEL_ORDER = "cancel_order"
    ALLOCATE = "allocate"
    OVERRIDE_WARNING = "override_warning"
    EDIT_LIMITS = "edit_limits"
    KILL_SWITCH = "kill_switch"
    RESUME_TRADING = "resume_trading"
    MANAGE_USERS = "manage_users"
    RECONNECT_SESSION = "reconnect_session"
    RESET_SEQUENCE_NUMBERS = "reset_sequence_numbers"
    DISCONNECT_SESSION = "disconnect_session"
    ACKNOWLEDGE_ANOMALY = "acknowledge_anomaly"
    CANCEL_FOREIGN_ORDER = "cancel_foreign_order"

    @property
    def phrase(self) -> str:
        """The action as a sentence fragment: 'enter orders'."""
        return _ACTION_PHRASES[self]


_ACTION_PHRASES = {
    Action.ENTER_ORDER: "enter orders",
    Action.AMEND_ORDER: "amend orders",
    Action.CANCEL_ORDER: "cancel orders",
    Action.ALLOCATE: "allocate fills",
    Action.OVERRIDE_WARNING: "override risk warnings",
    Action.EDIT_LIMITS: "change risk limits",
    Action.KILL_SWITCH: "use the kill switch",
    Action.RESUME_TRADING: "resume trading after the kill switch",
    Action.MANAGE_USERS: "manage users",
    Action.RECONNECT_SESSION: "resume or connect a FIX session",
    Action.RESET_SEQUENCE_NUMBERS: "reset a FIX session's sequence numbers",
    Action.DISCONNECT_SESSION: "log out and disconnect a FIX session",
    Action.ACKNOWLEDGE_ANOMALY: "acknowledge anomalies",
    Action.CANCEL_FOREIGN_ORDER: "cancel foreign orders (working at a venue, placed by no one on this desk)",
}

_ORDER_ACTIONS = frozenset({Action.ENTER_ORDER, Action.AMEND_ORDER, Action.CANCEL_ORDER})
_ORDER_WORK = _ORDER_ACTIONS | {Action.ACKNOWLEDGE_ANOMALY}
"""What anyone who trades does: their orders, and the anomalies about them."""

PERMISSIONS: Mapping[Role, frozenset[Action]] = MappingProxyType(
    {
        Role.TRADER: _ORDER_WORK,
        Role.PM: _ORDER_WORK | {Action.ALLOCATE},
        Role.SUPERVISOR: frozenset(Action),  # the only role that may cancel a foreign order (it may be another desk's)
        Role.VIEWER: frozenset(),
    }
)
"""The one table of what each role may do."""


def allows(role: Role | None, action: Action) -> bool:
    """Whether ``role`` may do ``action``; a user with no role (unknown) may do nothing."""
    return role is not None and action in PERMISSIONS[role]


def refusal(user: UserId, role: Role | None, action: Action) -> str:
    """Why ``user`` may not do ``action``, in words."""
    if role is None:
        return f"{user} is not a user of this desk and cannot {action.phrase}."
    return f"{user} is a {role.label}; a {role.label} cannot {action.phrase}."


def ownership_refusal(
    user: UserId, role: Role, user_desk: str | None, owner: UserId, owner_desk: str | None, what: str
) -> str | None:
    """Why ``user`` may not act on ``what`` (an order, in words) belonging to ``owner``; None if they may.

    Anyone may act on their own orders and a supervisor on any; a trader also on their desk's; a PM only
    on their own blocks.
    """
    if user == owner or role is Role.SUPERVISOR:
        return None
    if role is not Role.TRADER:
        return f"{user} is a {role.label} and may act only on their own orders; {what} belongs to {owner}."
    if user_desk is None:
        return f"{user} is on no desk and may act only on their own orders; {what} belongs to {owner}."
    if owner_desk == user_desk:
        return None
    if owner_desk is None:
        return f"{user} is on desk {user_desk}; {what} belongs to {owner}, who is on no desk."
    return f"{user} is on desk {user_desk}; {what} belongs to desk {owner_desk}."


class UserDirectory(Protocol):
    """Knows each user's role and desk."""

    def role_of(self, user: UserId) -> Role | None:
        """The role of ``user``, or None for someone the desk does not know (or no longer lets act)."""
        ...

    def desk_of(self, user: UserId) -> str | None:
        """The desk ``user`` is on, or None."""
        ...


class FixedDirectory:
    """A directory given up front: each user's role and desk, fixed for the life of the object."""

    def __init__(self, roles: Mapping[UserId, Role], desks: Mapping[UserId, str] | None = None) -> None:
        self.roles = dict(roles)
        self.desks = dict(desks or {})

    def role_of(self, user: UserId) -> Role | None:
        """The role given for ``user``."""
        return self.roles.get(user)

    def desk_of(self, user: UserId) -> str | None:
        """The desk given for ``user``."""
        return self.desks.get(user)
