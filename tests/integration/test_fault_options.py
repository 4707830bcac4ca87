"""``--faults SCRIPT [--seed N]`` on the simulator's and the desktop's command lines: a script with mistakes is
refused before anything starts, every mistake named with its file and line, exit status 2, no trace."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.venue.errors import FaultScriptError
from app.venue.fault_options import add_fault_options, read_faults
from app.venue.faults import load_script
from app.venue.faults.rules import Effect

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def bad_script(tmp_path: Path) -> Path:
    script = tmp_path / "bad.txt"
    script.write_text("# two mistakes\n2nd fill: drop\nat 5s: garble\n1st fil: drop\n")
    return script


@pytest.mark.parametrize("program", ["app.venue", "app"])
def test_a_bad_script_is_refused_with_file_and_line_and_exit_status_2(program: str, bad_script: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-m", program, "--faults", str(bad_script)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert lines[0].startswith(f"{bad_script}:3: 'garble' acts on a message")
    assert lines[1].startswith(f"{bad_script}:4: expected a message kind")
    assert "Traceback" not in done.stderr


def test_the_seed_on_the_command_line_replaces_the_scripts_own() -> None:
    parser = argparse.ArgumentParser()
    add_fault_options(parser)
    script = REPO / "resources" / "faults" / "flaky.txt"
    faults = read_faults(parser.parse_args(["--faults", str(script), "--seed", "99"]))
    assert faults is not None
    assert (faults.script.seed, faults.seed) == (7, 99)
    assert read_faults(parser.parse_args([])) is None


def test_a_rule_aimed_at_a_venue_the_simulator_does_not_run_is_refused(tmp_path: Path) -> None:
    script = tmp_path / "aim.txt"
    script.write_text("venue SIMZ: 2nd fill: drop\n")
    parser = argparse.ArgumentParser()
    add_fault_options(parser)
    with pytest.raises(FaultScriptError) as caught:
        read_faults(parser.parse_args(["--faults", str(script)]))
    assert str(caught.value) == f"{script}:1: there is no simulated venue SIMZ; the venues are SIMA, SIMB, SIMC"


def _options(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_fault_options(parser)
    return parser.parse_args(list(argv))


def test_halt_and_resume_on_the_command_line_are_time_rules_needing_no_script() -> None:
    faults = read_faults(_options("--halt", "SIMB:ACME@5s", "--resume", "SIMB:ACME@20s", "--halt", "BOLT"))
    assert faults is not None
    described = faults.script.describe()
    assert len(described) == 3
    assert described[0].startswith("--halt SIMB:ACME@5s: at SIMB only, at 5s after the start: the venue halts trading")
    assert described[1].startswith("--halt BOLT: at 0s after the start: the venue halts trading in BOLT")
    assert described[2].startswith("--resume SIMB:ACME@20s: at SIMB only, at 20s after the start: the venue lets ACME")
    assert faults.for_venue("SIMA") is not None


def test_halt_options_add_to_the_scripts_rules() -> None:
    script = REPO / "resources" / "faults" / "drop.txt"
    faults = read_faults(_options("--faults", str(script), "--halt", "ACME@1s"))
    assert faults is not None
    assert faults.script.source == str(script)
    assert len(faults.script.rules) == len(load_script(script).rules) + 1


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--halt", "SIMB:FLUX@5s"], "--halt SIMB:FLUX@5s: no venue it applies to lists FLUX: SIMB lists ACME, DYNA"),
        (["--resume", "ACME"], "--resume ACME: --resume takes SIMB:ACME@20s"),
        (["--halt", "SIMZ:ACME"], "--halt SIMZ:ACME: there is no simulated venue SIMZ"),
        (["--halt", "ACME@soon"], "--halt ACME@soon: a duration is a number and a unit"),
    ],
)
def test_a_halt_option_with_a_mistake_is_refused_in_words(argv: list[str], said: str) -> None:
    with pytest.raises(FaultScriptError) as caught:
        read_faults(_options(*argv))
    assert str(caught.value).startswith(said)
    assert "line" not in str(caught.value)  # an option has no lines: it is named with its value instead


def test_a_script_line_and_a_halt_option_with_mistakes_are_each_named_their_own_way(bad_script: Path) -> None:
    with pytest.raises(FaultScriptError) as caught:
        read_faults(_options("--faults", str(bad_script), "--halt", "SIMB:FLUX"))
    said = str(caught.value).splitlines()
    assert [line.split(": ")[0] for line in said] == [f"{bad_script}:3", f"{bad_script}:4", "--halt SIMB:FLUX"]


EVERY_KIND = {
    Effect.DROP: "2nd fill: drop",
    Effect.GARBLE: "3rd execution report: garble",
    Effect.DELAY: "1st ack: delay 1.5s",
    Effect.REORDER: "1st fill on ACME: reorder",
    Effect.DUPLICATE: "1st fill: duplicate with possdup",
    Effect.POSS_RESEND: "1st fill: duplicate with possresend past 2",
    Effect.DISCONNECT: "4th message: disconnect",
    Effect.DISCONNECT_BEFORE: "2nd fill: disconnect before",
    Effect.RESTART: "5th message: restart with empty store",
    Effect.BUST: "2nd fill: bust",
    Effect.CORRECT: "1st fill: correct px +0.05",
    Effect.UNSOLICITED_CANCEL: "at 10s: unsolicited cancel on ACME",
    Effect.FILL_FIRST: "1st cancel request: fill first",
    Effect.IGNORE: "1st cancel request: ignore",
    Effect.HALT: "venue SIMB: at 5s: halt ACME",
    Effect.RESUME: "venue SIMB: at 20s: resume ACME",
}
"""One command-line rule per fault kind, in the script's words."""


def test_every_fault_kind_can_be_asked_for_on_the_command_line_alone() -> None:
    assert set(EVERY_KIND) == set(Effect)
    argv = [arg for rule in EVERY_KIND.values() for arg in ("--fault", rule)]
    faults = read_faults(_options(*argv))
    assert faults is not None
    assert [rule.fault.effect for rule in faults.script.rules] == list(EVERY_KIND)
    assert faults.script.describe()[0].startswith("--fault 2nd fill: drop: ")


def test_a_bad_rule_on_the_command_line_is_refused_naming_the_option() -> None:
    with pytest.raises(FaultScriptError) as caught:
        read_faults(_options("--fault", "1st fil: drop"))
    assert str(caught.value).startswith("--fault 1st fil: drop: expected a message kind")
