"""Free TCP ports on this machine, so tests can run the shipped sessions file beside anything else."""

from __future__ import annotations

import dataclasses
import socket

from app.engine.fix.config import SessionConfig


def free_ports(configs: tuple[SessionConfig, ...]) -> list[SessionConfig]:
    """``configs`` with each port replaced by one the system says is free now."""
    ports = []
    for _ in configs:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            ports.append(probe.getsockname()[1])
    return [dataclasses.replace(c, port=p) for c, p in zip(configs, ports, strict=True)]
