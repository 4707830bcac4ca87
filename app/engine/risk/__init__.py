"""The pre-trade risk gate: its contract and verdicts here; the full gate in ``pretrade``, limits in ``limits``.

Only the contract and the verdict types are imported here, so the event and projection modules can use
the risk value types without importing the checks.
"""

from app.engine.risk.contract import DestinationGate, RiskGate
from app.engine.risk.verdict import ALLOW, Finding, Severity, Verdict

__all__ = ["ALLOW", "DestinationGate", "Finding", "RiskGate", "Severity", "Verdict"]
