"""One call that loads and checks the knowledge base."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from bot.errors import KnowledgeError, Problem
from bot.kb.checks import check_knowledge, review_warnings
from bot.kb.loader import load_knowledge
from bot.kb.model import Knowledge

# Knowledge files with a loader of their own (e.g. knowledge/eligibility.yml) plug their checks in here:
# each gets the folder, the loaded FAQ knowledge (to check references to entry ids and figure names)
# and today, and returns its problems. `check`, `load-db` and `publish` then all refuse broken files.
ExtraCheck = Callable[[Path, Knowledge, date], list[Problem]]
EXTRA_CHECKS: tuple[ExtraCheck, ...] = ()


def find_problems(root: Path, today: date) -> tuple[Knowledge, list[Problem]]:
    """The knowledge and every problem in it, sorted by file and line."""
    knowledge, problems = load_knowledge(root)
    problems += check_knowledge(knowledge, today)
    for extra_check in EXTRA_CHECKS:
        problems += extra_check(root, knowledge, today)
    return knowledge, sorted(set(problems))


def find_warnings(knowledge: Knowledge, today: date) -> list[Problem]:
    """What should be looked at soon but does not stop publishing: answers past their review date."""
    return review_warnings(knowledge, today)


def load_checked(root: Path, today: date) -> Knowledge:
    """The knowledge, or KnowledgeError listing every problem."""
    knowledge, problems = find_problems(root, today)
    if problems:
        raise KnowledgeError(problems)
    return knowledge
