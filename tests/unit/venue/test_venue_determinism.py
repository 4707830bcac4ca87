"""Same profile, same seed, same inputs: the same messages, byte for byte, once the clock agrees."""

from __future__ import annotations

from dataclasses import replace

from app.engine.clock import FakeClock
from app.venue.profiles import SIMB
from app.venue.venue_app import VenueApplication
from tests.unit.venue.fix_kit import DROP, T0, Client


def _session(seed: int) -> list[tuple[str, bytes]]:
    clock = FakeClock()
    app = VenueApplication(replace(SIMB, seed=seed), clock, DROP)
    c1, c2, md = Client(app, "C1"), Client(app, "C2"), Client(app, "MD")
    out = md.send("V", [(262, "m"), (263, "1"), (264, 0), (267, 2), (269, "0"), (269, "2"), (146, 1), (55, "ACME")])
    for i in range(20):
        clock.advance(0.25)
        out += c1.new(f"b{i}", "1", "50", "100.00", release=i % 2 == 0)
        out += c2.new(f"s{i}", "2", "30", "99.95")
        out += app.step_market()
        out += c1.send("H", [(11, f"b{i}"), (55, "ACME"), (54, "1")])
        if i % 5 == 4:
            out += c1.send("q", [(11, f"k{i}"), (530, "7"), (60, T0)])
    while app.held("C1"):
        out += app.release_next("C1")
    return [(o.session, o.message.encode()) for o in out]


def test_the_same_seed_and_inputs_give_byte_identical_messages() -> None:
    first = _session(seed=5)
    assert len(first) > 200
    assert {s for s, _ in first} == {"C1", "C2", "MD", DROP}
    assert first == _session(seed=5)


def test_another_seed_gives_another_market() -> None:
    assert _session(seed=5) != _session(seed=6)
