"""Loads knowledge/eligibility.yml into EligibilityRules, reporting every problem with file and line."""
from __future__ import annotations

import difflib
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from bot.eligibility.rules import (ANSWER_VALUES, REQUIREMENT_IDS, SLOTS, STATUSES, Condition, EligibilityRules,
                                   Question, Requirement, Stop)
from bot.errors import Problem
from bot.kb.checks import address_problem
from bot.kb.fields import FieldReader, as_mapping
from bot.kb.model import Knowledge
from bot.kb.render import FIGURE_REF, MARKDOWN_LINK
from bot.kb.yamlfile import display_name, item_line, key_line, read_yaml

FILE_FIELDS = ("checked", "sources", "questions", "stops", "requirements")
QUESTION_FIELDS = ("slot", "label", "ask", "how_to_find_out", "mentions", "skip_if", "min_scores", "pass_score")
REQUIREMENT_FIELDS = ("id", "title", "met_if", "next_step", "fee", "link")
STOP_FIELDS = ("when", "status", "missing")
OET_PARTS = ("listening", "reading", "speaking", "writing")
HINT = "See the layout in knowledge/README.md (\"The eligibility check\")"


def load_eligibility(root: Path, knowledge: Knowledge, today: date) -> tuple[EligibilityRules | None, list[Problem]]:
    """The rules with the knowledge's figures filled in, or None; and every problem found."""
    path = root / "eligibility.yml"
    shown = display_name(path, root)
    if not path.exists():
        return None, [Problem(shown, 1, "the file is missing", f"Create it with 'questions:' and 'requirements:'. {HINT}")]
    document, problems = read_yaml(path, shown)
    if problems:
        return None, problems
    mapping = as_mapping(document, shown, 1, problems, "the file must be a set of fields", HINT)
    if mapping is None:
        return None, problems
    reader = _Reader(shown, knowledge, problems)
    top = FieldReader(mapping, shown, "the eligibility file", problems)
    top.unknown_keys(FILE_FIELDS)
    checked = top.day("checked")
    if checked is not None and checked > today:
        top.report("checked", f"'checked' is {checked.isoformat()}, which is in the future",
                   "Use the date you last checked these rules against the sources (today or earlier)")
    for source, line in top.text_list("sources", "with the official pages these rules follow", "source address") or []:
        problem = address_problem(source, knowledge)
        if problem:
            problems.append(Problem(shown, line, f"the source '{source}' {problem[0]}", problem[1]))
    questions = reader.items(mapping, "questions", reader.question)
    requirements = reader.items(mapping, "requirements", reader.requirement)
    stops = reader.items(mapping, "stops", reader.stop, required=False)
    reader.covers(mapping, "questions", "slot", SLOTS, "a question for the slot")
    reader.covers(mapping, "requirements", "id", REQUIREMENT_IDS, "the requirement")
    if problems:
        return None, problems
    return EligibilityRules(tuple(questions), tuple(requirements), tuple(stops)), []


class _Reader:
    """Field checks shared by questions, requirements and stops, with figures filled into texts."""

    def __init__(self, shown: str, knowledge: Knowledge, problems: list[Problem]) -> None:
        self.shown = shown
        self.knowledge = knowledge
        self.figures = knowledge.figures
        self.figures_readable = not (knowledge.figures_unreadable or knowledge.unreadable_figures)
        self.problems = problems

    def items(self, mapping: CommentedMap, key: str, read, required: bool = True) -> list[Any]:
        if key not in mapping and not required:
            return []
        items = mapping.get(key)
        if not isinstance(items, CommentedSeq):
            self.problems.append(Problem(self.shown, key_line(mapping, key, 1), f"'{key}' must be a list",
                                         f"Put each item under '{key}:' starting with '- '. {HINT}"))
            return []
        found = []
        for index, item in enumerate(items):
            line = item_line(items, index, 1)
            item_map = as_mapping(item, self.shown, line, self.problems, f"this item of '{key}' is not a set of fields", HINT)
            if item_map is not None:
                value = read(item_map)
                if value is not None:
                    found.append(value)
        return found

    def covers(self, mapping: CommentedMap, key: str, field: str, expected: tuple[str, ...], what: str) -> None:
        """Each fixed id once; an item that is there but broken is reported on its own, not as missing."""
        items = mapping.get(key)
        seen = [str(item.get(field)) for item in items if isinstance(item, CommentedMap)] \
            if isinstance(items, CommentedSeq) else []
        line = key_line(mapping, key, 1)
        for name in expected:
            if seen.count(name) > 1:
                self.problems.append(Problem(self.shown, line, f"'{key}' lists {field} '{name}' {seen.count(name)} times",
                                             "Keep one of them"))
        for name in sorted(set(expected) - set(seen)):
            self.problems.append(Problem(self.shown, line, f"'{key}' has no item with {field} '{name}'",
                                         f"Add {what} '{name}'; these ids are fixed: {', '.join(expected)}"))

    def known(self, reader: FieldReader, key: str, value: str | None, allowed: tuple[str, ...], what: str) -> str | None:
        if value is None or value in allowed:
            return value
        close = difflib.get_close_matches(value, allowed, n=1)
        hint = f"Did you mean '{close[0]}'? " if close else ""
        reader.report(key, f"{what} '{value}', which is not one of the fixed ids",
                      f"{hint}Use one of: {', '.join(allowed)}")
        return None

    def text(self, reader: FieldReader, key: str, hint: str) -> str | None:
        """A text with {figures} filled in and its links checked."""
        value = reader.text(key, hint)
        if value is None:
            return None
        unknown = [name for name in FIGURE_REF.findall(value) if name not in self.figures]
        for name in unknown if self.figures_readable else ():  # else the figures file's own problem is reported
            close = difflib.get_close_matches(name, list(self.figures), n=1)
            hint_text = f"Did you mean '{{{close[0]}}}'? " if close else ""
            reader.report(key, f"{reader.what} uses the figure '{{{name}}}', which is not in knowledge/figures.yml",
                          f"{hint_text}Use a name from knowledge/figures.yml, or add the figure there")
        if unknown:
            return None
        for label, url in MARKDOWN_LINK.findall(value):
            problem = address_problem(url, self.knowledge)
            if problem:
                reader.report(key, f"{reader.what} links '{label}' to '{url}', {problem[0]}", problem[1])
        return FIGURE_REF.sub(lambda m: self.figures[m.group(1)].rendered(), " ".join(value.split()))

    def conditions(self, reader: FieldReader, key: str, required: bool) -> tuple[Condition, ...] | None:
        node = reader.mapping.get(key)
        if node is None and not required:
            return ()
        if isinstance(node, CommentedMap):
            node = [node]
        if not isinstance(node, (list, CommentedSeq)) or not node:
            reader.report(key if key in reader.mapping else None, f"{reader.what} needs '{key}' as a list of conditions",
                          f"Write e.g. '{key}:' then '  - step1_passed: \"yes\"' on the next line")
            return None
        conditions = []
        for condition in node:
            if not isinstance(condition, CommentedMap) or not condition:
                reader.report(key, f"{reader.what}: each item of '{key}' must be slot: answer pairs",
                              "Write e.g. '- step1_passed: \"yes\"'")
                return None
            clean = {}
            for slot, answer in condition.items():
                slot_ok = self.known(reader, key, str(slot), SLOTS, f"{reader.what} names the slot")
                answer = answer if isinstance(answer, str) else {True: "yes", False: "no"}.get(answer, str(answer))
                answer_ok = self.known(reader, key, answer, ANSWER_VALUES, f"{reader.what} expects the answer")
                if slot_ok is None or answer_ok is None:
                    return None
                clean[slot_ok] = answer_ok
            conditions.append(clean)
        return tuple(conditions)

    def question(self, mapping: CommentedMap) -> Question | None:
        reader = FieldReader(mapping, self.shown, f"the question for '{mapping.get('slot')}'", self.problems)
        reader.unknown_keys(QUESTION_FIELDS)
        slot = self.known(reader, "slot", reader.identifier("slot", "with the slot this question fills"), SLOTS,
                          f"{reader.what} has the slot")
        label = reader.text("label", "with the subject as it reads in a sentence, e.g. 'label: USMLE Step 1'")
        ask = self.text(reader, "ask", "with the question as users should read it")
        how = self.text(reader, "how_to_find_out", "with how someone who is not sure can find out")
        mentions = reader.text_list("mentions", "with the words users use for this subject", "word")
        skip_if = self.conditions(reader, "skip_if", required=False)
        scores = self.min_scores(reader)
        pass_score = reader.mapping.get("pass_score")
        if pass_score is not None and (not isinstance(pass_score, int) or isinstance(pass_score, bool)
                                       or not 100 <= pass_score <= 300):
            reader.report("pass_score", f"{reader.what} has a 'pass_score' that is not a three-digit score",
                          "Write the lowest passing score, e.g. 'pass_score: 194', or remove the line")
            return None
        if None in (slot, label, ask, how, mentions, skip_if, scores):
            return None
        return Question(slot, label, ask, how, tuple(m.lower() for m, _ in mentions), skip_if, scores, pass_score)

    def min_scores(self, reader: FieldReader) -> dict[str, int] | None:
        node = reader.mapping.get("min_scores")
        if node is None:
            return {}
        if not isinstance(node, CommentedMap) or set(node) != set(OET_PARTS) or not all(
                isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 500 for v in node.values()):
            reader.report("min_scores", f"{reader.what} has 'min_scores' that are not four scores from 0 to 500",
                          "Write e.g. 'min_scores: {listening: 350, reading: 350, speaking: 350, writing: 300}'")
            return None
        return {part: int(node[part]) for part in OET_PARTS}

    def requirement(self, mapping: CommentedMap) -> Requirement | None:
        reader = FieldReader(mapping, self.shown, f"the requirement '{mapping.get('id')}'", self.problems)
        reader.unknown_keys(REQUIREMENT_FIELDS)
        req_id = self.known(reader, "id", reader.identifier("id", "with the requirement id"), REQUIREMENT_IDS,
                            f"{reader.what} has the id")
        title = self.text(reader, "title", "with the requirement's name as users see it")
        met_if = self.conditions(reader, "met_if", required=True)
        next_step = self.text(reader, "next_step", "with what the user should do next")
        fee = self.text(reader, "fee", "with the fee, using a figure such as {fee_oet} where there is one")
        link = reader.text("link", "with the official page for this requirement")
        problem = address_problem(link, self.knowledge) if link is not None else None
        if problem:
            reader.report("link", f"{reader.what} has the link '{link}', {problem[0]}", problem[1])
            link = None
        if None in (req_id, title, met_if, next_step, fee, link):
            return None
        return Requirement(req_id, title, met_if, next_step, fee, link)

    def stop(self, mapping: CommentedMap) -> Stop | None:
        reader = FieldReader(mapping, self.shown, "a stop", self.problems)
        reader.unknown_keys(STOP_FIELDS)
        when = self.conditions(reader, "when", required=True)
        status = self.known(reader, "status", reader.identifier("status", "with the status it ends in"),
                            STATUSES, "a stop has the status")
        missing = reader.text_list("missing", "with the requirement ids left open, e.g. [school]", "requirement id")
        ids = [self.known(reader, "missing", m, REQUIREMENT_IDS, "a stop lists the requirement") for m, _ in missing or []]
        if when is None or status is None or missing is None or None in ids or len(when) != 1:
            if when is not None and len(when) != 1:
                reader.report("when", "a stop's 'when' must be one condition", "Write e.g. 'when: {school_listed: \"no\"}'")
            return None
        return Stop(when[0], status, tuple(ids))
