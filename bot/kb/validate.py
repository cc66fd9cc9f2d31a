"""One call that loads and checks the knowledge base."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.errors import KnowledgeError, Problem
from bot.kb.checks import check_knowledge, review_warnings
from bot.kb.eligibility import load_eligibility
from bot.kb.loader import load_knowledge
from bot.kb.model import Knowledge


def find_problems(root: Path, today: date) -> tuple[Knowledge, list[Problem]]:
    """The knowledge and every problem in it, sorted by file and line."""
    knowledge, problems = load_knowledge(root)
    problems += check_knowledge(knowledge, today)
    knowledge.eligibility, eligibility_problems = load_eligibility(root, knowledge, today)
    return knowledge, sorted(set(problems + eligibility_problems))


def find_warnings(knowledge: Knowledge, today: date) -> list[Problem]:
    """What should be looked at soon but does not stop publishing: answers past their review date."""
    return review_warnings(knowledge, today)


def load_checked(root: Path, today: date) -> Knowledge:
    """The knowledge, or KnowledgeError listing every problem."""
    knowledge, problems = find_problems(root, today)
    if problems:
        raise KnowledgeError(problems)
    return knowledge
