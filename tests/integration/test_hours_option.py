"""``--hours`` on the simulator's and the desktop's command lines: a bad value is refused before anything starts,
named with the option, its value and the part that is wrong, exit status 2, no trace."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("program", ["app.venue", "app"])
def test_a_bad_hours_value_is_refused_in_words_with_exit_status_2(program: str) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-m", program, "--hours", "SIMB:09:30-16:00@Mars/Base", "--hours", "SIMQ:09:30-16:00"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert lines[0].startswith("--hours SIMB:09:30-16:00@Mars/Base: there is no time zone 'Mars/Base'")
    assert lines[1].startswith("--hours SIMQ:09:30-16:00: there is no simulated venue SIMQ")
    assert lines[2] == "The venue hours were refused (2 problem(s)); nothing was started."
    assert "Traceback" not in done.stderr
