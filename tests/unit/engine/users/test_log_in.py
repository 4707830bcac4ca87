"""Log-in: each try audited, the same words for a wrong user id or password, a growing wait after three failures."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.engine.clock import FakeClock
from app.engine.events import LoggedIn, LoggedOut, LogInFailed, LogInProblem
from app.engine.ids import UserId
from app.engine.serialization import from_json, to_json
from app.engine.users.admin import WRONG_LOG_IN, UserAdmin
from app.engine.users.commands import DeactivateUser, ResetPassword
from tests.support.users_kit import BOSS, PASSWORD, open_desk

ANN = UserId("ann")


def _kinds_since(admin: UserAdmin, seq: int) -> list[tuple[str, str]]:
    return [(e.kind, e.user) for e in admin.engine.store.read(seq)]


def test_a_good_log_in_is_recorded_and_names_the_user(tmp_path: Path) -> None:
    engine, admin, _ = open_desk(tmp_path / "s.db")
    before = engine.store.last_seq
    result = admin.log_in(" Ann ", PASSWORD)
    assert result.accepted
    assert result.user == ANN
    admin.log_out(ANN)
    assert _kinds_since(admin, before) == [("LoggedIn", "ann"), ("LoggedOut", "ann")]
    assert admin.book.users[ANN].last_log_in == engine.clock.now()


@pytest.mark.parametrize(("user_id", "problem"), [("ann", LogInProblem.WRONG_PASSWORD), ("nobody", "unknown_user")])
def test_a_wrong_user_id_or_password_gets_the_same_words_and_is_audited(
    tmp_path: Path, user_id: str, problem: str
) -> None:
    engine, admin, _ = open_desk(tmp_path / "s.db")
    before = engine.store.last_seq
    result = admin.log_in(user_id, "not the password")
    assert (result.accepted, result.message) == (False, WRONG_LOG_IN)
    [stored] = engine.store.read(before)
    assert (stored.kind, stored.user) == ("LogInFailed", user_id)
    assert from_json(LogInFailed, stored.data).problem == problem


def test_a_closed_account_cannot_log_in_even_with_its_password(tmp_path: Path) -> None:
    _, admin, _ = open_desk(tmp_path / "s.db")
    admin.deactivate(DeactivateUser(BOSS, ANN))
    result = admin.log_in("ann", PASSWORD)
    assert not result.accepted
    assert "account is closed" in result.message


def test_a_reset_password_replaces_the_old_one(tmp_path: Path) -> None:
    _, admin, _ = open_desk(tmp_path / "s.db")
    admin.reset_password(ResetPassword(BOSS, ANN, "brand new secret"))
    assert not admin.log_in("ann", PASSWORD).accepted
    assert admin.log_in("ann", "brand new secret").accepted


def test_three_failures_impose_a_wait_that_grows_and_outlives_a_restart(tmp_path: Path) -> None:
    clock = FakeClock()
    engine, admin, _ = open_desk(tmp_path / "s.db", clock)
    for _ in range(2):
        assert admin.log_in("ann", "wrong guess").wait_seconds == 0
    third = admin.log_in("ann", "wrong guess")
    assert third.wait_seconds == 30
    assert third.message == f"{WRONG_LOG_IN} Too many failed log-ins: wait 30 s before trying again."
    clock.advance(10)
    engine.close()
    engine, admin, _ = open_desk(tmp_path / "s.db", clock)
    too_soon = admin.log_in("ann", PASSWORD)  # the right password, but not yet
    assert (too_soon.accepted, too_soon.wait_seconds) == (False, 20)
    [refused] = engine.store.read(engine.store.last_seq - 1)
    assert from_json(LogInFailed, refused.data).problem == "too_soon"
    clock.advance(20)
    assert admin.log_in("ann", "wrong guess").wait_seconds == 60  # the fourth failure doubles the wait
    clock.advance(60)
    assert admin.log_in("ann", PASSWORD).accepted
    assert admin.wait_before_log_in("ann") == 0
    assert admin.log_in("bob", PASSWORD).accepted  # one user's failures never lock another out


@pytest.mark.parametrize("event", [LoggedIn(ANN), LogInFailed(ANN, LogInProblem.TOO_SOON), LoggedOut(ANN)])
def test_log_in_events_round_trip(event: object) -> None:
    assert from_json(type(event), to_json(event)) == event
