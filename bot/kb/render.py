"""Turns answer text with {figure} names into what users read."""
from __future__ import annotations

import re

from bot.kb.model import Entry, Figure

FIGURE_REF = re.compile(r"\{([a-z][a-z0-9_]*)\}")
MARKDOWN_LINK = re.compile(r"\[([^\[\]]+)\]\(([^()\s]+)\)")
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
LIST_ITEM = re.compile(r"^(?:[-*]|\d+[.)])\s")


def figure_names(answer: str) -> list[str]:
    return FIGURE_REF.findall(answer)


def render_answer(entry: Entry, figures: dict[str, Figure]) -> str:
    """The answer with each {figure} replaced by its value, date and caveat."""
    text = FIGURE_REF.sub(lambda m: figures[m.group(1)].rendered(), entry.answer)
    return "\n\n".join(_tidy_paragraph(p) for p in PARAGRAPH_BREAK.split(text.strip()))


def _tidy_paragraph(paragraph: str) -> str:
    """YAML block text keeps the author's line breaks; reflow prose but keep list items on their own lines."""
    lines = [line.strip() for line in paragraph.splitlines() if line.strip()]
    if any(LIST_ITEM.match(line) for line in lines):
        return "\n".join(lines)
    return " ".join(lines)


def word_count(answer: str) -> int:
    """Words users read, counting a link by its text and a figure as one word."""
    text = MARKDOWN_LINK.sub(lambda m: m.group(1), answer)
    text = FIGURE_REF.sub("X", text)
    return len(text.split())
