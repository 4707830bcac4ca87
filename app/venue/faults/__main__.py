"""Entry point for ``python -m app.venue.faults``."""

from __future__ import annotations

import sys

from app.venue.faults.cli import main

sys.exit(main())
