"""One call that loads and checks the knowledge base."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.errors import KnowledgeError, Problem
from bot.kb.checks import check_knowledge
from bot.kb.eligibility import load_eligibility
from bot.kb.loader import load_knowledge
from bot.kb.model import Knowledge


def find_problems(root: Path, today: date) -> tuple[Knowledge, list[Problem]]:
    """The knowledge and every problem in it, sorted by file and line."""
    knowledge, problems = load_knowledge(root)
    knowledge.eligibility, eligibility_problems = load_eligibility(
        root, knowledge.figures, not (knowledge.figures_unreadable or knowledge.unreadable_figures), today)
    return knowledge, sorted(set(problems + eligibility_problems + check_knowledge(knowledge, today)))


def load_checked(root: Path, today: date) -> Knowledge:
    """The knowledge, or KnowledgeError listing every problem."""
    knowledge, problems = find_problems(root, today)
    if problems:
        raise KnowledgeError(problems)
    return knowledge
