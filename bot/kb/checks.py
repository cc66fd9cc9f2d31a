"""Content rules for the knowledge base; each broken rule becomes a `file:line: what. fix.` problem."""
from __future__ import annotations

import calendar
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from urllib.parse import ParseResult, urlparse

from bot.errors import Problem
from bot.kb.model import Entry, Knowledge
from bot.kb.policy import DEFAULT_KEY, FIGURES_KEY, SOURCES_FILE
from bot.kb.render import FIGURE_REF, MARKDOWN_LINK, word_count

MIN_PHRASINGS = 12
MAX_ANSWER_WORDS = 120
GLOSSARY_LABELS = ("document", "exam", "organization", "portal", "program", "term", "visa")
BROKEN_LINK = re.compile(r"\[[^\]]*\]\([^)]*$|\[[^\]]*\]\s+\(|\]\([^)]*\s[^)]*\)|\[\s*\]\([^)]*\)|\[[^\]]*\]\(\s*\)")
# Words that do not change what a phrasing asks: two entries' phrasings differing only in these clash.
FILLER_WORDS = frozenset(
    "a about an and any are at can could do does for i in is it its me my of on or please pls plz some "
    "that the this to".split())
TYPO_SIMILARITY = 0.8  # two words this alike (difflib ratio) are the same word misspelt, e.g. fee / fees
SITE_SIMILARITY = 0.8
# An answer that opens with a bare verdict reads as an answer to whatever was asked, even when the
# wrong entry was picked; it must restate what it answers ("ECFMG Certification does not guarantee ...").
BARE_VERDICT = re.compile(r"^\W*(yes|no|yep|yeah|nope|sometimes|usually|often|rarely|never|maybe|possibly|probably|"
                          r"correct|right|true|false|it depends|not necessarily|not always|not quite|absolutely|sure)\b\s*[.,;:!?)—–-]",
                          re.IGNORECASE)
# A first sentence this short ("Not confirmed.", "Once you are certified.") is a fragment that only makes
# sense after the question it was written for, so it fails the same way a bare verdict does.
MIN_OPENING_WORDS = 4
# Openers that only qualify a verdict the user never sees ("Not as a citizen.", "Once you are certified.").
FRAGMENT_OPENER = re.compile(r"^(?:not|once|only|unless|if so|if not)\b", re.IGNORECASE)
FRAGMENT_MAX_WORDS = 7
ABBREVIATIONS = re.compile(r"\b(U\.S|U\.K|e\.g|i\.e|a\.m|p\.m|Dr|St|No)\.")
FIRST_SENTENCE = re.compile(r"^(.*?[.!?])(?:\s|$)", re.DOTALL)
# Wording about how the guide was compiled means nothing to users and reads as an excuse.
INTERNAL_WORDING = re.compile(r"\b(?:our|my|the) (?:sources?|fact ?sheet|data ?set|records)\b|\bwe (?:found|could not find|have no)\b|"
                              r"\bnot found in (?:the|our) \w+", re.IGNORECASE)
# The same long sentence in this many answers is boilerplate: users who ask two questions read it twice.
BOILERPLATE_MIN_WORDS = 8
BOILERPLATE_MAX_ANSWERS = 2


# Pages whose content moves: search results, page 2..n of a list, and ecfmg.org's newsletter and mirror
# hosts (copies of ecfmg.org pages that are not kept up). A source or link must be the page itself.
UNSTABLE_PATH = re.compile(r"/search(?:/|$)|/page/\d+(?:/|$)", re.IGNORECASE)
UNSTABLE_QUERY_KEYS = frozenset({"s", "q", "search", "query", "page", "paged"})
MIRROR_HOSTS = {"gp.ecfmg.org": "www.ecfmg.org", "tsemswp.ecfmg.org": "www.ecfmg.org", "xapi.ecfmg.org": "www.ecfmg.org",
                "golive.ecfmg.org": "www.ecfmg.org", "w.ecfmg.org": "www.ecfmg.org", "imed.ecfmg.org": "www.ecfmg.org"}


def check_knowledge(knowledge: Knowledge, today: date) -> list[Problem]:
    """Every content problem in the loaded knowledge."""
    problems: list[Problem] = []
    for entry in knowledge.entries.values():
        problems += _check_entry(entry, knowledge, today)
    problems += _check_duplicate_phrasings(knowledge)
    problems += _check_near_duplicate_phrasings(knowledge)
    problems += _check_boilerplate(knowledge)
    problems += _check_topics(knowledge)
    problems += _check_figures(knowledge, today)
    problems += _check_glossary(knowledge)
    problems += _check_review_topics(knowledge)
    return problems


def normalise_phrasing(text: str) -> str:
    """Folds case, curly quotes and punctuation, so copies pasted from Word still match."""
    text = text.lower().replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    return " ".join(re.sub(r"[^\w' ]+", " ", text).split())


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
    verdict = BARE_VERDICT.match(entry.answer)
    if verdict:
        report("answer", f"opens with a bare '{verdict.group(1)}'",
               "Start with a sentence that restates what it answers, e.g. 'ECFMG Certification does not "
               "guarantee a residency position: ...', so the answer cannot be read as a reply to another question")
    opening = _first_sentence(entry.answer)
    # A short sentence stating a {figure} ("Applying costs {fee}.") is a statement of the answer, not a fragment.
    if not verdict and opening and not FIGURE_REF.search(opening) and (word_count(opening) < MIN_OPENING_WORDS or (
            FRAGMENT_OPENER.match(opening) and word_count(opening) <= FRAGMENT_MAX_WORDS)):
        report("answer", f"opens with the fragment '{opening}'",
               "Make the first sentence a full statement that restates what it answers, so it stands alone, "
               "e.g. 'Only a Pathway-based certificate can expire: ...'")
    for wording in INTERNAL_WORDING.findall(entry.answer):
        report("answer", f"uses the internal wording '{wording}'",
               "Say what is and is not officially published, and where to check, e.g. 'ECFMG has not published "
               "the 2027 dates yet; see ecfmg.org/news'")
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
        elif name in knowledge.figures and knowledge.figures[name].source not in entry.sources and \
                not address_problem(knowledge.figures[name].source, knowledge):  # a bad one is reported at the figure
            # The answer states the figure, so its sources must include the page that carries it.
            report("sources", f"uses the figure '{{{name}}}' but does not list its source",
                   f"Add '{knowledge.figures[name].source}' under 'sources:' (the page knowledge/figures.yml "
                   "gives for that figure)")
    if re.search(r"[{}]", FIGURE_REF.sub("", entry.answer)):
        report("answer", "has a '{' or '}' that is not part of a figure name",
               "Write figures as {name} with a name from knowledge/figures.yml, or remove the brace")
    _check_links(entry, knowledge, report)
    if not entry.sources:
        report("sources", "has no official source",
               "Add under 'sources:' the official https address(es) the answer is based on")
    for source in entry.sources:
        problem = address_problem(source, knowledge)
        if problem:
            report("sources", f"has the source '{source}', {problem[0]}", problem[1])
    if entry.facts_as_of is not None and entry.facts_as_of.first_day > today:
        report("facts_as_of", f"has 'facts_as_of' {entry.facts_as_of}, which is in the future",
               "Use the date the fact sheet gives for the facts in this answer")
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


def _first_sentence(answer: str) -> str | None:
    """The answer's first sentence, or None when it opens with a list or a heading ending in ':'."""
    first_paragraph = answer.strip().split("\n\n")[0]
    flat = ABBREVIATIONS.sub(lambda m: m.group(1).replace(".", "") , " ".join(first_paragraph.split()))
    match = FIRST_SENTENCE.match(flat)
    if not match or ":" in match.group(1) or flat[:2] in ("- ", "1."):
        return None
    return match.group(1)


def _sentences(answer: str) -> list[str]:
    flat = " ".join(MARKDOWN_LINK.sub(lambda m: m.group(1), answer).split())
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", flat) if s.strip()]


def _check_boilerplate(knowledge: Knowledge) -> list[Problem]:
    """A long sentence repeated across answers: say it once, in the entry it belongs to."""
    users: dict[str, list[Entry]] = {}
    for entry in knowledge.entries.values():
        for sentence in set(_sentences(entry.answer)):
            if len(sentence.split()) >= BOILERPLATE_MIN_WORDS:
                users.setdefault(normalise_phrasing(sentence), []).append(entry)
    found = []
    for sentence, entries in users.items():
        if len(entries) > BOILERPLATE_MAX_ANSWERS:
            for entry in entries[BOILERPLATE_MAX_ANSWERS:]:
                found.append(Problem(
                    entry.file, entry.line_of("answer"),
                    f"entry '{entry.id}' repeats a sentence found in {len(entries)} answers: '{sentence}'",
                    "Keep it in the one or two answers it belongs to and reword or drop it here"))
    return found


def _check_links(entry: Entry, knowledge: Knowledge, report: Callable[[str, str, str], None]) -> None:
    for match in BROKEN_LINK.finditer(entry.answer):
        report("answer", f"has a broken link '{match.group(0).strip()}'",
               "Write links as [text shown](https://address) with no spaces inside the brackets")
    for text, url in MARKDOWN_LINK.findall(entry.answer):
        problem = address_problem(url, knowledge)
        if problem:
            report("answer", f"links '{text}' to '{url}', {problem[0]}", problem[1])


def address_problem(url: str, knowledge: Knowledge) -> tuple[str, str] | None:
    """(what is wrong, what to do) if url is not an https page on an official site, else None."""
    parsed = urlparse(url)
    host = (parsed.hostname or "").lower() if parsed.scheme in ("http", "https") else ""
    if not host or "." not in host or " " in url:
        return "which is not an https web address", "Write the full official address, starting with https://"
    sites = knowledge.policy.official_sites
    if knowledge.policy.readable and not on_official_site(host, sites):
        likely = _likely_site(host, sites)
        if likely:
            corrected = url.replace(parsed.netloc, parsed.netloc.lower().replace(likely[0], likely[1]), 1)
            corrected = "https" + corrected[len(parsed.scheme):]
            return (f"whose site '{host}' is not an official site",
                    f"Did you mean '{corrected}'? Correct the address")
        return (f"whose site '{host}' is not on the list of official sites in knowledge/{SOURCES_FILE}",
                f"Use a page on an official site; if '{host.removeprefix('www.')}' is official, add it to "
                f"knowledge/{SOURCES_FILE}")
    if parsed.scheme != "https":
        return "which is not a secure https address", f"Write it as '{'https' + url[len(parsed.scheme):]}'"
    return _unstable_page(parsed, host)


def _unstable_page(parsed: ParseResult, host: str) -> tuple[str, str] | None:
    """(what is wrong, what to do) for an address whose content changes without notice."""
    if host in MIRROR_HOSTS:
        return (f"which is on '{host}', a copy of ecfmg.org pages that is not kept up to date",
                f"Use the same page on https://{MIRROR_HOSTS[host]}{parsed.path}, or the official page that carries the fact")
    query_keys = {pair.split("=")[0].lower() for pair in parsed.query.split("&") if pair}
    if UNSTABLE_PATH.search(parsed.path) or query_keys & UNSTABLE_QUERY_KEYS:
        return ("which is a search-result or paginated list page, whose content changes",
                "Link the article or page that carries the fact itself")
    return None


def on_official_site(host: str, sites: tuple[str, ...]) -> bool:
    return any(host == site or host.endswith(f".{site}") for site in sites)


def _likely_site(host: str, sites: tuple[str, ...]) -> tuple[str, str] | None:
    """(the mistyped end of host, the official site it was meant to be), e.g. ('ecmfg.org', 'ecfmg.org')."""
    best: tuple[float, str, str] | None = None
    for site in sites:
        tail = ".".join(host.split(".")[-len(site.split(".")):])
        same_name = tail.split(".")[0] == site.split(".")[0]  # ecfmg.com for ecfmg.org
        score = 1.0 if same_name else difflib.SequenceMatcher(None, tail, site).ratio()
        if score >= SITE_SIMILARITY and (best is None or score > best[0]):
            best = (score, tail, site)
    return (best[1], best[2]) if best else None


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


def content_words(phrasing: str) -> tuple[str, ...]:
    return tuple(w for w in normalise_phrasing(phrasing).split() if w not in FILLER_WORDS)


def _check_near_duplicate_phrasings(knowledge: Knowledge) -> list[Problem]:
    """Phrasings of two entries that differ only in filler words ('the', 'my') or in the spelling of
    one word ('fee' / 'fees'). Whole-string similarity is not used: 'step 1' and 'step 3' are
    different questions however alike the strings look."""
    by_words: dict[tuple[str, ...], list[Phrasing]] = {}
    by_masked: dict[tuple[str, ...], list[tuple[Phrasing, str]]] = {}
    for entry in knowledge.entries.values():
        for field_name, text in [("question", entry.question)] + [(f"also_asked:{p}", p) for p in entry.also_asked]:
            phrasing = Phrasing(entry, field_name, text)
            words = content_words(text)
            by_words.setdefault(words, []).append(phrasing)
            for i, word in enumerate(words):
                if len(word) >= 3 and not any(ch.isdigit() for ch in word):
                    by_masked.setdefault(words[:i] + ("*",) + words[i + 1:], []).append((phrasing, word))
    pairs: dict[tuple[str, str], tuple[Phrasing, Phrasing]] = {}
    for group in by_words.values():
        for first, second in _pairs_of_different_entries(group):
            if normalise_phrasing(first.text) != normalise_phrasing(second.text):  # exact copies: reported already
                pairs.setdefault(_pair_key(first, second), (first, second))
    for group in by_masked.values():
        for (first, first_word), (second, second_word) in _pairs_of_different_entries(group, key=lambda g: g[0]):
            if first_word != second_word and \
                    difflib.SequenceMatcher(None, first_word, second_word).ratio() >= TYPO_SIMILARITY:
                pairs.setdefault(_pair_key(first, second), (first, second))
    return [_near_duplicate_problem(first, second) for first, second in pairs.values()]


@dataclass(frozen=True)
class Phrasing:
    entry: Entry
    field: str  # 'question' or 'also_asked:<text>', for its line
    text: str

    @property
    def where(self) -> str:
        return f"{self.entry.file}:{self.entry.line_of(self.field)}"


def _pairs_of_different_entries(group: list, key: Callable = lambda item: item):
    for i, first in enumerate(group):
        for second in group[i + 1:]:
            if key(first).entry.id != key(second).entry.id:
                yield first, second


def _pair_key(first: Phrasing, second: Phrasing) -> tuple[str, str]:
    return tuple(sorted((f"{first.entry.id}/{first.field}", f"{second.entry.id}/{second.field}")))


def _near_duplicate_problem(first: Phrasing, second: Phrasing) -> Problem:
    """Reported at the later of the two, naming the earlier: the later one is usually the new edit."""
    earlier, later = sorted([first, second], key=lambda p: (p.entry.file, p.entry.line_of(p.field)))
    return Problem(
        later.entry.file, later.entry.line_of(later.field),
        f"the phrasing '{later.text}' of entry '{later.entry.id}' is nearly the same as '{earlier.text}' "
        f"of entry '{earlier.entry.id}' ({earlier.where}); they differ only in {_difference(later.text, earlier.text)}",
        "Keep the question under the one entry it belongs to, or reword it so it clearly asks something different")


def _difference(text: str, other: str) -> str:
    words, other_words = content_words(text), content_words(other)
    if words == other_words:
        extra = sorted(set(normalise_phrasing(text).split()) ^ set(normalise_phrasing(other).split()))
        return ", ".join(f"'{w}'" for w in extra) if extra else "punctuation"
    [(mine, theirs)] = [(a, b) for a, b in zip(words, other_words) if a != b]
    return f"the spelling of '{mine}' / '{theirs}'"


def _check_review_topics(knowledge: Knowledge) -> list[Problem]:
    policy = knowledge.policy
    known = {t.id for t in knowledge.topics} | {DEFAULT_KEY, FIGURES_KEY}
    if knowledge.unreadable_files or not knowledge.topics:
        return []
    return [Problem(policy.review_file, policy.review_lines[key],
                    f"the review interval '{key}' is not a topic",
                    f"Use a topic id from knowledge/faq/ ({', '.join(sorted(t.id for t in knowledge.topics))}), "
                    f"'{FIGURES_KEY}' or '{DEFAULT_KEY}'")
            for key in policy.review_months if key not in known]


def review_warnings(knowledge: Knowledge, today: date) -> list[Problem]:
    """Entries and figures whose 'checked' date, and entries whose facts, are older than their review
    interval (knowledge/review.yml). A recent review does not make old facts current: both are listed."""
    found = []
    policy = knowledge.policy
    for entry in knowledge.entries.values():
        months = policy.months_for(entry.topic)
        interval = entry.topic if entry.topic in policy.review_months else DEFAULT_KEY
        where = f"review interval '{interval}' in {policy.review_file}"
        if add_months(entry.checked, months) < today:
            found.append(Problem(
                entry.file, entry.line_of("checked"),
                f"entry '{entry.id}' was last checked on {entry.checked.isoformat()}, more than {months} months ago "
                f"({where})",
                f"{entry.owner}: check the answer against its sources, then set 'checked' to that day"))
        found += _facts_warnings(entry, months, where, today)
    months = policy.months_for(FIGURES_KEY)
    interval = FIGURES_KEY if FIGURES_KEY in policy.review_months else DEFAULT_KEY
    for figure in knowledge.figures.values():
        if add_months(figure.checked, months) < today:
            found.append(Problem(
                figure.file, figure.line,
                f"figure '{figure.name}' was last checked on {figure.checked.isoformat()}, more than {months} months "
                f"ago (review interval '{interval}' in {policy.review_file})",
                "Check the value against its source, then set 'checked' to that day"))
    return sorted(found)


def _facts_warnings(entry: Entry, months: int, where: str, today: date) -> list[Problem]:
    if entry.facts_as_of is None:  # not dated yet: users are shown the review day, named as such
        return []
    if add_months(entry.facts_as_of.last_day, months) >= today:
        return []
    return [Problem(
        entry.file, entry.line_of("facts_as_of"),
        f"entry '{entry.id}' states facts as of {entry.facts_as_of.shown()}, more than {months} months ago ({where})",
        f"{entry.owner}: compare the answer with the current official pages, then update the answer and 'facts_as_of'")]


def add_months(day: date, months: int) -> date:
    """The same day months later, or that month's last day (31 August + 6 months = 28 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


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
        problem = address_problem(figure.source, knowledge)
        if problem:
            found.append(Problem(figure.file, figure.line,
                                 f"figure '{figure.name}' has the source '{figure.source}', {problem[0]}", problem[1]))
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
