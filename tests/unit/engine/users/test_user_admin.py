"""Account commands: supervisors only (refusals audited), the last supervisor kept, hashes out of the log."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from app.engine.commands import CommandResult
from app.engine.events import (
    ActionRefused,
    LogInFailed,
    LogInProblem,
    PasswordChanged,
    UserCreated,
    UserDeactivated,
    UserReactivated,
    UserRoleChanged,
)
from app.engine.ids import UserId
from app.engine.roles import Action, Role
from app.engine.serialization import from_json, to_json
from app.engine.users.admin import UserAdmin
from app.engine.users.commands import (
    ChangeOwnPassword,
    ChangeRole,
    CreateUser,
    DeactivateUser,
    ReactivateUser,
    ResetPassword,
)
from tests.support.users_kit import BOSS, PASSWORD, open_desk

ANN, PAM, VIC = UserId("ann"), UserId("pam"), UserId("vic")
NEW_PASSWORD = "another fine secret"

Command = Callable[[UserAdmin, UserId], CommandResult]
COMMANDS: dict[str, Command] = {
    "create": lambda admin, by: admin.create_user(CreateUser(by, "dan", "Dan", Role.TRADER, "EQ1", PASSWORD)),
    "change role": lambda admin, by: admin.change_role(ChangeRole(by, ANN, Role.PM)),
    "deactivate": lambda admin, by: admin.deactivate(DeactivateUser(by, ANN)),
    "reset password": lambda admin, by: admin.reset_password(ResetPassword(by, ANN, NEW_PASSWORD)),
    "reactivate": lambda admin, by: admin.reactivate(ReactivateUser(by, ANN)),
}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(("user", "role"), [(ANN, Role.TRADER), (PAM, Role.PM), (VIC, Role.VIEWER)])
def test_only_a_supervisor_manages_users_and_each_refusal_is_audited(
    tmp_path: Path, command: str, user: UserId, role: Role
) -> None:
    engine, admin, _ = open_desk(tmp_path / "s.db")
    before = engine.store.last_seq
    result = COMMANDS[command](admin, user)
    assert not result.accepted
    assert result.message == f"{user} is a {role.label}; a {role.label} cannot manage users."
    [stored] = engine.store.read(before)
    assert (stored.kind, stored.user) == ("ActionRefused", user)
    assert from_json(ActionRefused, stored.data).action is Action.MANAGE_USERS


@pytest.mark.parametrize("command", COMMANDS)
def test_a_supervisor_may_do_each_and_the_event_names_them(tmp_path: Path, command: str) -> None:
    engine, admin, _ = open_desk(tmp_path / "s.db")
    if command == "reactivate":
        assert admin.deactivate(DeactivateUser(BOSS, ANN)).accepted
    before = engine.store.last_seq
    assert COMMANDS[command](admin, BOSS).accepted
    [stored] = engine.store.read(before)
    assert stored.user == BOSS
    assert stored.kind in {"UserCreated", "UserRoleChanged", "UserDeactivated", "PasswordChanged", "UserReactivated"}


def test_a_change_of_role_takes_effect_at_once(tmp_path: Path) -> None:
    engine, admin, _ = open_desk(tmp_path / "s.db")
    assert admin.change_role(ChangeRole(BOSS, VIC, Role.SUPERVISOR)).accepted
    assert engine.directory.role_of(VIC) is Role.SUPERVISOR
    assert admin.create_user(CreateUser(VIC, "dan", "Dan", Role.TRADER, "EQ2", PASSWORD)).accepted
    assert admin.deactivate(DeactivateUser(BOSS, ANN)).accepted
    assert engine.directory.role_of(ANN) is None
    assert engine.directory.desk_of(ANN) == "EQ1"


def test_the_last_active_supervisor_can_be_neither_demoted_nor_deactivated(tmp_path: Path) -> None:
    engine, admin, _ = open_desk(tmp_path / "s.db")
    demoted = admin.change_role(ChangeRole(BOSS, BOSS, Role.TRADER))
    assert not demoted.accepted
    assert "boss is the last active supervisor" in demoted.message
    assert not admin.deactivate(DeactivateUser(BOSS, BOSS)).accepted
    assert [e.kind for e in engine.store.read(engine.store.last_seq - 2)] == ["ActionRefused", "ActionRefused"]
    assert engine.directory.role_of(BOSS) is Role.SUPERVISOR
    admin.change_role(ChangeRole(BOSS, ANN, Role.SUPERVISOR))
    assert admin.deactivate(DeactivateUser(ANN, BOSS)).accepted  # two supervisors: one may go
    assert not admin.change_role(ChangeRole(ANN, ANN, Role.VIEWER)).accepted


def test_an_account_with_errors_changes_nothing_and_says_what_is_wrong_field_by_field(tmp_path: Path) -> None:
    engine, admin, _ = open_desk(tmp_path / "s.db")
    before = engine.store.last_seq
    result = admin.create_user(CreateUser(BOSS, "Ann Smith", " ", Role.TRADER, "", "short"))
    assert not result.accepted
    assert {p.field for p in result.problems} == {"user_id", "name", "desk", "password"}
    taken = admin.create_user(CreateUser(BOSS, "ann", "Ann", Role.TRADER, "EQ1", PASSWORD))
    assert [p.message for p in taken.problems] == ["There is already a user ann."]
    assert not admin.reset_password(ResetPassword(BOSS, ANN, "short")).accepted
    assert not admin.change_role(ChangeRole(BOSS, UserId("nobody"), Role.PM)).accepted
    assert engine.store.last_seq == before


def test_only_the_first_account_can_be_enrolled_without_a_supervisor(tmp_path: Path) -> None:
    _, admin, _ = open_desk(tmp_path / "s.db")
    result = admin.enrol_first_supervisor("eve", "Eve", "EQ1", PASSWORD)
    assert not result.accepted
    assert "eve" not in admin.book.users


def test_a_password_lives_only_as_a_hash_in_the_credentials_table(tmp_path: Path) -> None:
    engine, admin, _ = open_desk(tmp_path / "s.db")
    admin.reset_password(ResetPassword(BOSS, ANN, NEW_PASSWORD))
    engine.close()
    raw = b"".join(path.read_bytes() for path in tmp_path.glob("s.db*"))
    assert PASSWORD.encode() not in raw
    assert NEW_PASSWORD.encode() not in raw
    conn = sqlite3.connect(tmp_path / "s.db")
    try:
        rows = conn.execute("SELECT user_id, scheme, event_seq FROM credentials ORDER BY user_id").fetchall()
        events = dict(conn.execute("SELECT seq, kind FROM events").fetchall())
        data = " ".join(d for (d,) in conn.execute("SELECT data FROM events"))
    finally:
        conn.close()
    assert [r[0] for r in rows] == ["ann", "bob", "boss", "cat", "pam", "vic"]
    assert {r[1] for r in rows} == {"scrypt"}
    assert events[dict((r[0], r[2]) for r in rows)["ann"]] == "PasswordChanged"  # the row names its event
    assert "salt" not in data
    assert "digest" not in data


@pytest.mark.parametrize(
    "event",
    [
        UserCreated(ANN, "Ann", Role.TRADER, "EQ1"),
        UserRoleChanged(ANN, Role.PM, Role.TRADER),
        UserDeactivated(ANN),
        PasswordChanged(ANN),
        UserReactivated(ANN),
    ],
)
def test_user_events_round_trip(event: object) -> None:
    assert from_json(type(event), to_json(event)) == event


def test_a_closed_account_is_opened_again_by_a_supervisor_and_logs_in_as_before(tmp_path: Path) -> None:
    engine, admin, _ = open_desk(tmp_path / "s.db")
    assert admin.deactivate(DeactivateUser(BOSS, ANN)).accepted
    assert admin.log_in(ANN, PASSWORD).user is None
    refused = admin.reactivate(ReactivateUser(BOSS, UserId("bob")))
    assert refused.message == "bob's account is open already."
    result = admin.reactivate(ReactivateUser(BOSS, ANN))
    assert result.accepted, result.message
    assert result.message == "ann's account is open again (trader)."
    assert engine.directory.role_of(ANN) is Role.TRADER
    assert admin.log_in(ANN, PASSWORD).user == ANN
    [stored] = [r for r in engine.store.read() if r.kind == "UserReactivated"]
    assert (stored.user, from_json(UserReactivated, stored.data)) == (BOSS, UserReactivated(ANN))


def test_anyone_changes_their_own_password_given_the_current_one(tmp_path: Path) -> None:
    engine, admin, _ = open_desk(tmp_path / "s.db")
    result = admin.change_own_password(ChangeOwnPassword(VIC, PASSWORD, NEW_PASSWORD))  # even a viewer
    assert result.accepted, result.message
    assert admin.log_in(VIC, PASSWORD).user is None
    assert admin.log_in(VIC, NEW_PASSWORD).user == VIC
    [stored] = [r for r in engine.store.read() if r.kind == "PasswordChanged"]
    assert (stored.user, from_json(PasswordChanged, stored.data)) == (VIC, PasswordChanged(VIC))


def test_a_wrong_current_password_changes_nothing_and_counts_as_a_failed_log_in(tmp_path: Path) -> None:
    engine, admin, _ = open_desk(tmp_path / "s.db")
    for _ in range(3):
        result = admin.change_own_password(ChangeOwnPassword(ANN, "not my password at all", NEW_PASSWORD))
        assert not result.accepted
    assert result.message.startswith("Your current password is not right; the password was not changed. Too many")
    failed = [from_json(LogInFailed, r.data) for r in engine.store.read() if r.kind == "LogInFailed"]
    assert failed == [LogInFailed(ANN, LogInProblem.WRONG_PASSWORD)] * 3
    waiting = admin.change_own_password(ChangeOwnPassword(ANN, PASSWORD, NEW_PASSWORD))
    assert not waiting.accepted  # the wait holds even with the right password
    assert "wait" in waiting.message
    assert admin.log_in(ANN, NEW_PASSWORD).user is None


def test_a_new_password_must_follow_the_rules_and_differ(tmp_path: Path) -> None:
    _, admin, _ = open_desk(tmp_path / "s.db")
    same = admin.change_own_password(ChangeOwnPassword(ANN, PASSWORD, PASSWORD))
    assert [p.message for p in same.problems] == ["The new password must differ from the one you have now."]
    short = admin.change_own_password(ChangeOwnPassword(ANN, PASSWORD, "short"))
    assert short.problems
    assert all(p.field == "new_password" for p in short.problems)


def test_the_slow_part_runs_apart_and_the_rest_is_checked_again_when_it_ends(tmp_path: Path) -> None:
    engine, admin, _ = open_desk(tmp_path / "s.db")
    slow = admin.begin_create_user(CreateUser(BOSS, "dan", "Dan", Role.TRADER, "EQ1", PASSWORD))
    before = engine.store.last_seq
    credential = slow.work()  # on a worker thread, in the desktop: nothing recorded yet
    assert engine.store.last_seq == before
    assert admin.create_user(CreateUser(BOSS, "dan", "Daniel", Role.PM, "EQ2", PASSWORD)).accepted  # meanwhile
    late = slow.finish(credential)
    assert not late.accepted
    assert [p.message for p in late.problems] == ["There is already a user dan."]
