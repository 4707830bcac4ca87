"""A person's hand on the FIX sessions: resume, connect, reset sequence numbers, disconnect.

These change what reaches the venues, so they are supervisors' actions (``Action.RECONNECT_SESSION``,
``RESET_SEQUENCE_NUMBERS``, ``DISCONNECT_SESSION`` in the one permission table). Anyone else is refused
through the engine's one refusal path, which records it; an allowed action is recorded as a
``SessionActionTaken`` naming who did what to which session, before the gateway acts on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType
from typing import Final

from app.engine.commands import CommandResult
from app.engine.engine import Engine
from app.engine.events import SessionAction, SessionActionTaken
from app.engine.fix.desk_sessions import SessionGroup
from app.engine.ids import UserId
from app.engine.roles import Action, allows, refusal

ACTIONS: Final = MappingProxyType(
    {
        SessionAction.RESUME: Action.RECONNECT_SESSION,
        SessionAction.CONNECT: Action.RECONNECT_SESSION,
        SessionAction.RESET_SEQUENCE_NUMBERS: Action.RESET_SEQUENCE_NUMBERS,
        SessionAction.DISCONNECT: Action.DISCONNECT_SESSION,
    }
)
"""The permission each session action needs."""

_DONE: Final = {
    SessionAction.RESUME: "{name}: resumed; connecting.",
    SessionAction.CONNECT: "{name}: connecting.",
    SessionAction.RESET_SEQUENCE_NUMBERS: "{name}: sequence numbers reset; logging on again with 141=Y.",
    SessionAction.DISCONNECT: "{name}: logging out; it stays down until someone connects it.",
}


class SessionControl:
    """Acts on the sessions of ``groups`` (order sessions, drop copies, market data) for the people at ``engine``'s
    desk."""

    def __init__(self, groups: Sequence[SessionGroup], engine: Engine) -> None:
        self.groups, self.engine = tuple(groups), engine

    def why_not(self, user: UserId, action: SessionAction) -> str | None:
        """Why ``user``'s role may not do ``action`` (for a disabled button's tooltip), or None if it may."""
        role = self.engine.directory.role_of(user)
        needed = ACTIONS[action]
        return None if allows(role, needed) else refusal(user, role, needed)

    def act(self, name: str, action: SessionAction, user: UserId) -> CommandResult:
        """Do ``action`` to session ``name`` as ``user``: refused and recorded if their role may not."""
        if refused := self.engine._refused(user, ACTIONS[action]):
            return refused
        initiator = next((g.initiators[name] for g in self.groups if name in g.initiators), None)
        if initiator is None:
            return CommandResult.refused(f"There is no FIX session {name}; nothing was done.")
        self.engine.record([SessionActionTaken(name, action)], user)
        if action is SessionAction.RESUME:
            initiator.resume()
        elif action is SessionAction.CONNECT:
            initiator.connect()
        elif action is SessionAction.RESET_SEQUENCE_NUMBERS:
            initiator.reset_sequence_numbers()
        else:
            initiator.disconnect()
        return CommandResult(True, message=_DONE[action].format(name=name))
