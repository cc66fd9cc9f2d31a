"""Content rules for the knowledge base; each broken rule becomes a `file:line: what. fix.` problem."""
from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from datetime import date
from urllib.parse import urlparse

from bot.errors import Problem
from bot.kb.model import Entry, Knowledge
from bot.kb.render import FIGURE_REF, MARKDOWN_LINK, word_count

MIN_PHRASINGS = 12
MAX_ANSWER_WORDS = 120
GLOSSARY_LABELS = ("document", "exam", "organization", "portal", "program", "term", "visa")
BROKEN_LINK = re.compile(r"\[[^\]]*\]\([^)]*$|\[[^\]]*\]\s+\(|\]\([^)]*\s[^)]*\)")


def check_knowledge(knowledge: Knowledge, today: date) -> list[Problem]:
    """Every content problem in the loaded knowledge."""
    problems: list[Problem] = []
    for entry in knowledge.entries.values():
        problems += _check_entry(entry, knowledge, today)
    problems += _check_duplicate_phrasings(knowledge)
    problems += _check_topics(knowledge)
    problems += _check_figures(knowledge, today)
    problems += _check_glossary(knowledge)
    return problems


def normalise_phrasing(text: str) -> str:
    """Folds case, curly quotes and punctuation, so copies pasted from Word still match."""
    text = text.lower().replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    return " ".join(re.sub(r"[^\w' ]+", " ", text).split())


def is_https_url(text: str) -> bool:
    parsed = urlparse(text)
    return parsed.scheme == "https" and "." in parsed.netloc and " " not in text


def _check_entry(entry: Entry, knowledge: Knowledge, today: date) -> list[Problem]:
    found: list[Problem] = []

    def report(field: str, what: str, fix: str) -> None:
        found.append(Problem(entry.file, entry.line_of(field), f"entry '{entry.id}' {what}", fix))

    count = len(entry.also_asked)
    if count < MIN_PHRASINGS:
        report("also_asked", f"has {count} phrasings under 'also_asked'; at least {MIN_PHRASINGS} are needed",
               f"Add {MIN_PHRASINGS - count} more ways users ask this question")
    seen: set[str] = set()
    for phrasing in entry.also_asked:
        key = normalise_phrasing(phrasing)
        if key in seen:
            report(f"also_asked:{phrasing}", f"lists the phrasing '{phrasing}' twice", "Remove one of them")
        seen.add(key)
    words = word_count(entry.answer)
    if words > MAX_ANSWER_WORDS:
        report("answer", f"has an answer of {words} words; the limit is {MAX_ANSWER_WORDS}",
               "Shorten it, or move the detail into a related entry")
    for name in FIGURE_REF.findall(entry.answer):
        if not knowledge.may_define(name):
            close = difflib.get_close_matches(name, list(knowledge.figures), n=1)
            hint = f"did you mean '{{{close[0]}}}'? " if close else ""
            report("answer", f"uses the figure '{{{name}}}', which is not in knowledge/figures.yml",
                   f"{hint.capitalize()}Use a name from knowledge/figures.yml, or add the figure there")
    if re.search(r"[{}]", FIGURE_REF.sub("", entry.answer)):
        report("answer", "has a '{' or '}' that is not part of a figure name",
               "Write figures as {name} with a name from knowledge/figures.yml, or remove the brace")
    _check_links(entry, report)
    for source in entry.sources:
        if not is_https_url(source):
            report("sources", f"has the source '{source}', which is not an https web address",
                   "Write the full official address, starting with https://")
    if entry.checked > today:
        report("checked", f"has 'checked' {entry.checked.isoformat()}, which is in the future",
               "Use the date you last checked the answer against its sources (today or earlier)")
    for related in entry.related:
        if related == entry.id:
            report("related", "lists itself under 'related'", "Remove its own id from 'related'")
        elif not knowledge.may_contain(related):
            close = difflib.get_close_matches(related, [i for i in knowledge.entries if i != entry.id], n=1)
            hint = f"did you mean '{close[0]}'" if close else "use an id from knowledge/faq/"
            report("related", f"lists the related entry '{related}', which does not exist",
                   f"Correct it ({hint}) or remove it")
    return found


def _check_links(entry: Entry, report: Callable[[str, str, str], None]) -> None:
    for match in BROKEN_LINK.finditer(entry.answer):
        report("answer", f"has a broken link '{match.group(0).strip()}'",
               "Write links as [text shown](https://address) with no spaces inside the brackets")
    for text, url in MARKDOWN_LINK.findall(entry.answer):
        if not is_https_url(url):
            report("answer", f"links '{text}' to '{url}', which is not an https web address",
                   "Use the full official address, starting with https://")


def _check_duplicate_phrasings(knowledge: Knowledge) -> list[Problem]:
    """The same question under two entries makes the bot unable to tell them apart."""
    owner: dict[str, tuple[Entry, str]] = {}
    for entry in knowledge.entries.values():
        owner.setdefault(normalise_phrasing(entry.question), (entry, "question"))
    found = []
    for entry in knowledge.entries.values():
        for phrasing in entry.also_asked:
            key = normalise_phrasing(phrasing)
            first, field = owner.setdefault(key, (entry, f"also_asked:{phrasing}"))
            if first.id != entry.id:
                found.append(Problem(
                    entry.file, entry.line_of(f"also_asked:{phrasing}"),
                    f"the phrasing '{phrasing}' of entry '{entry.id}' is also used by entry '{first.id}' "
                    f"({first.file}:{first.line_of(field)})",
                    "Keep it under the one entry it belongs to"))
    return found


def _check_topics(knowledge: Knowledge) -> list[Problem]:
    found = []
    seen: dict[str, str] = {}
    for topic in knowledge.topics:
        if topic.id in seen:
            found.append(Problem(topic.file, topic.line, f"the topic '{topic.id}' is already used by {seen[topic.id]}",
                                 "Give each topic file its own topic id"))
        seen.setdefault(topic.id, topic.file)
        if topic.start_with not in topic.entry_ids and topic.start_with not in knowledge.unreadable_ids:
            found.append(Problem(topic.file, topic.line,
                                 f"'start_with' names '{topic.start_with}', which is not an entry in this file",
                                 "Use the id of one of the entries below"))
    return found


def _check_figures(knowledge: Knowledge, today: date) -> list[Problem]:
    found = []
    for figure in knowledge.figures.values():
        if not is_https_url(figure.source):
            found.append(Problem(figure.file, figure.line,
                                 f"figure '{figure.name}' has the source '{figure.source}', which is not an https web address",
                                 "Write the full official address, starting with https://"))
        if figure.checked > today:
            found.append(Problem(figure.file, figure.line,
                                 f"figure '{figure.name}' has 'checked' {figure.checked.isoformat()}, which is in the future",
                                 "Use the date you last checked the figure (today or earlier)"))
    return found


def _check_glossary(knowledge: Knowledge) -> list[Problem]:
    found = []
    owner: dict[str, str] = {}
    ids: set[str] = set()
    for term in knowledge.terms:
        if term.id in ids:
            found.append(Problem(term.file, term.line, f"the term id '{term.id}' is used twice",
                                 "Merge the two terms or rename one"))
        ids.add(term.id)
        if term.label not in GLOSSARY_LABELS:
            found.append(Problem(term.file, term.line, f"term '{term.id}' has the label '{term.label}'",
                                 f"Use one of: {', '.join(GLOSSARY_LABELS)}"))
        for variant in term.variants:
            if variant in owner and owner[variant] != term.id:
                found.append(Problem(term.file, term.line,
                                     f"the variant '{variant}' of term '{term.id}' is also a variant of '{owner[variant]}'",
                                     "Keep it under one term only"))
            owner.setdefault(variant, term.id)
    return found
