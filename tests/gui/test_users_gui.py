"""Users on the desktop: first start, log-in failures and the wait, the demo banner, switching user, the users
dialog, what a role may not do disabled with the reason, and every event of a session naming its user."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.engine.clock import FakeClock
from app.engine.engine import Engine
from app.engine.ids import UserId
from app.engine.roles import Role
from app.engine.users.admin import WRONG_LOG_IN, UserAdmin
from app.engine.users.demo import DEMO_BANNER, DEMO_PASSWORD, DEMO_SUPERVISOR, DEMO_TRADER, prepare_demo
from app.ui.first_start_dialog import QtFirstStartDialog
from app.ui.log_in_dialog import QtLogInDialog
from app.ui.main_window import MainWindow
from app.ui.users_dialog import QtUsersDialog
from tests.support.engine_kit import open_engine
from tests.support.reports import VenueOrder
from tests.support.users_kit import BOSS, FAST_COST, PASSWORD, open_desk

ANN, VIC = UserId("ann"), UserId("vic")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def desk(tmp_path: Path, clock: FakeClock) -> Iterator[tuple[Engine, UserAdmin]]:
    engine, admin, _ = open_desk(tmp_path / "desk.db", clock)
    yield engine, admin
    engine.close()


def _settle(qtbot: QtBot, dialog: QtLogInDialog | QtFirstStartDialog | QtUsersDialog) -> None:
    """Wait for the password work the dialog runs off the GUI thread, and what follows it, to finish."""
    qtbot.waitUntil(lambda: not dialog.slow.busy)


def _window(qtbot: QtBot, admin: UserAdmin, user: UserId, settings: QSettings, banner: str = "") -> MainWindow:
    window = MainWindow(admin.engine, ["SIM1"], user=user, admin=admin, banner=banner, settings=settings)
    qtbot.addWidget(window)
    window.show()
    return window


def test_first_start_opens_the_supervisors_account_and_logs_them_in(qtbot: QtBot, tmp_path: Path) -> None:
    engine, _ = open_engine(tmp_path / "new.db", directory=None)
    admin = UserAdmin(engine, FAST_COST)
    assert admin.first_start
    dialog = QtFirstStartDialog(admin)
    qtbot.addWidget(dialog)
    for line, text in ((dialog.user_id, "jsmith"), (dialog.name, "Jo Smith"), (dialog.desk, "EQ1")):
        QTest.keyClicks(line, text)
    QTest.keyClicks(dialog.password, "short")
    QTest.keyClicks(dialog.again, "shorter")
    dialog.open_account()
    _settle(qtbot, dialog)
    assert dialog.errors["again"].text() == "The two passwords differ."
    dialog.again.setText("short")
    dialog.open_account()
    _settle(qtbot, dialog)
    assert dialog.errors["password"].text() == "A password needs at least 10 characters (this one has 5)."
    assert admin.first_start
    dialog.password.setText(PASSWORD)
    dialog.again.setText(PASSWORD)
    dialog.open_account()
    _settle(qtbot, dialog)
    assert dialog.result() == QtFirstStartDialog.DialogCode.Accepted
    assert dialog.user == "jsmith"
    assert engine.directory.role_of(UserId("jsmith")) is Role.SUPERVISOR
    assert [(e.kind, e.user) for e in engine.store.read()] == [("UserCreated", "jsmith"), ("LoggedIn", "jsmith")]
    engine.close()


def test_three_failed_log_ins_make_the_dialog_wait_and_each_is_audited(
    qtbot: QtBot, desk: tuple[Engine, UserAdmin], clock: FakeClock
) -> None:
    engine, admin = desk
    dialog = QtLogInDialog(admin)
    qtbot.addWidget(dialog)
    before = engine.store.last_seq
    QTest.keyClicks(dialog.user_id, "ann")
    for _ in range(3):
        QTest.keyClicks(dialog.password, "wrong guess")
        dialog.log_in_button.click()
        _settle(qtbot, dialog)
    assert not dialog.log_in_button.isEnabled()
    assert dialog.message.text() == f"{WRONG_LOG_IN} Too many failed log-ins: wait 30 s before trying again."
    assert dialog.countdown.text() == "Next try in 30 s."
    assert [(e.kind, e.user) for e in engine.store.read(before)] == [("LogInFailed", "ann")] * 3
    clock.advance(30)
    dialog.refresh_wait()
    assert dialog.log_in_button.isEnabled()
    assert dialog.countdown.text() == ""
    QTest.keyClicks(dialog.password, "wrong again")
    dialog.log_in_button.click()
    _settle(qtbot, dialog)
    assert dialog.countdown.text() == "Next try in 60 s."  # the fourth failure doubles the wait
    clock.advance(60)
    dialog.refresh_wait()
    QTest.keyClicks(dialog.password, PASSWORD)
    dialog.log_in_button.click()
    _settle(qtbot, dialog)
    assert dialog.user == ANN
    assert dialog.result() == QtLogInDialog.DialogCode.Accepted


def test_the_demo_profile_shows_its_banner_and_a_real_desk_does_not(
    qtbot: QtBot, tmp_path: Path, settings: QSettings
) -> None:
    engine, _ = open_engine(tmp_path / "demo.db", directory=None)
    admin = UserAdmin(engine, FAST_COST)
    user = prepare_demo(admin).user
    assert user == DEMO_TRADER
    window = _window(qtbot, admin, user, settings, DEMO_BANNER)
    assert window.banner.isVisible()
    assert window.banner.text().startswith("DEMO USERS — not for production")
    assert window.windowTitle() == "OEMS: demo-trader (trader)"
    assert window.who.text() == "demo-trader · trader · desk DEMO"
    window.close()
    plain = _window(qtbot, admin, user, settings)
    assert not plain.banner.isVisible()
    engine.close()


def test_what_a_viewer_may_not_do_is_disabled_with_the_reason_and_the_engine_still_refuses(
    qtbot: QtBot, desk: tuple[Engine, UserAdmin], settings: QSettings
) -> None:
    engine, admin = desk
    window = _window(qtbot, admin, VIC, settings)
    ticket, blotter = window.ticket, window.blotter
    assert not ticket.submit_button.isEnabled()
    assert ticket.submit_button.toolTip() == "vic is a viewer; a viewer cannot enter orders."
    assert not blotter.cancel_action.isEnabled()
    assert blotter.cancel_action.toolTip() == "vic is a viewer; a viewer cannot cancel orders."
    assert not blotter.amend_action.isEnabled()
    assert not window.users_action.isEnabled()
    assert window.users_action.toolTip() == "vic is a viewer; a viewer cannot manage users."
    QTest.keyClicks(ticket.symbol, "AAPL")
    QTest.keyClicks(ticket.qty, "100")
    QTest.keyClicks(ticket.limit_px, "10")
    result = ticket.submit()  # Enter still reaches the engine, which refuses and records it
    assert result is not None
    assert not result.accepted
    assert ticket.result.text() == "Denied: vic is a viewer; a viewer cannot enter orders."
    [refused] = engine.store.read(engine.store.last_seq - 1)
    assert (refused.kind, refused.user) == ("ActionRefused", "vic")


def test_a_supervisor_may_open_the_users_dialog_and_a_trader_may_not(
    qtbot: QtBot, desk: tuple[Engine, UserAdmin], settings: QSettings
) -> None:
    _, admin = desk
    assert _window(qtbot, admin, BOSS, settings).users_action.isEnabled()
    trader = _window(qtbot, admin, ANN, settings)
    assert trader.ticket.submit_button.isEnabled()
    assert not trader.users_action.isEnabled()
    assert trader.users_action.toolTip() == "ann is a trader; a trader cannot manage users."


def test_the_users_dialog_adds_changes_deactivates_and_resets(
    qtbot: QtBot, desk: tuple[Engine, UserAdmin], settings: QSettings
) -> None:
    engine, admin = desk
    window = _window(qtbot, admin, BOSS, settings)
    dialog = window.open_users()
    assert dialog.table.rowCount() == 6
    for line, text in ((dialog.new_id, "dan"), (dialog.new_name, "Dan"), (dialog.new_desk, "EQ2")):
        QTest.keyClicks(line, text)
    dialog.new_role.setCurrentIndex(dialog.new_role.findData(Role.PM.value))
    dialog.new_password.setText(PASSWORD)
    dialog.new_again.setText(PASSWORD)
    dialog.add_user()
    _settle(qtbot, dialog)
    assert dialog.message.text() == "Opened dan's account (portfolio manager, desk EQ2)."
    assert dialog.table.rowCount() == 7
    dialog.select("dan")
    dialog.role.setCurrentIndex(dialog.role.findData(Role.TRADER.value))
    dialog.change_role()
    assert engine.directory.role_of(UserId("dan")) is Role.TRADER
    dialog.password.setText("a fresh secret")
    dialog.again.setText("a fresh secret")
    dialog.reset_password()
    _settle(qtbot, dialog)
    assert admin.log_in("dan", "a fresh secret").accepted
    dialog.deactivate()
    assert engine.directory.role_of(UserId("dan")) is None
    dialog.select("boss")
    dialog.deactivate()
    assert "boss is the last active supervisor" in dialog.message.text()
    kinds = [(e.kind, e.user) for e in engine.store.read(engine.store.last_seq - 6)]
    assert kinds == [
        ("UserCreated", "boss"),
        ("UserRoleChanged", "boss"),
        ("PasswordChanged", "boss"),
        ("LoggedIn", "dan"),
        ("UserDeactivated", "boss"),
        ("ActionRefused", "boss"),
    ]


def test_a_gui_session_names_the_logged_in_user_on_every_event(
    qtbot: QtBot, tmp_path: Path, settings: QSettings
) -> None:
    """Demo-trader types an order, amends and cancels it from the blotter; demo-supervisor takes over and
    opens an account; every event of theirs names whoever was logged in, and nothing names anyone else."""
    engine, outbound = open_engine(tmp_path / "demo.db", directory=None)
    admin = UserAdmin(engine, FAST_COST)
    user = prepare_demo(admin).user
    assert user is not None
    start = engine.store.last_seq
    window = _window(qtbot, admin, user, settings, DEMO_BANNER)
    QTest.keyClicks(window.ticket.symbol, "AAPL")
    QTest.keyClicks(window.ticket.qty, "100")
    QTest.keyClicks(window.ticket.limit_px, "10")
    assert window.ticket.submit() is not None
    [order_id] = engine.ledger.orders
    venue = VenueOrder(order_id, 100)
    engine.apply_venue_messages([venue.ack()])
    qtbot.waitUntil(lambda: window.bridge.idle)  # the blotter shows changes at the loop's next turn
    window.blotter.select(order_id)
    amend = window.blotter.amend_current()
    assert amend is not None
    amend.qty.setText("50")
    amend.send()
    engine.apply_venue_messages([venue.replaced(outbound.sent[-1].cl_ord_id, 50)])
    trader_done = engine.store.last_seq
    switch = window.switch_user()
    QTest.keyClicks(switch.user_id, DEMO_SUPERVISOR)
    QTest.keyClicks(switch.password, DEMO_PASSWORD)
    switch.log_in_button.click()
    _settle(qtbot, switch)
    assert window.user == DEMO_SUPERVISOR
    assert window.users_action.isEnabled()
    window.blotter.select(order_id)
    window.blotter.cancel_selected()
    users = window.open_users()
    for line, text in ((users.new_id, "eve"), (users.new_name, "Eve"), (users.new_desk, "DEMO")):
        line.setText(text)
    users.new_password.setText(PASSWORD)
    users.new_again.setText(PASSWORD)
    users.add_user()
    _settle(qtbot, users)

    events = list(engine.store.read(start))
    by_trader = [(e.kind, e.user) for e in events if e.seq <= trader_done and e.user != "system"]
    assert by_trader == [("OrderSubmitted", DEMO_TRADER), ("ReplaceRequested", DEMO_TRADER)]
    later = [(e.kind, e.user) for e in events if e.seq > trader_done]
    assert later == [
        ("LoggedIn", DEMO_SUPERVISOR),
        ("LoggedOut", DEMO_TRADER),
        ("CancelRequested", DEMO_SUPERVISOR),
        ("UserCreated", DEMO_SUPERVISOR),
    ]
    assert {e.user for e in events} == {DEMO_TRADER, DEMO_SUPERVISOR, "system"}
    assert all(e.user == "system" for e in events if e.kind == "ExecutionApplied")
    window.close()
    engine.close()


def test_the_password_is_checked_off_the_gui_thread_while_the_dialog_says_so(
    qtbot: QtBot, desk: tuple[Engine, UserAdmin]
) -> None:
    _, admin = desk
    dialog = QtLogInDialog(admin)
    qtbot.addWidget(dialog)
    dialog.show()
    QTest.keyClicks(dialog.user_id, "ann")
    QTest.keyClicks(dialog.password, PASSWORD)
    dialog.log_in_button.click()
    assert dialog.slow.busy  # the answer comes back through the event loop, never inside the click
    assert not dialog.isEnabled()
    assert dialog.working.text() == "Checking the password…"
    _settle(qtbot, dialog)
    assert dialog.isEnabled()
    assert dialog.working.text() == ""
    assert dialog.user == ANN


def test_anyone_changes_their_own_password_from_the_user_menu(
    qtbot: QtBot, desk: tuple[Engine, UserAdmin], settings: QSettings
) -> None:
    engine, admin = desk
    window = _window(qtbot, admin, VIC, settings)
    assert window.password_action.isEnabled()  # even a viewer
    dialog = window.change_password()
    dialog.current.setText("not my password")
    dialog.new.setText("a brand new secret")
    dialog.again.setText("a brand new secret")
    dialog.change_button.click()
    qtbot.waitUntil(lambda: not dialog.slow.busy)
    assert dialog.message.text() == "Your current password is not right; the password was not changed."
    assert dialog.isVisible()
    dialog.current.setText(PASSWORD)
    dialog.change_button.click()
    qtbot.waitUntil(lambda: not dialog.slow.busy)
    assert dialog.result_of_change is not None
    assert dialog.result_of_change.accepted
    assert not dialog.isVisible()
    assert admin.log_in(VIC, "a brand new secret").accepted
    kinds = [(e.kind, e.user) for e in engine.store.read(engine.store.last_seq - 3)]
    assert kinds == [("LogInFailed", "vic"), ("PasswordChanged", "vic"), ("LoggedIn", "vic")]


def test_a_supervisor_reactivates_a_closed_account_from_the_users_dialog(
    qtbot: QtBot, desk: tuple[Engine, UserAdmin], settings: QSettings
) -> None:
    engine, admin = desk
    dialog = _window(qtbot, admin, BOSS, settings).open_users()
    dialog.select("ann")
    dialog.deactivate()
    assert engine.directory.role_of(ANN) is None
    dialog.select("ann")
    dialog.reactivate()
    assert dialog.message.text() == "ann's account is open again (trader)."
    assert engine.directory.role_of(ANN) is Role.TRADER
