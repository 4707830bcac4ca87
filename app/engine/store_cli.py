"""Check an event store from a shell: ``python -m app.engine.store verify PATH`` prints a verdict line."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from app.engine.errors import StoreError, StoreLockedError
from app.engine.store import EventStore


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m app.engine.store", description="Inspect an OEMS event store.")
    commands = parser.add_subparsers(dest="command", required=True)
    verify_parser = commands.add_parser("verify", help="check the file's pages, hash chain and gapless seqs")
    verify_parser.add_argument("path", type=Path, help="the store's database file")
    args = parser.parse_args(argv)
    return verify(args.path)


def verify(path: Path) -> int:
    """Check the store at ``path`` and print the verdict; 0 if it is intact, 1 otherwise."""
    if not path.is_file():
        print(f"FAILED: {path} does not exist or is not a file.")
        return 1
    try:
        with EventStore.open(path) as store:
            store.check_integrity()
            count = store.verify_chain()
    except StoreLockedError:
        print(
            f"NOT CHECKED: {path} is open in another program (an OEMS window?), which keeps it locked while it "
            "runs. Close that program and run verify again, or verify a copy of the file (copy it together with "
            "its -wal file)."
        )
        return 1
    except StoreError as exc:
        print(f"FAILED: {exc}")
        return 1
    print(f"OK: {path}: {count:,} events, seqs 1 to {count} without gaps, hash chain intact.")
    return 0
