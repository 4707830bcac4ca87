"""Commands about accounts (what a supervisor asks for) and what a log-in comes to."""

from __future__ import annotations

from dataclasses import dataclass

from app.engine.ids import UserId
from app.engine.roles import Role


@dataclass(frozen=True, slots=True)
class CreateUser:
    """Open an account for ``user_id`` with a first password; asked by ``user``."""

    user: UserId
    user_id: str
    name: str
    role: Role
    desk: str
    password: str


@dataclass(frozen=True, slots=True)
class ChangeRole:
    """Give ``target`` another role; asked by ``user``."""

    user: UserId
    target: UserId
    role: Role


@dataclass(frozen=True, slots=True)
class DeactivateUser:
    """Close ``target``'s account; asked by ``user``."""

    user: UserId
    target: UserId


@dataclass(frozen=True, slots=True)
class ReactivateUser:
    """Open ``target``'s closed account again; asked by ``user``."""

    user: UserId
    target: UserId


@dataclass(frozen=True, slots=True)
class ChangeOwnPassword:
    """``user`` changes their own password, giving the one they have now."""

    user: UserId
    old_password: str
    new_password: str


@dataclass(frozen=True, slots=True)
class ResetPassword:
    """Set a new password for ``target``; asked by ``user``."""

    user: UserId
    target: UserId
    password: str


@dataclass(frozen=True, slots=True)
class LogInResult:
    """Who is logged in now, or why nobody is and how long to wait before trying again."""

    user: UserId | None
    message: str = ""
    wait_seconds: float = 0.0

    @property
    def accepted(self) -> bool:
        """Whether the log-in succeeded."""
        return self.user is not None
