"""The users projection: every account, its role, desk and state, and each user id's run of failed log-ins.

It is the engine's real ``UserDirectory``: built from the log like every other view and saved in the
snapshot as plain rows, so roles and deactivations survive any restart exactly. A deactivated user has no
role, so every command they name is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.engine.events import LoggedIn, LogInFailed, UserCreated, UserDeactivated, UserReactivated, UserRoleChanged
from app.engine.ids import UserId
from app.engine.roles import Role


@dataclass(slots=True)
class User:
    """One account."""

    user_id: UserId
    name: str
    role: Role
    desk: str
    active: bool = True
    last_log_in: datetime | None = None


@dataclass(slots=True)
class FailedLogIns:
    """A run of failed log-ins under one user id (as typed), since its last successful one."""

    count: int
    last: datetime


class UserBook:
    """Every account by user id, and the failed log-ins that decide how long the next try must wait."""

    name = "users"
    event_types: tuple[type, ...] = (
        UserCreated,
        UserRoleChanged,
        UserDeactivated,
        UserReactivated,
        LoggedIn,
        LogInFailed,
    )

    def __init__(self) -> None:
        self.users: dict[UserId, User] = {}
        self.failed: dict[str, FailedLogIns] = {}

    def apply(self, event: Any, ts: datetime) -> None:
        """Take in one user event."""
        if isinstance(event, UserCreated):
            self.users[event.user_id] = User(event.user_id, event.name, event.role, event.desk)
        elif isinstance(event, UserRoleChanged):
            self.users[event.user_id].role = event.role
        elif isinstance(event, UserDeactivated):
            self.users[event.user_id].active = False
        elif isinstance(event, UserReactivated):
            self.users[event.user_id].active = True
        elif isinstance(event, LoggedIn):
            self.users[event.user_id].last_log_in = ts
            self.failed.pop(event.user_id, None)
        elif isinstance(event, LogInFailed) and event.problem.counts:
            run = self.failed.get(event.user_id)
            self.failed[event.user_id] = FailedLogIns(1 if run is None else run.count + 1, ts)

    def rows(self) -> list[tuple[Any, ...]]:
        """Accounts, then failed-log-in runs, as plain rows."""
        users = [
            ("user", u.user_id, u.name, u.role.value, u.desk, u.active, _text(u.last_log_in))
            for u in self.users.values()
        ]
        return users + [("failed", user_id, run.count, run.last.isoformat()) for user_id, run in self.failed.items()]

    def load_rows(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Restore what ``rows`` wrote."""
        self.users, self.failed = {}, {}
        for kind, user_id, *fields in rows:
            if kind == "user":
                name, role, desk, active, last = fields
                self.users[user_id] = User(user_id, name, Role(role), desk, active, _time(last))
            else:
                count, last = fields
                self.failed[user_id] = FailedLogIns(count, datetime.fromisoformat(last))

    def role_of(self, user: UserId) -> Role | None:
        """``user``'s role, or None if there is no such account or it is deactivated."""
        account = self.users.get(user)
        return account.role if account is not None and account.active else None

    def desk_of(self, user: UserId) -> str | None:
        """The desk ``user`` is (or was) on."""
        account = self.users.get(user)
        return None if account is None else account.desk

    def active_supervisors(self) -> list[UserId]:
        """The supervisors who can still log in."""
        return [u.user_id for u in self.users.values() if u.active and u.role is Role.SUPERVISOR]


def _text(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _time(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)
