"""Error types that tell staff which file and line to fix, and how."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in a knowledge file, printed as `file:line: what is wrong. what to do.`"""

    file: str
    line: int
    what: str
    fix: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.what}. {self.fix}."


class KnowledgeError(Exception):
    """Raised when the knowledge files cannot be used; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class StoreNotReadyError(Exception):
    """The knowledge store is missing, empty or unreadable; the message says what to run."""


class ConfigError(Exception):
    """A setting (environment variable or configuration file) is missing or wrong; the message says the fix."""
