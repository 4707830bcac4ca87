"""Make the project importable when pytest runs from a virtualenv where it is not installed.

``dev.py setup`` installs the project in editable mode, and then this is harmless; a bare ``.venv`` whose
project install is missing would otherwise fail every venue test on ``import app``.
"""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[3])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)
