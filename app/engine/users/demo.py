"""The demo profile: three demo users on a store of their own, so the desktop opens ready to trade with no typing.

Their password is public (the banner says it), so the profile refuses a store that holds real users; it
runs on a data directory of its own. The demo supervisor enrols itself as a new desk's first supervisor
would, then opens the other two accounts through the ordinary, audited commands.
"""

from __future__ import annotations

from app.engine.errors import ProfileError
from app.engine.ids import UserId
from app.engine.roles import Role
from app.engine.users.admin import UserAdmin
from app.engine.users.commands import CreateUser, LogInResult

DEMO_SUPERVISOR = UserId("demo-supervisor")
DEMO_TRADER = UserId("demo-trader")
DEMO_PM = UserId("demo-pm")
DEMO_DESK = "DEMO"
DEMO_PASSWORD = "demo-password"
DEMO_BANNER = (
    f"DEMO USERS — not for production. Users {DEMO_TRADER}, {DEMO_PM} and {DEMO_SUPERVISOR}, password {DEMO_PASSWORD}."
)
_OTHERS = ((DEMO_TRADER, "Demo Trader", Role.TRADER), (DEMO_PM, "Demo PM", Role.PM))


def prepare_demo(admin: UserAdmin) -> LogInResult:
    """Create the demo users on a new store (a store of demo users is used as it is) and log in as demo-trader."""
    if admin.first_start:
        admin.enrol_first_supervisor(DEMO_SUPERVISOR, "Demo Supervisor", DEMO_DESK, DEMO_PASSWORD)
        for user_id, name, role in _OTHERS:
            admin.create_user(CreateUser(DEMO_SUPERVISOR, user_id, name, role, DEMO_DESK, DEMO_PASSWORD))
    elif DEMO_SUPERVISOR not in admin.book.users:
        raise ProfileError(
            f"The store {admin.engine.store.path} holds real users, and the demo profile (whose password is "
            "public) never runs on it. Leave out --data-dir to use the demo's own store, or leave out --demo."
        )
    return admin.log_in(DEMO_TRADER, DEMO_PASSWORD)
