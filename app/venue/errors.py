"""The venue simulator's exceptions, under the project's root ``OemsError``."""

from __future__ import annotations

from dataclasses import dataclass

from app.engine.errors import OemsError


@dataclass(frozen=True, slots=True)
class ScriptProblem:
    """One thing wrong in a fault script: where, and what, in words the script's author can act on."""

    source: str
    """The script's file name, a label such as ``<script>`` for text given directly, or the command-line option
    and its value (``--halt SIMB:ACME@5s``)."""
    line: int | None
    """1-based line number; None when the source is a command-line option, which has no lines."""
    problem: str

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.problem}"


class FaultScriptError(OemsError):
    """A fault script cannot be used; ``problems`` lists every bad line, each naming its file and line (or the
    command-line option it came from)."""

    def __init__(self, problems: list[ScriptProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class VenueOptionError(OemsError):
    """A simulator command-line option cannot be used; ``problems`` says each mistake with its option and value."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems
