"""Sessions on ports the system picks, so tests can run the shipped sessions file beside anything else."""

from __future__ import annotations

import dataclasses

from app.engine.fix.config import SessionConfig


def any_ports(configs: tuple[SessionConfig, ...]) -> tuple[SessionConfig, ...]:
    """``configs`` with every port 0: a simulator started on them listens where the system says is free (read the
    ports back with ``VenueSimulator.listening``; ``Runtime.start`` does), and a desk started on them without a
    simulator finds nobody listening. Probing for free ports and binding them later raced with other connections."""
    return tuple(dataclasses.replace(c, port=0) for c in configs)
