"""Users, roles, closed accounts and failed log-ins come back exactly after a restart, from a snapshot or the log."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.engine.clock import FakeClock
from app.engine.ids import UserId
from app.engine.roles import Role
from app.engine.users.commands import ChangeRole, DeactivateUser
from tests.support.users_kit import BOSS, PASSWORD, open_desk

ANN, CAT, VIC = UserId("ann"), UserId("cat"), UserId("vic")


@pytest.mark.parametrize("snapshot", [True, False], ids=["snapshot", "replay"])
def test_the_users_survive_a_restart(tmp_path: Path, snapshot: bool) -> None:
    clock = FakeClock()
    engine, admin, _ = open_desk(tmp_path / "s.db", clock)
    admin.change_role(ChangeRole(BOSS, VIC, Role.SUPERVISOR))
    admin.deactivate(DeactivateUser(BOSS, CAT))
    admin.log_in("ann", PASSWORD)
    admin.log_in("bob", "wrong guess")
    before = (admin.book.users, admin.book.failed)
    if snapshot:
        engine.close()
    else:
        engine.store.close()  # no snapshot: the next start replays the whole log
    engine, admin, _ = open_desk(tmp_path / "s.db", clock)
    assert (engine.store.latest_snapshot() is not None) is snapshot
    assert (admin.book.users, admin.book.failed) == before
    assert engine.directory.role_of(VIC) is Role.SUPERVISOR
    assert engine.directory.role_of(CAT) is None
    assert admin.log_in("ann", PASSWORD).accepted  # the password hash is in the store, not the snapshot
