"""The knowledge base as plain data, each item remembering the file and line it came from."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.eligibility.rules import EligibilityRules
from bot.kb.facts_date import FactsDate
from bot.kb.policy import Policy


@dataclass(frozen=True)
class Figure:
    name: str
    value: str
    as_of: str
    caveat: str
    source: str
    checked: date
    file: str
    line: int

    def rendered(self) -> str:
        """How users see it: the value with its date and caveat."""
        note = f"as of {self.as_of}; {self.caveat}" if self.caveat else f"as of {self.as_of}"
        return f"{self.value} ({note})"


@dataclass(frozen=True)
class Entry:
    id: str
    topic: str
    question: str
    also_asked: tuple[str, ...]
    answer: str
    sources: tuple[str, ...]
    checked: date  # the day staff last reviewed the answer against its sources
    owner: str
    related: tuple[str, ...]
    file: str
    line: int
    field_lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)
    # When the facts were valid, from the dated copies of official pages the answer was written from.
    # Optional so that an entry started by the review workflow loads before staff date it.
    facts_as_of: FactsDate | None = None

    def line_of(self, field_name: str) -> int:
        return self.field_lines.get(field_name, self.line)

    @property
    def origin(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    start_with: str
    file: str
    line: int
    entry_ids: tuple[str, ...]


@dataclass(frozen=True)
class Term:
    id: str
    label: str
    name: str
    variants: tuple[str, ...]
    file: str
    line: int


@dataclass
class Knowledge:
    topics: list[Topic] = field(default_factory=list)
    entries: dict[str, Entry] = field(default_factory=dict)
    figures: dict[str, Figure] = field(default_factory=dict)
    terms: list[Term] = field(default_factory=list)
    policy: Policy = field(default_factory=Policy)
    eligibility: EligibilityRules | None = None
    # What could not be read: references into it are not reported, the cause is reported instead.
    unreadable_ids: set[str] = field(default_factory=set)
    unreadable_files: set[str] = field(default_factory=set)  # topic files
    unreadable_figures: set[str] = field(default_factory=set)
    figures_unreadable: bool = False

    def may_contain(self, entry_id: str) -> bool:
        return entry_id in self.entries or entry_id in self.unreadable_ids or bool(self.unreadable_files)

    def may_define(self, figure: str) -> bool:
        return figure in self.figures or figure in self.unreadable_figures or self.figures_unreadable
