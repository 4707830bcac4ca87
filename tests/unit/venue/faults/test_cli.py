"""``python -m app.venue.faults check SCRIPT``: what a script will do, or every problem with file and line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.venue.faults.cli import main

REPO = Path(__file__).resolve().parents[4]
DROP = REPO / "resources" / "faults" / "drop.txt"


def test_check_says_what_each_rule_will_do(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(DROP)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"OK: {DROP}: 1 rule, seed 0 unless the venue gives one."
    assert out[1].startswith("  line 3: the 2nd fill (35=8, 150=F): drop it")


def test_check_lists_every_problem_with_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "bad.txt"
    script.write_text("2nd fill: drop\nat 5s: garble\n1st fil: drop\n")
    assert main(["check", str(script)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"{script}:2: 'garble' acts on a message")
    assert err[1].startswith(f"{script}:3: expected a message kind")
    assert err[2] == f"FAILED: {script} has 2 problem(s); nothing was run."


def test_check_needs_a_script(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["check"])
    assert stopped.value.code == 2
    assert "script" in capsys.readouterr().err


def test_the_module_runs_from_a_shell() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "app.venue.faults", "check", str(DROP)],
        capture_output=True, text=True, cwd=REPO, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("OK: ")
