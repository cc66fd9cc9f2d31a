"""Reads YAML keeping line numbers, so every problem can name the line to fix."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError

from bot.errors import Problem


class _DatesAsTextConstructor(RoundTripConstructor):
    """Keeps dates as text: an impossible date like 2026-13-01 must become a staff message, not a crash."""


_DatesAsTextConstructor.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda self, node: self.construct_scalar(node)
)


def display_name(path: Path, knowledge_root: Path) -> str:
    """The path as staff see it, e.g. knowledge/faq/fees.yml."""
    try:
        return str(path.relative_to(knowledge_root.parent))
    except ValueError:
        return str(path)


def read_yaml(path: Path, shown_as: str) -> tuple[Any, list[Problem]]:
    """The parsed document, or None with a problem naming the line of the syntax error."""
    yaml = YAML(typ="rt")
    yaml.Constructor = _DatesAsTextConstructor
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        return None, [Problem(shown_as, 1, f"the file is not UTF-8 text ({err.reason})",
                              "Save it as UTF-8 text in your editor")]
    try:
        return yaml.load(text), []
    except MarkedYAMLError as err:
        # An unclosed quote is only noticed at the end of the file; point at where it opened.
        unclosed_quote = "quoted scalar" in (err.context or "") and err.context_mark is not None
        mark = err.context_mark if unclosed_quote else (err.problem_mark or err.context_mark)
        line = mark.line + 1 if mark else 1
        what = "a quote opened on this line is never closed" if unclosed_quote else \
            f"the file is not valid YAML ({err.problem or err.context})"
        return None, [Problem(shown_as, line, what,
                              "Check the indentation, dashes and quotes on this line and the line above")]


def line_of(node: Any, default: int = 1) -> int:
    """1-based line where a mapping or list starts."""
    lc = getattr(node, "lc", None)
    return lc.line + 1 if lc is not None and lc.line is not None else default


def key_line(mapping: CommentedMap, key: str, default: int) -> int:
    """1-based line of a key in a mapping."""
    try:
        return mapping.lc.key(key)[0] + 1
    except (KeyError, TypeError, AttributeError):
        return default


def item_line(seq: CommentedSeq, index: int, default: int) -> int:
    """1-based line of a list item."""
    try:
        return seq.lc.item(index)[0] + 1
    except (KeyError, TypeError, AttributeError, IndexError):
        return default
