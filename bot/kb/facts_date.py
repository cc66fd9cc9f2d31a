"""When the facts in an answer were valid ("facts as of"), as opposed to when staff last reviewed it.

Answers are written from dated copies of official pages, so the age of the facts, not the day of the
review, is what users must see and what decides when an answer is out of date."""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

PATTERN = re.compile(r"^(\d{4})(?:-(\d{2}))?$")


@dataclass(frozen=True)
class FactsDate:
    year: int
    month: int | None = None  # None: only the year is known

    @classmethod
    def parse(cls, text: str) -> FactsDate | None:
        """'2023' or '2023-08'; None when text is neither."""
        match = PATTERN.match(text.strip())
        if not match:
            return None
        month = int(match.group(2)) if match.group(2) else None
        if month is not None and not 1 <= month <= 12:
            return None
        return cls(int(match.group(1)), month)

    @property
    def last_day(self) -> date:
        """The latest day the facts can be from: review intervals count from here, never earlier."""
        month = self.month or 12
        return date(self.year, month, calendar.monthrange(self.year, month)[1])

    @property
    def first_day(self) -> date:
        return date(self.year, self.month or 1, 1)

    def shown(self) -> str:
        """How users read it: 'August 2023' or '2023'."""
        return f"{calendar.month_name[self.month]} {self.year}" if self.month else str(self.year)

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}" if self.month else str(self.year)
