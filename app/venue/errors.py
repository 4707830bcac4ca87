"""The venue simulator's exceptions, under the project's root ``OemsError``."""

from __future__ import annotations

from dataclasses import dataclass

from app.engine.errors import OemsError


@dataclass(frozen=True, slots=True)
class ScriptProblem:
    """One thing wrong in a fault script: where, and what, in words the script's author can act on."""

    source: str
    """The script's file name, or a label such as ``<script>`` for text given directly."""
    line: int
    """1-based line number."""
    problem: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.problem}"


class FaultScriptError(OemsError):
    """A fault script cannot be used; ``problems`` lists every bad line, each naming its file and line."""

    def __init__(self, problems: list[ScriptProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
