"""Set up the project's virtual environment on first use, then run the desktop, the tests or a benchmark.

Needs only ``python3`` (3.11 or newer) and access to PyPI. The environment lives in ``.venv`` beside this
file and is reinstalled whenever ``pyproject.toml`` changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / "oems-installed.sha256"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")

USAGE = """usage: python3 dev.py COMMAND

  run [ARGS]      start the trader desktop on the embedded venue simulator, as the demo profile's
                  demo-trader; with --desk, the real desk (first start asks for the supervisor's
                  account, later starts for a log-in). ARGS: see run --help
  test            lint (ruff), type-check (mypy) and run every test (pytest)
  bench [NAME]    run the benchmarks in bench/ (or the one named), printing their figures
  interop         install QuickFIX/Python (the "interop" extra; builds C++, ~10 minutes the first time)
                  and run the interoperability tests in tests/interop against it
  setup           only create or refresh the virtual environment
"""


def ensure_environment() -> None:
    """Create ``.venv`` and install the project with its dev tools, unless it is already current."""
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    if not PYTHON.exists():
        print(f"Creating the virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("Installing the project and its dependencies (first run takes a minute) ...", flush=True)
    run([str(PYTHON), "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    run([str(PYTHON), "-m", "pip", "install", "--quiet", "-e", ".[dev]"])
    STAMP.write_text(wanted + "\n")


def run(argv: list[str], env: dict[str, str] | None = None) -> None:
    """Run a command from the project's root; stop with its exit code if it fails."""
    code = subprocess.call(argv, cwd=ROOT, env=env)
    if code != 0:
        sys.exit(code)


def run_tests(extra: list[str]) -> None:
    """Lint, type-check, then run the whole test suite headless."""
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    run([str(BIN / "ruff"), "check", "."])
    run([str(BIN / "ruff"), "format", "--check", "."])
    run([str(PYTHON), "-m", "mypy"])
    run([str(PYTHON), "-m", "pytest", *extra], env=env)


def run_interop(extra: list[str]) -> None:
    """Install the optional QuickFIX dependency into the environment, then run tests/interop with it."""
    print("Installing QuickFIX/Python (builds from source the first time: about 10 minutes) ...", flush=True)
    run([str(PYTHON), "-m", "pip", "install", "--quiet", "-e", ".[dev,interop]"])
    run([str(PYTHON), "-m", "pytest", "tests/interop", *extra])


def run_benchmarks(names: list[str]) -> None:
    """Run each benchmark script in bench/ (or those named) and let it print its figures."""
    scripts = sorted((ROOT / "bench").glob("bench_*.py"))
    if names:
        scripts = [s for s in scripts if any(n in s.stem for n in names)]
    for script in scripts:
        print(f"== {script.stem}", flush=True)
        run([str(PYTHON), "-m", f"bench.{script.stem}"])


def main(argv: list[str]) -> None:
    if not argv or argv[0] not in {"run", "test", "bench", "interop", "setup"}:
        print(USAGE, file=sys.stderr)
        sys.exit(2)
    ensure_environment()
    command, rest = argv[0], argv[1:]
    if command == "run":
        profile = [] if "--desk" in rest else ["--demo"]
        run([str(PYTHON), "-m", "app", *profile, *(a for a in rest if a != "--desk")])
    elif command == "test":
        run_tests(rest)
    elif command == "bench":
        run_benchmarks(rest)
    elif command == "interop":
        run_interop(rest)


if __name__ == "__main__":
    main(sys.argv[1:])
