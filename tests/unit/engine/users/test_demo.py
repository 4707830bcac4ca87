"""The demo profile: three demo users made through the audited commands, demo-trader logged in, never on a real desk."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.engine.errors import ProfileError
from app.engine.roles import Role
from app.engine.users.admin import UserAdmin
from app.engine.users.demo import DEMO_PM, DEMO_SUPERVISOR, DEMO_TRADER, prepare_demo
from tests.support.engine_kit import open_engine
from tests.support.users_kit import FAST_COST, open_desk


def test_a_new_store_gets_the_demo_users_and_demo_trader_is_logged_in(tmp_path: Path) -> None:
    engine, _ = open_engine(tmp_path / "s.db", directory=None)
    admin = UserAdmin(engine, FAST_COST)
    assert prepare_demo(admin).user == DEMO_TRADER
    roles = {user_id: engine.directory.role_of(user_id) for user_id in (DEMO_SUPERVISOR, DEMO_TRADER, DEMO_PM)}
    assert roles == {DEMO_SUPERVISOR: Role.SUPERVISOR, DEMO_TRADER: Role.TRADER, DEMO_PM: Role.PM}
    made = [(e.kind, e.user) for e in engine.store.read()]
    assert made == [("UserCreated", DEMO_SUPERVISOR)] * 3 + [("LoggedIn", DEMO_TRADER)]
    engine.close()
    engine, _ = open_engine(tmp_path / "s.db", directory=None)
    assert prepare_demo(UserAdmin(engine, FAST_COST)).accepted  # the next start reuses them
    assert len(engine.book.users.users) == 3


def test_the_demo_profile_refuses_a_store_with_real_users(tmp_path: Path) -> None:
    _, admin, _ = open_desk(tmp_path / "s.db")
    with pytest.raises(ProfileError, match="holds real users"):
        prepare_demo(admin)
    assert DEMO_TRADER not in admin.book.users
