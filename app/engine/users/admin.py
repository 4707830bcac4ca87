"""Opening and changing accounts, and logging people in, each an audited event of the engine's log.

Account commands are for supervisors (``Action.MANAGE_USERS``); anyone else is refused through the
engine's one refusal path, which records the refusal. The desk always keeps an active supervisor: the last
one can be neither demoted nor deactivated. A password is checked against the rules, hashed (scrypt, a salt
of its own) and saved in the store's ``credentials`` table in the same transaction as the event that says
it changed; the hash never enters the log.

Log-in: after ``FAILURES_BEFORE_WAIT`` failed tries in a row under one user id, the next must wait (30 s,
doubling with each further failure, at most 15 minutes). The run of failures is part of the users
projection, so restarting the program does not reset it. Whether the user id or the password was wrong,
the person is told the same, and an unknown user id costs the same hashing time as a known one.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import partial

from app.engine.commands import CommandResult
from app.engine.engine import Engine
from app.engine.events import (
    Event,
    LoggedIn,
    LoggedOut,
    LogInFailed,
    LogInProblem,
    PasswordChanged,
    UserCreated,
    UserDeactivated,
    UserRoleChanged,
)
from app.engine.ids import UserId
from app.engine.order import FieldError
from app.engine.roles import Action, Role
from app.engine.store import Transaction
from app.engine.store_records import Credential
from app.engine.users.book import FailedLogIns, User, UserBook
from app.engine.users.commands import ChangeRole, CreateUser, DeactivateUser, LogInResult, ResetPassword
from app.engine.users.passwords import STANDARD_COST, ScryptCost, hash_password, matches, password_problems

USER_ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{1,31}")
"""A user id: 2 to 32 lower-case letters, digits, dots, dashes or underscores, starting with a letter or digit."""
FAILURES_BEFORE_WAIT = 3
FIRST_WAIT_SECONDS = 30.0
LONGEST_WAIT_SECONDS = 15 * 60.0
WRONG_LOG_IN = "Wrong user id or password."


def wait_left(failed: FailedLogIns | None, now: datetime) -> float:
    """Seconds still to wait after the run of failures ``failed`` before the next log-in try (0: none)."""
    if failed is None or failed.count < FAILURES_BEFORE_WAIT:
        return 0.0
    wait = min(FIRST_WAIT_SECONDS * 2 ** (failed.count - FAILURES_BEFORE_WAIT), LONGEST_WAIT_SECONDS)
    return max(0.0, (failed.last + timedelta(seconds=wait) - now).total_seconds())


class UserAdmin:
    """The desk's accounts over ``engine``; passwords are hashed at ``cost`` (tests use a cheap one)."""

    def __init__(self, engine: Engine, cost: ScryptCost = STANDARD_COST) -> None:
        self.engine, self.cost = engine, cost
        self._decoy: Credential | None = None

    @property
    def book(self) -> UserBook:
        """Every account, as the log stands."""
        return self.engine.book.users

    @property
    def first_start(self) -> bool:
        """Whether the desk has no users yet, so its first supervisor must be enrolled."""
        return not self.book.users

    # Accounts --------------------------------------------------------------------------------------

    def enrol_first_supervisor(self, user_id: str, name: str, desk: str, password: str) -> CommandResult:
        """Open the first account of a new desk, a supervisor's; refused once the desk has any user."""
        if not self.first_start:
            return CommandResult.refused("This desk already has users: ask a supervisor to open an account for you.")
        return self._open(CreateUser(UserId(user_id), user_id, name, Role.SUPERVISOR, desk, password))

    def create_user(self, cmd: CreateUser) -> CommandResult:
        """Open an account (supervisors only)."""
        if refused := self.engine._refused(cmd.user, Action.MANAGE_USERS):
            return refused
        return self._open(cmd)

    def _open(self, cmd: CreateUser) -> CommandResult:
        problems = self._new_user_problems(cmd)
        if problems:
            return CommandResult(False, None, "The account has errors; nothing was changed.", tuple(problems))
        credential = hash_password(cmd.user_id, cmd.password, self.cost)
        user_id = UserId(cmd.user_id)
        self._record(UserCreated(user_id, cmd.name.strip(), cmd.role, cmd.desk.strip()), cmd.user, credential)
        return CommandResult(True, None, f"Opened {user_id}'s account ({cmd.role.label}, desk {cmd.desk.strip()}).")

    def _new_user_problems(self, cmd: CreateUser) -> list[FieldError]:
        found = []
        if not USER_ID_PATTERN.fullmatch(cmd.user_id):
            found.append(FieldError("user_id", "A user id is 2 to 32 lower-case letters, digits, '.', '-' or '_'."))
        elif cmd.user_id in self.book.users:
            found.append(FieldError("user_id", f"There is already a user {cmd.user_id}."))
        if not cmd.name.strip():
            found.append(FieldError("name", "Enter the person's name."))
        if not cmd.desk.strip():
            found.append(FieldError("desk", "Enter the desk the person works on."))
        found += [FieldError("password", text) for text in password_problems(cmd.user_id, cmd.password)]
        return found

    def change_role(self, cmd: ChangeRole) -> CommandResult:
        """Give a user another role (supervisors only; never leaving the desk without a supervisor)."""
        account = self._target(cmd.user, cmd.target)
        if isinstance(account, CommandResult):
            return account
        if account.role is cmd.role:
            return CommandResult.refused(f"{cmd.target} is already a {cmd.role.label}.")
        if refused := self._last_supervisor(cmd.user, account, f"make {cmd.target} a {cmd.role.label}"):
            return refused
        self._record(UserRoleChanged(cmd.target, cmd.role, account.role), cmd.user)
        return CommandResult(True, None, f"{cmd.target} is now a {cmd.role.label}.")

    def deactivate(self, cmd: DeactivateUser) -> CommandResult:
        """Close a user's account (supervisors only; never the last active supervisor's)."""
        account = self._target(cmd.user, cmd.target)
        if isinstance(account, CommandResult):
            return account
        if refused := self._last_supervisor(cmd.user, account, f"deactivate {cmd.target}"):
            return refused
        self._record(UserDeactivated(cmd.target), cmd.user)
        return CommandResult(True, None, f"{cmd.target}'s account is closed; their past events stand.")

    def reset_password(self, cmd: ResetPassword) -> CommandResult:
        """Set a new password for a user (supervisors only)."""
        account = self._target(cmd.user, cmd.target)
        if isinstance(account, CommandResult):
            return account
        problems = tuple(FieldError("password", text) for text in password_problems(cmd.target, cmd.password))
        if problems:
            return CommandResult(False, None, "The password was not changed.", problems)
        self._record(PasswordChanged(cmd.target), cmd.user, hash_password(cmd.target, cmd.password, self.cost))
        return CommandResult(True, None, f"{cmd.target}'s password was changed.")

    def _target(self, user: UserId, target: UserId) -> User | CommandResult:
        """The active account ``user`` (who must be allowed to manage users) wants to change, or why not."""
        if refused := self.engine._refused(user, Action.MANAGE_USERS):
            return refused
        account = self.book.users.get(target)
        if account is None:
            return CommandResult.refused(f"There is no user {target}.")
        if not account.active:
            return CommandResult.refused(f"{target}'s account is closed; it cannot be changed.")
        return account

    def _last_supervisor(self, user: UserId, account: User, wanted: str) -> CommandResult | None:
        if account.role is not Role.SUPERVISOR or len(self.book.active_supervisors()) > 1:
            return None
        reason = (
            f"{user} cannot {wanted}: {account.user_id} is the last active supervisor, and the desk must keep one. "
            "Make another user a supervisor first."
        )
        return self.engine.refuse(user, Action.MANAGE_USERS, reason)

    def _record(self, event: Event, user: UserId, credential: Credential | None = None) -> None:
        save = None if credential is None else partial(Transaction.save_credential, credential=credential)
        self.engine.record([event], user, save)

    # Log-in ----------------------------------------------------------------------------------------

    def wait_before_log_in(self, user_id: str) -> float:
        """Seconds before ``user_id`` may try to log in again (0: now)."""
        return wait_left(self.book.failed.get(_typed(user_id)), self.engine.clock.now())

    def log_in(self, user_id: str, password: str) -> LogInResult:
        """Check ``password`` for ``user_id``; record the log-in or the failure, and say what became of it."""
        typed = UserId(_typed(user_id))
        if not typed:
            return LogInResult(None, "Enter your user id.")
        wait = self.wait_before_log_in(typed)
        if wait > 0:
            self._record(LogInFailed(typed, LogInProblem.TOO_SOON), typed)
            return LogInResult(None, _wait_text(wait), wait)
        problem = self._check(typed, password)
        if problem is None:
            self._record(LoggedIn(typed), typed)
            return LogInResult(typed)
        self._record(LogInFailed(typed, problem), typed)
        if problem is LogInProblem.DEACTIVATED:
            return LogInResult(None, f"{typed}'s account is closed; ask a supervisor.")
        wait = self.wait_before_log_in(typed)
        return LogInResult(None, f"{WRONG_LOG_IN} {_wait_text(wait)}" if wait else WRONG_LOG_IN, wait)

    def _check(self, user_id: UserId, password: str) -> LogInProblem | None:
        account = self.book.users.get(user_id)
        stored = self.engine.store.credential(user_id) if account is not None else None
        if stored is None:
            matches(password, self._decoy_credential())  # the same time as a real check: do not reveal who exists
            return LogInProblem.UNKNOWN_USER
        if not matches(password, stored):
            return LogInProblem.WRONG_PASSWORD
        return None if account is not None and account.active else LogInProblem.DEACTIVATED

    def _decoy_credential(self) -> Credential:
        if self._decoy is None:
            self._decoy = hash_password("", "decoy password", self.cost)
        return self._decoy

    def log_out(self, user: UserId) -> None:
        """Record that ``user`` logged out."""
        self._record(LoggedOut(user), user)


def _typed(user_id: str) -> str:
    return user_id.strip().lower()


def _wait_text(seconds: float) -> str:
    whole = int(seconds + 0.999)
    return f"Too many failed log-ins: wait {whole} s before trying again."
