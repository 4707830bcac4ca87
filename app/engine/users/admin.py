"""Opening and changing accounts, and logging people in, each an audited event of the engine's log.

Account commands are for supervisors (``Action.MANAGE_USERS``); anyone else is refused through the
engine's one refusal path, which records the refusal. The desk always keeps an active supervisor: the last
one can be neither demoted nor deactivated. A password is checked against the rules, hashed (scrypt, a salt
of its own) and saved in the store's ``credentials`` table in the same transaction as the event that says
it changed; the hash never enters the log.

Anyone may change their own password, giving the one they have now (a wrong one counts as a failed log-in);
a supervisor may open a closed account again. Each command that hashes or checks a password has a
``begin_...`` form returning a ``Slow`` (see slow.py), so the desktop hashes on a worker thread.

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
    UserReactivated,
    UserRoleChanged,
)
from app.engine.ids import UserId
from app.engine.order import FieldError
from app.engine.roles import Action, Role
from app.engine.store import Transaction
from app.engine.store_records import Credential
from app.engine.users.book import FailedLogIns, User, UserBook
from app.engine.users.commands import (
    ChangeOwnPassword,
    ChangeRole,
    CreateUser,
    DeactivateUser,
    LogInResult,
    ReactivateUser,
    ResetPassword,
)
from app.engine.users.passwords import STANDARD_COST, ScryptCost, hash_password, matches, password_problems
from app.engine.users.slow import Slow

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
        return self.begin_enrol_first_supervisor(user_id, name, desk, password).run()

    def begin_enrol_first_supervisor(self, user_id: str, name: str, desk: str, password: str) -> Slow[CommandResult]:
        """``enrol_first_supervisor`` with its hashing apart."""
        return self._open(CreateUser(UserId(user_id), user_id, name, Role.SUPERVISOR, desk, password), first=True)

    def create_user(self, cmd: CreateUser) -> CommandResult:
        """Open an account (supervisors only)."""
        return self.begin_create_user(cmd).run()

    def begin_create_user(self, cmd: CreateUser) -> Slow[CommandResult]:
        """``create_user`` with its hashing apart."""
        if refused := self.engine._refused(cmd.user, Action.MANAGE_USERS):
            return Slow.done(refused)
        return self._open(cmd, first=False)

    def _open(self, cmd: CreateUser, *, first: bool) -> Slow[CommandResult]:
        def problem() -> CommandResult | None:
            if first and not self.first_start:
                return CommandResult.refused(
                    "This desk already has users: ask a supervisor to open an account for you."
                )
            problems = self._new_user_problems(cmd)
            return (
                CommandResult(False, None, "The account has errors; nothing was changed.", tuple(problems))
                if problems
                else None
            )

        def finish(credential: Credential) -> CommandResult:
            if refused := problem():  # checked again: someone may have taken the user id while it was hashing
                return refused
            user_id, desk = UserId(cmd.user_id), cmd.desk.strip()
            self._record(UserCreated(user_id, cmd.name.strip(), cmd.role, desk), cmd.user, credential)
            return CommandResult(True, None, f"Opened {user_id}'s account ({cmd.role.label}, desk {desk}).")

        if refused := problem():
            return Slow.done(refused)
        return Slow(partial(hash_password, cmd.user_id, cmd.password, self.cost), finish)

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

    def reactivate(self, cmd: ReactivateUser) -> CommandResult:
        """Open a closed account again (supervisors only); the user logs in with the password they had."""
        if refused := self.engine._refused(cmd.user, Action.MANAGE_USERS):
            return refused
        account = self.book.users.get(cmd.target)
        if account is None:
            return CommandResult.refused(f"There is no user {cmd.target}.")
        if account.active:
            return CommandResult.refused(f"{cmd.target}'s account is open already.")
        self._record(UserReactivated(cmd.target), cmd.user)
        return CommandResult(True, None, f"{cmd.target}'s account is open again ({account.role.label}).")

    def reset_password(self, cmd: ResetPassword) -> CommandResult:
        """Set a new password for a user (supervisors only)."""
        return self.begin_reset_password(cmd).run()

    def begin_reset_password(self, cmd: ResetPassword) -> Slow[CommandResult]:
        """``reset_password`` with its hashing apart."""
        account = self._target(cmd.user, cmd.target)
        if isinstance(account, CommandResult):
            return Slow.done(account)
        problems = tuple(FieldError("password", text) for text in password_problems(cmd.target, cmd.password))
        if problems:
            return Slow.done(CommandResult(False, None, "The password was not changed.", problems))

        def finish(credential: Credential) -> CommandResult:
            self._record(PasswordChanged(cmd.target), cmd.user, credential)
            return CommandResult(True, None, f"{cmd.target}'s password was changed.")

        return Slow(partial(hash_password, cmd.target, cmd.password, self.cost), finish)

    def change_own_password(self, cmd: ChangeOwnPassword) -> CommandResult:
        """Change one's own password, giving the current one; a wrong one counts as a failed log-in."""
        return self.begin_change_own_password(cmd).run()

    def begin_change_own_password(self, cmd: ChangeOwnPassword) -> Slow[CommandResult]:
        """``change_own_password`` with its checking and hashing apart."""
        user = cmd.user
        account = self.book.users.get(user)
        stored = self.engine.store.credential(user) if account is not None and account.active else None
        if stored is None:
            return Slow.done(CommandResult.refused(f"{user} has no open account here; nothing was changed."))
        if wait := self.wait_before_log_in(user):
            return Slow.done(CommandResult.refused(_wait_text(wait)))
        problems = tuple(FieldError("new_password", text) for text in password_problems(user, cmd.new_password))
        if cmd.new_password == cmd.old_password:
            problems += (FieldError("new_password", "The new password must differ from the one you have now."),)
        if problems:
            return Slow.done(CommandResult(False, None, "The password was not changed.", problems))

        def work() -> Credential | None:
            right = matches(cmd.old_password, stored)
            return hash_password(user, cmd.new_password, self.cost) if right else None

        def finish(credential: Credential | None) -> CommandResult:
            if credential is None:
                self._record(LogInFailed(user, LogInProblem.WRONG_PASSWORD), user)
                wait = self.wait_before_log_in(user)
                text = "Your current password is not right; the password was not changed."
                return CommandResult.refused(f"{text} {_wait_text(wait)}" if wait else text)
            self._record(PasswordChanged(user), user, credential)
            return CommandResult(True, None, "Your password was changed.")

        return Slow(work, finish)

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
        return self.begin_log_in(user_id, password).run()

    def begin_log_in(self, user_id: str, password: str) -> Slow[LogInResult]:
        """``log_in`` with its password check apart."""
        typed = UserId(_typed(user_id))
        if not typed:
            return Slow.done(LogInResult(None, "Enter your user id."))
        wait = self.wait_before_log_in(typed)
        if wait > 0:
            self._record(LogInFailed(typed, LogInProblem.TOO_SOON), typed)
            return Slow.done(LogInResult(None, _wait_text(wait), wait))
        stored = self.engine.store.credential(typed) if typed in self.book.users else None

        def work() -> bool:
            # An unknown user costs the same time as a real check: do not reveal who exists.
            return matches(password, stored or self._decoy_credential()) and stored is not None

        def finish(right: bool) -> LogInResult:
            account = self.book.users.get(typed)
            problem: LogInProblem | None
            if not right or account is None:
                problem = LogInProblem.WRONG_PASSWORD if account is not None else LogInProblem.UNKNOWN_USER
            else:
                problem = None if account.active else LogInProblem.DEACTIVATED
            if problem is None:
                self._record(LoggedIn(typed), typed)
                return LogInResult(typed)
            self._record(LogInFailed(typed, problem), typed)
            if problem is LogInProblem.DEACTIVATED:
                return LogInResult(None, f"{typed}'s account is closed; ask a supervisor.")
            wait = self.wait_before_log_in(typed)
            return LogInResult(None, f"{WRONG_LOG_IN} {_wait_text(wait)}" if wait else WRONG_LOG_IN, wait)

        return Slow(work, finish)

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
