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
