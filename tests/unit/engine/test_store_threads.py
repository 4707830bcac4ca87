"""The desktop reads history on a worker thread through the engine's store: closing the store under such a read
must end the read with a clear error, never crash the interpreter (it did: a segfault in the GUI tests)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from app.engine.errors import StoreError
from app.engine.store import EventStore

RACE = textwrap.dedent(
    """
    import sys, threading
    from pathlib import Path
    from app.engine.errors import StoreError
    from app.engine.store import EventStore

    folder = Path(sys.argv[1])
    for attempt in range(100):
        store = EventStore.open(folder / f"race-{attempt}.db")
        reading = threading.Event()

        def read() -> None:
            reading.set()
            try:
                while True:
                    store.ts_at(1)
                    store.read_order("none")
            except StoreError:
                pass

        worker = threading.Thread(target=read)
        worker.start()
        reading.wait()
        store.close()
        worker.join()
    """
)


def test_closing_the_store_under_reads_on_another_thread_never_crashes(tmp_path: Path) -> None:
    done = subprocess.run(  # in a child: the old failure killed the interpreter (within a few races)
        [sys.executable, "-X", "faulthandler", "-c", RACE, str(tmp_path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]


def test_a_read_after_close_on_another_thread_says_the_store_is_closed(tmp_path: Path) -> None:
    store = EventStore.open(tmp_path / "events.db")
    store.close()
    failures: list[BaseException] = []

    def read() -> None:
        with pytest.raises(StoreError, match="closed") as caught:
            store.ts_at(1)
        failures.append(caught.value)

    worker = threading.Thread(target=read)
    worker.start()
    worker.join()
    assert len(failures) == 1
