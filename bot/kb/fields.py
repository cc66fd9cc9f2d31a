"""Reads the fields of one YAML mapping, turning every wrong or missing field into a staff message."""
from __future__ import annotations

import re
from datetime import date
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from bot.errors import Problem
from bot.kb.yamlfile import item_line, key_line, line_of

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def suggest_id(raw: str) -> str:
    """A valid id close to what staff typed, for the fix in a message."""
    cleaned = re.sub(r"[^a-z0-9]+", "_", raw.lower()).strip("_")
    if not cleaned or not cleaned[0].isalpha():
        cleaned = f"entry_{cleaned}".rstrip("_")
    return cleaned


class FieldReader:
    """Typed access to a mapping's fields; problems are collected, never raised."""

    def __init__(self, mapping: CommentedMap, file: str, what: str, problems: list[Problem]) -> None:
        self.mapping = mapping
        self.file = file
        self.what = what  # e.g. "entry 'exam_fee'", used at the start of messages
        self.problems = problems
        self.line = line_of(mapping)

    def line_of(self, key: str) -> int:
        return key_line(self.mapping, key, self.line)

    def report(self, key: str | None, what: str, fix: str) -> None:
        line = self.line_of(key) if key else self.line
        self.problems.append(Problem(self.file, line, what, fix))

    def unknown_keys(self, allowed: tuple[str, ...]) -> None:
        for key in self.mapping:
            if key not in allowed:
                self.report(str(key), f"{self.what} has an unknown field '{key}'",
                            f"Remove it or correct the spelling; the fields are: {', '.join(allowed)}")

    def present(self, key: str, hint: str) -> bool:
        if key in self.mapping and self.mapping[key] is not None:
            return True
        self.report(None if key not in self.mapping else key,
                    f"{self.what} has no '{key}'", f"Add '{key}:' {hint}")
        return False

    def text(self, key: str, hint: str) -> str | None:
        if not self.present(key, hint):
            return None
        value = self.mapping[key]
        if isinstance(value, (CommentedMap, CommentedSeq)) or isinstance(value, bool):
            self.report(key, f"{self.what}: '{key}' must be text", f"Write it on the same line as '{key}:'")
            return None
        value = str(value).strip()
        if not value:
            self.report(key, f"{self.what} has an empty '{key}'", f"Write the {key} after '{key}:'")
            return None
        return value

    def identifier(self, key: str, hint: str) -> str | None:
        value = self.text(key, hint)
        if value is not None and not ID_PATTERN.match(value):
            self.report(key, f"'{key}' is '{value}', which is not a valid id",
                        f"Use lowercase letters, digits and underscores, e.g. '{suggest_id(value)}'")
            return None
        return value

    def day(self, key: str) -> date | None:
        value = self.text(key, "with the date you checked it, e.g. 2026-11-01")
        if value is None:
            return None
        if DATE_PATTERN.match(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.report(key, f"'{key}' is '{value}', not a date", "Use YYYY-MM-DD, e.g. 2026-11-01")
        return None

    def text_list(self, key: str, hint: str, item_name: str) -> list[tuple[str, int]] | None:
        """Items with their lines; empty items are reported and dropped."""
        if not self.present(key, hint):
            return None
        value = self.mapping[key]
        if not isinstance(value, CommentedSeq):
            self.report(key, f"{self.what}: '{key}' must be a list",
                        f"Put each {item_name} on its own line starting with '- ', under '{key}:'")
            return None
        items: list[tuple[str, int]] = []
        for index, item in enumerate(value):
            line = item_line(value, index, self.line_of(key))
            if isinstance(item, (CommentedMap, CommentedSeq)) or item is None or not str(item).strip():
                self.problems.append(Problem(self.file, line, f"{self.what} has an empty or malformed {item_name}",
                                             f"Write the {item_name} as plain text after '- ', or remove the line"))
                continue
            items.append((str(item).strip(), line))
        return items


def as_mapping(node: Any, file: str, line: int, problems: list[Problem], what: str, fix: str) -> CommentedMap | None:
    if isinstance(node, CommentedMap):
        return node
    problems.append(Problem(file, line, what, fix))
    return None
