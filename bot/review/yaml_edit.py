"""Edits a topic file in knowledge/ line by line, so every byte staff wrote outside the change survives.

ruamel.yaml's round-trip loader says where each entry, phrasing and key sits; new lines are
inserted (or the lines of one item removed) at those places, with scalars written by ruamel so
quoting is right. Dumping the whole document instead would re-indent and re-wrap lines staff
never touched. Each edit is checked by parsing the result again.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

DASH_PREFIX = re.compile(r"^(\s*)-\s+$")


class EditError(ValueError):
    """The file cannot be changed safely; the message says what to do by hand."""


@dataclass(frozen=True)
class NewEntry:
    id: str
    question: str
    phrasings: tuple[str, ...]
    owner: str
    related: tuple[str, ...]
    origin: str  # e.g. "C12 of the review", said in the comment staff read


def one_line(text: str) -> str:
    """Messages may span lines; a phrasing is one line."""
    return " ".join(text.split())


def add_phrasings(text: str, entry_id: str, phrasings: list[str]) -> tuple[str, int]:
    """text with the phrasings after the entry's last also_asked item; returns the first new line (1-based)."""
    lines = text.splitlines(keepends=True)
    entry = _entry(_parse(text), entry_id)
    also_asked = entry.get("also_asked")
    if not isinstance(also_asked, CommentedSeq) or not also_asked or also_asked.fa.flow_style():
        raise EditError(f"entry '{entry_id}' has no 'also_asked' list with one phrasing per line. Add the phrasings "
                        "by hand, each on its own line starting with '- ' under 'also_asked:'")
    last_line, last_column = also_asked.lc.item(len(also_asked) - 1)
    prefix = lines[last_line][:last_column]
    if not DASH_PREFIX.match(prefix):
        raise EditError(f"the last phrasing of entry '{entry_id}' does not start its own line. Add the phrasings "
                        "by hand, each on its own line starting with '- '")
    end = _item_end(lines, last_line, len(prefix) - len(prefix.lstrip()))
    _end_with_newline(lines, end)
    new = [f"{prefix}{scalar(p)}\n" for p in phrasings]
    result = "".join(lines[:end] + new + lines[end:])
    if [str(p) for p in _entry(_parse(result), entry_id)["also_asked"]] != [str(p) for p in also_asked] + phrasings:
        raise EditError(f"the phrasings could not be added to entry '{entry_id}' safely. Add them by hand")
    return result, end + 1


def remove_phrasings(text: str, entry_id: str, phrasings: list[str]) -> tuple[str, list[str]]:
    """text without those phrasings of the entry (one line each, as add_phrasings wrote them);
    returns the phrasings it found and removed."""
    lines = text.splitlines(keepends=True)
    also_asked = _entry(_parse(text), entry_id).get("also_asked")
    if not isinstance(also_asked, CommentedSeq) or also_asked.fa.flow_style():
        return text, []
    wanted = list(phrasings)
    spans = []
    for index in reversed(range(len(also_asked))):
        value = str(also_asked[index])
        if value in wanted:
            wanted.remove(value)
            start, column = also_asked.lc.item(index)
            prefix = lines[start][:column]
            spans.append((start, _item_end(lines, start, len(prefix) - len(prefix.lstrip())), value))
    for start, end, _ in spans:  # bottom first, so earlier line numbers stay right
        del lines[start:end]
    result = "".join(lines)
    removed = [value for _, _, value in reversed(spans)]
    _parse(result)
    return result, removed


def append_entry(text: str, entry: NewEntry) -> tuple[str, str, int]:
    """text with the new entry after the last one; returns (text, the block written, its first line)."""
    document = _parse(text)
    entries = document.get("entries") if isinstance(document, CommentedMap) else None
    if not isinstance(entries, CommentedSeq) or not entries or entries.fa.flow_style():
        raise EditError("the file has no 'entries:' list to add to. Run `python -m bot check` and fix the file first")
    lines = text.splitlines(keepends=True)
    first_line, column = entries.lc.item(0)
    prefix = lines[first_line][:column]
    if not DASH_PREFIX.match(prefix):
        raise EditError("the entries of this file do not start with '- id:' on their own line. Add the entry by hand")
    block = render_entry(entry, len(prefix) - len(prefix.lstrip()))
    at = _line_after_entries(document, len(lines))
    _end_with_newline(lines, at)
    result = "".join(lines[:at] + ["\n", block] + lines[at:])
    if _find(_parse(result), entry.id) is None:
        raise EditError(f"entry '{entry.id}' could not be added safely. Add it by hand")
    return result, block, at + 2


def remove_entry(text: str, entry_id: str, block: str) -> str:
    """text without the entry, if it is still exactly the block that was written; EditError if staff changed it."""
    document = _parse(text)
    entries = document["entries"]
    index = list(entries).index(_entry(document, entry_id))
    lines = text.splitlines(keepends=True)
    start = entries.lc.item(index)[0]
    end = entries.lc.item(index + 1)[0] if index + 1 < len(entries) else _line_after_entries(document, len(lines))
    if "".join(lines[start:end]).strip() != block.strip():
        raise EditError(f"entry '{entry_id}' was edited after the review started it (lines {start + 1}-{end}). "
                        "If it is not wanted, delete those lines by hand")
    if start > 0 and not lines[start - 1].strip():
        start -= 1  # the blank line written before it
    return "".join(lines[:start] + lines[end:])


def has_entry(text: str, entry_id: str) -> bool:
    return _find(_parse(text), entry_id) is not None


def render_entry(entry: NewEntry, indent: int) -> str:
    """The entry as staff would write it, with what is left for them marked 'to write'."""
    dash, key = " " * indent, " " * (indent + 2)
    lines = [f"{dash}- id: {entry.id}",
             f"{key}question: {scalar(entry.question)}  # to check: reword it as the main question users see",
             f"{key}also_asked:"]
    lines += [f"{key}  - {scalar(p)}" for p in entry.phrasings]
    lines += [f"{key}answer:  # to write: the answer. Started from {entry.origin}; `check` refuses to publish "
              "until answer, sources and checked are filled",
              f"{key}sources: []  # to write: the official https page(s) the answer is based on",
              f"{key}checked:  # to write: the day you checked the answer against its sources, YYYY-MM-DD",
              f"{key}owner: {scalar(entry.owner)}" if entry.owner else
              f"{key}owner:  # to write: the team or role who keeps this answer right",
              f"{key}related: [{', '.join(entry.related)}]"]
    return "\n".join(lines) + "\n"


def scalar(text: str) -> str:
    """text as a YAML value on one line, quoted only where YAML needs it (': ', ' #', a leading '-', ...)."""
    yaml = YAML(typ="rt")
    yaml.width = 1 << 16  # never wrap: one phrasing, one line
    buffer = io.StringIO()
    yaml.dump([one_line(text)], buffer)
    return buffer.getvalue()[2:].rstrip("\n")


def _parse(text: str):
    try:
        return YAML(typ="rt").load(text)
    except YAMLError as err:
        raise EditError("the file is not valid YAML. Run `python -m bot check`, fix what it lists, then try again") \
            from err


def _find(document, entry_id: str) -> CommentedMap | None:
    entries = document.get("entries") if isinstance(document, CommentedMap) else None
    if not isinstance(entries, CommentedSeq):
        return None
    return next((e for e in entries if isinstance(e, CommentedMap) and e.get("id") == entry_id), None)


def _entry(document, entry_id: str) -> CommentedMap:
    found = _find(document, entry_id)
    if found is None:
        raise EditError(f"entry '{entry_id}' is not in this file any more. Run `python -m bot review` again")
    return found


def _item_end(lines: list[str], start: int, dash_indent: int) -> int:
    """The line after a list item: its own line plus any continuation lines indented deeper."""
    end = start + 1
    while end < len(lines):
        stripped = lines[end].strip()
        if not stripped or stripped.startswith("#") or len(lines[end]) - len(lines[end].lstrip()) <= dash_indent:
            break
        end += 1
    return end


def _line_after_entries(document: CommentedMap, line_count: int) -> int:
    """Where a new entry goes: before the next top-level key after 'entries', else at the end."""
    keys = list(document)
    later = keys[keys.index("entries") + 1:]
    return document.lc.key(later[0])[0] if later else line_count


def _end_with_newline(lines: list[str], at: int) -> None:
    if at > 0 and not lines[at - 1].endswith("\n"):
        lines[at - 1] += "\n"
