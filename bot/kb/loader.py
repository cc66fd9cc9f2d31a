"""Loads knowledge/ into plain data, reporting every structural problem with file and line."""
from __future__ import annotations

from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from bot.errors import Problem
from bot.kb.facts_date import FactsDate
from bot.kb.fields import FieldReader, as_mapping
from bot.kb.model import Entry, Figure, Knowledge, Term, Topic
from bot.kb.policy import load_policy
from bot.kb.yamlfile import display_name, item_line, key_line, read_yaml

TOPIC_FIELDS = ("topic", "title", "start_with", "entries")
ENTRY_FIELDS = ("id", "question", "also_asked", "answer", "sources", "facts_as_of", "checked", "owner", "related")
FIGURE_FIELDS = ("name", "value", "as_of", "caveat", "source", "checked")
TERM_FIELDS = ("id", "label", "name", "variants")
README_HINT = "Copy the layout of the example in knowledge/README.md"


def load_knowledge(root: Path) -> tuple[Knowledge, list[Problem]]:
    """Everything under root (topic files in faq/, figures.yml, glossary.yml, sources.yml, review.yml)
    and the problems found."""
    policy, problems = load_policy(root)
    knowledge = Knowledge(policy=policy)
    topic_files = sorted((root / "faq").glob("*.yml"))
    if not topic_files:
        problems.append(Problem(display_name(root / "faq", root), 1, "there are no topic files (*.yml) here",
                                "Add at least one topic file, e.g. knowledge/faq/fees.yml"))
    for path in topic_files:
        _load_topic_file(path, display_name(path, root), knowledge, problems)
    _load_list_file(root / "figures.yml", root, "figures", _read_figure, knowledge, problems)
    _load_list_file(root / "glossary.yml", root, "terms", _read_term, knowledge, problems)
    return knowledge, problems


def _load_topic_file(path: Path, shown: str, knowledge: Knowledge, problems: list[Problem]) -> None:
    document, syntax = read_yaml(path, shown)
    problems.extend(syntax)
    if syntax:
        knowledge.unreadable_files.add(shown)
        return
    mapping = as_mapping(document, shown, 1, problems,
                         "the file must start with 'topic:', 'title:', 'start_with:' and 'entries:'", README_HINT)
    if mapping is None:
        return
    reader = FieldReader(mapping, shown, "the topic file", problems)
    reader.unknown_keys(TOPIC_FIELDS)
    topic_id = reader.identifier("topic", "with the topic id, e.g. 'topic: fees'")
    title = reader.text("title", "with the topic name users see, e.g. 'title: Fees'")
    start_with = reader.identifier("start_with", "with the id of the entry to offer first for this topic")
    entries = _read_entries(mapping, shown, topic_id or path.stem, problems, knowledge)
    knowledge_ids = []
    for entry in entries:
        if entry.id in knowledge.entries:
            first = knowledge.entries[entry.id]
            problems.append(Problem(shown, entry.line, f"id '{entry.id}' is already used at {first.origin}",
                                    f"Pick a new id, e.g. '{entry.id}_2'"))
            continue
        knowledge.entries[entry.id] = entry
        knowledge_ids.append(entry.id)
    if topic_id and title and start_with:
        knowledge.topics.append(Topic(topic_id, title, start_with, shown, reader.line_of("topic"),
                                      tuple(knowledge_ids)))


def _read_entries(mapping: CommentedMap, shown: str, topic_id: str, problems: list[Problem],
                  knowledge: Knowledge) -> list[Entry]:
    if "entries" not in mapping:
        problems.append(Problem(shown, 1, "the topic file has no 'entries'",
                                "Add 'entries:' followed by the entries, each starting with '- id:'"))
        return []
    items = mapping["entries"]
    if not isinstance(items, CommentedSeq):
        problems.append(Problem(shown, key_line(mapping, "entries", 1), "'entries' must be a list",
                                "Start each entry with '- id:' on its own line, indented under 'entries:'"))
        return []
    entries = []
    for index, item in enumerate(items):
        line = item_line(items, index, 1)
        entry_map = as_mapping(item, shown, line, problems, "this entry is not a set of fields",
                               "Start it with '- id: ...' and put its fields below, indented as in knowledge/README.md")
        if entry_map is not None:
            entry = _read_entry(entry_map, shown, topic_id, problems)
            if entry is not None:
                entries.append(entry)
            elif isinstance(entry_map.get("id"), str):
                knowledge.unreadable_ids.add(entry_map["id"])
    return entries


def _read_entry(mapping: CommentedMap, shown: str, topic_id: str, problems: list[Problem]) -> Entry | None:
    raw_id = mapping.get("id")
    reader = FieldReader(mapping, shown, f"entry '{raw_id}'" if raw_id else "an entry", problems)
    reader.unknown_keys(ENTRY_FIELDS)
    entry_id = reader.identifier("id", "with a unique id, e.g. 'id: exam_fee'")
    question = reader.text("question", "with the main question this entry answers")
    also_asked = reader.text_list("also_asked", "with at least 12 ways users ask this question", "phrasing")
    answer = reader.text("answer", "followed by the answer text (use 'answer: |' and indent the text below)")
    sources = reader.text_list("sources", "with at least one official https address", "source address")
    facts_as_of = _facts_as_of(reader)
    checked = reader.day("checked")
    owner = reader.text("owner", "with the team or role who keeps this answer right, e.g. 'owner: Fees desk'")
    related = reader.text_list("related", "with the ids of 2 to 4 follow-up entries, e.g. related: [fees_overview]",
                               "related id")
    fields = (entry_id, question, also_asked, answer, sources, checked, owner, related)
    if any(value is None for value in fields):
        return None
    lines = {key: reader.line_of(key) for key in ENTRY_FIELDS}
    lines.update({f"also_asked:{text}": line for text, line in also_asked})
    return Entry(
        id=entry_id, topic=topic_id, question=question,
        also_asked=tuple(text for text, _ in also_asked), answer=answer,
        sources=tuple(text for text, _ in sources), checked=checked, owner=owner,
        related=tuple(text for text, _ in related), file=shown, line=reader.line, field_lines=lines,
        facts_as_of=facts_as_of,
    )


def _facts_as_of(reader: FieldReader) -> FactsDate | None:
    """The optional 'facts_as_of' field: a year or a year and month."""
    if reader.mapping.get("facts_as_of") is None:
        return None
    raw = str(reader.mapping["facts_as_of"]).strip()
    facts = FactsDate.parse(raw)
    if facts is None:
        reader.report("facts_as_of", f"'facts_as_of' is '{raw}', not a year or a month",
                      "Write the date the facts were valid as YYYY or YYYY-MM, e.g. 2023-08, as the fact sheet gives it")
    return facts


def _load_list_file(path: Path, root: Path, key: str, read_item, knowledge: Knowledge,
                    problems: list[Problem]) -> None:
    shown = display_name(path, root)
    if not path.exists():
        problems.append(Problem(shown, 1, "the file is missing", f"Create it with a '{key}:' list. {README_HINT}"))
        return
    document, syntax = read_yaml(path, shown)
    problems.extend(syntax)
    if syntax:
        knowledge.figures_unreadable |= key == "figures"
        return
    if not isinstance(document, CommentedMap) or not isinstance(document.get(key), CommentedSeq):
        problems.append(Problem(shown, 1, f"the file must hold a '{key}:' list",
                                f"Start the file with '{key}:' and list the items below it. {README_HINT}"))
        return
    items = document[key]
    for index, item in enumerate(items):
        line = item_line(items, index, 1)
        mapping = as_mapping(item, shown, line, problems, "this item is not a set of fields", README_HINT)
        if mapping is not None:
            read_item(mapping, shown, knowledge, problems)


def _read_figure(mapping: CommentedMap, shown: str, knowledge: Knowledge, problems: list[Problem]) -> None:
    reader = FieldReader(mapping, shown, f"figure '{mapping.get('name')}'", problems)
    reader.unknown_keys(FIGURE_FIELDS)
    name = reader.identifier("name", "with the name answers use, e.g. 'name: fee_sevis'")
    value = reader.text("value", "with the figure as users should read it, e.g. 'value: US$220'")
    as_of = reader.text("as_of", "with when the figure was valid, e.g. 'as_of: January 2022'")
    caveat = str(mapping.get("caveat") or "").strip()
    source = reader.text("source", "with the official https address of the figure")
    checked = reader.day("checked")
    if None in (name, value, as_of, source, checked):
        if isinstance(mapping.get("name"), str):
            knowledge.unreadable_figures.add(mapping["name"])
        return
    if name in knowledge.figures:
        first = knowledge.figures[name]
        reader.report("name", f"figure '{name}' is already defined at {first.file}:{first.line}",
                      "Keep one definition and delete the other")
        return
    knowledge.figures[name] = Figure(name, value, as_of, caveat, source, checked, shown, reader.line)


def _read_term(mapping: CommentedMap, shown: str, knowledge: Knowledge, problems: list[Problem]) -> None:
    reader = FieldReader(mapping, shown, f"term '{mapping.get('id')}'", problems)
    reader.unknown_keys(TERM_FIELDS)
    term_id = reader.identifier("id", "with a unique id, e.g. 'id: step2ck'")
    label = reader.identifier("label", "with the kind of term, e.g. 'label: exam'")
    name = reader.text("name", "with the official name, e.g. 'name: USMLE Step 2 CK'")
    variants = reader.text_list("variants", "with the ways users write the term", "variant")
    if None in (term_id, label, name, variants):
        return
    knowledge.terms.append(Term(term_id, label, name, tuple(v.lower() for v, _ in variants), shown, reader.line))
