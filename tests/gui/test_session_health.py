"""The session health dock on a real gateway over loopback: a venue going down and coming back, a stopped
session resumed and reset, a session disconnected and connected by hand (by a supervisor; a trader is
refused, and both are in the log), and alerts kept in the log; the drop copy and market data sessions listed
after the order sessions, their alerts live."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from pytestqt.qtbot import QtBot

from app.engine.events import ActionRefused, SessionAction, SessionActionTaken, SessionAlertRaised
from app.engine.fix.alerts import AlertKind
from app.engine.fix.config import SessionRole
from app.engine.fix.health import Light, SessionHealth
from app.engine.fix.quote_feed import QuoteFeed
from app.engine.prices import PriceBook
from app.engine.roles import Action
from app.engine.serialization import from_json
from app.ui.session_health import QtSessionHealth
from tests.gui.desk_on_loopback import LoopbackDesk, QuietVenue, desk, loop, until
from tests.support.engine_kit import SUPERVISOR, TRADER
from tests.support.fix_script import session_config
from tests.support.gateway_desk import Desk, Line
from tests.support.reports import VenueOrder

__all__ = ["desk", "loop"]  # fixtures


def row(health: QtSessionHealth) -> SessionHealth:
    health.refresh()
    [only] = health.model.rows
    return only


def test_a_venue_going_down_is_red_in_the_dock_and_the_status_bar_until_it_comes_back(desk: LoopbackDesk) -> None:
    async def scenario() -> None:
        window = await desk.start()
        health = window.health
        assert health is not None
        assert row(health).light is Light.GREEN
        assert health.model.index(0, 1).data() == "up"
        assert not window.down.isVisible()

        await desk.venue.close()
        await until(lambda: row(health).light is Light.RED)
        assert window.down.isVisible()
        assert window.down.text().startswith("SIMA down since ")
        await until(lambda: row(health).attempts >= 1 and row(health).retry_at is not None)  # it keeps trying
        assert "failed" in health.model.index(0, 12).data()

        await desk.venue.listen(desk.port)
        await until(lambda: row(health).light is Light.GREEN)
        assert not window.down.isVisible()
        assert row(health).logons == 2
        shown = [health.alerts.index(n, 3).data() for n in range(health.alerts.rowCount())]
        assert any("connection lost" in text for text in shown)
        assert any("cannot reach" in text for text in shown)

        assert desk.engine is not None
        kinds = [
            from_json(SessionAlertRaised, r.data).kind
            for r in desk.engine.store.read()
            if r.kind == "SessionAlertRaised"
        ]
        assert kinds[:4] == [AlertKind.LOGGED_ON, AlertKind.CONNECTION_LOST, AlertKind.UNREACHABLE, AlertKind.LOGGED_ON]

    desk.run(scenario)


def test_a_stopped_session_is_resumed_then_reset_after_the_name_is_typed(desk: LoopbackDesk) -> None:
    async def scenario() -> None:
        window = await desk.start()
        health = window.health
        assert health is not None
        await desk.venue.close()
        desk.venue = QuietVenue()  # the venue lost its store: its numbers start again at 1
        await desk.venue.listen(desk.port)
        await until(lambda: row(health).state_text == "stopped: needs a person")
        assert "STOPPED" in window.down.text()
        window.set_user(SUPERVISOR)
        health.select("SIMA")
        assert health.resume_button.isEnabled()

        health.resume_button.click()  # the venue's numbers have moved past ours since: logged on, gap asked again
        await until(lambda: row(health).logons == 2)
        assert not health.resume_button.isEnabled()

        health.confirm_reset = lambda name: False
        health.reset_button.click()
        assert "left as they are" in health.said.text()
        assert row(health).epoch == 1

        health.confirm_reset = lambda name: name == "SIMA"
        health.reset_button.click()
        await until(lambda: row(health).light is Light.GREEN)
        assert (row(health).epoch, row(health).next_in) == (2, 2)

    desk.run(scenario)


def test_disconnect_keeps_a_session_down_until_connect(desk: LoopbackDesk) -> None:
    async def scenario() -> None:
        window = await desk.start()
        health = window.health
        assert health is not None
        window.set_user(SUPERVISOR)
        health.select("SIMA")
        health.disconnect_button.click()
        await until(lambda: row(health).state_text == "disconnected by hand")
        assert row(health).light is Light.RED
        assert not health.disconnect_button.isEnabled()
        health.connect_button.click()
        await until(lambda: row(health).light is Light.GREEN)

    desk.run(scenario)


def test_session_actions_are_a_supervisors_and_a_traders_try_is_refused_and_recorded(desk: LoopbackDesk) -> None:
    async def scenario() -> None:
        window = await desk.start()  # as the trader
        health = window.health
        assert health is not None
        assert desk.engine is not None
        health.select("SIMA")
        assert not health.disconnect_button.isEnabled()
        assert not health.reset_button.isEnabled()
        assert "trader cannot log out and disconnect a FIX session" in health.disconnect_button.toolTip()

        refused = health.act(SessionAction.DISCONNECT)  # the engine refuses whatever the buttons say
        assert refused is not None
        assert not refused.accepted
        assert row(health).light is Light.GREEN
        assert "trader cannot log out and disconnect a FIX session" in health.said.text()

        window.set_user(SUPERVISOR)
        assert health.disconnect_button.isEnabled()
        health.disconnect_button.click()
        await until(lambda: row(health).state_text == "disconnected by hand")
        log = [
            (r.kind, r.user, r.data)
            for r in desk.engine.store.read()
            if r.kind in ("ActionRefused", "SessionActionTaken")
        ]
        assert [(kind, user) for kind, user, _ in log] == [
            ("ActionRefused", TRADER),
            ("SessionActionTaken", SUPERVISOR),
        ]
        assert from_json(ActionRefused, log[0][2]).action is Action.DISCONNECT_SESSION
        assert from_json(SessionActionTaken, log[1][2]) == SessionActionTaken("SIMA", SessionAction.DISCONNECT)

    desk.run(scenario)


def test_the_dock_lists_drop_copy_and_market_data_sessions_with_their_alerts_live(qtbot: QtBot, tmp_path: Path) -> None:
    desk = Desk(tmp_path / "desk.db", drop_copy=True)
    config = dataclasses.replace(session_config("SIM-MD", "DESK", "MD"), role=SessionRole.MARKET_DATA)
    feed = QuoteFeed([config], desk.clock, PriceBook(), ["ACME"])
    feed.attach(desk.engine)
    market_data = Line(feed, "SIM-MD", desk.clock)
    assert desk.copy is not None
    health = QtSessionHealth([desk.gateway, desk.drop_copies, feed], desk.engine, SUPERVISOR)
    qtbot.addWidget(health)
    health.refresh()
    shown = [(r.name, r.role, r.light) for r in health.model.rows]
    assert shown == [
        ("SIMA", "orders", Light.GREEN),
        ("SIMA-DC", "drop_copy", Light.GREEN),
        ("SIM-MD", "market_data", Light.GREEN),
    ]
    assert health.model.index(2, 0).data() == "SIM-MD (market_data)"
    assert health.model.index(2, 3).data() == str(feed.sessions["SIM-MD"].next_out)

    desk.copy.report(VenueOrder("C-1", 10).ack(), seq=desk.copy.peer.next_seq + 2)  # two copies missing: a gap
    market_data.carry(market_data.session.connection_lost())
    health.refresh()
    lights = {r.name: r.light for r in health.model.rows}
    assert lights == {"SIMA": Light.GREEN, "SIMA-DC": Light.GREEN, "SIM-MD": Light.RED}
    assert health.model.rows[1].gaps == 1
    alerts = [
        (health.alerts.index(n, 1).data(), health.alerts.index(n, 3).data()) for n in range(health.alerts.rowCount())
    ]
    assert any(session == "SIMA-DC" and "missing" in text for session, text in alerts)
    assert any(session == "SIM-MD" and "connection lost" in text for session, text in alerts)
    assert "SIM-MD" in health.model.index(2, 13).data()  # its last alert
