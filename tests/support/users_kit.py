"""A desk whose users are recorded in its own store: a supervisor, traders on two desks, a PM and a viewer."""

from __future__ import annotations

from pathlib import Path

from app.engine.clock import FakeClock
from app.engine.engine import Engine
from app.engine.ids import UserId
from app.engine.roles import Role
from app.engine.users.admin import UserAdmin
from app.engine.users.commands import CreateUser
from app.engine.users.passwords import ScryptCost
from tests.support.engine_kit import RecordingOutbound, open_engine

FAST_COST = ScryptCost(2**4)
"""A deliberately cheap scrypt cost so tests hash in microseconds; the parameters travel with each hash."""
BOSS = UserId("boss")
PASSWORD = "a long enough secret"
STAFF = {
    UserId("ann"): (Role.TRADER, "EQ1"),
    UserId("bob"): (Role.TRADER, "EQ1"),
    UserId("cat"): (Role.TRADER, "EQ2"),
    UserId("pam"): (Role.PM, "EQ1"),
    UserId("vic"): (Role.VIEWER, "EQ1"),
}
"""Everyone but the boss (a supervisor on EQ1): role and desk."""


def open_desk(path: Path, clock: FakeClock | None = None) -> tuple[Engine, UserAdmin, RecordingOutbound]:
    """An engine at ``path`` whose users are its own; on a new store, the boss and the staff are enrolled."""
    engine, outbound = open_engine(path, clock=clock, directory=None)
    admin = UserAdmin(engine, FAST_COST)
    if admin.first_start:
        assert admin.enrol_first_supervisor(BOSS, "The Boss", "EQ1", PASSWORD).accepted
        for user_id, (role, desk) in STAFF.items():
            assert admin.create_user(CreateUser(BOSS, user_id, user_id.title(), role, desk, PASSWORD)).accepted
    return engine, admin, outbound
