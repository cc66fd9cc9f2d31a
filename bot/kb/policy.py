"""Reads the publishing rules staff keep in knowledge/: official sites and review intervals."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from bot.errors import Problem
from bot.kb.yamlfile import display_name, item_line, key_line, read_yaml

SOURCES_FILE = "sources.yml"
REVIEW_FILE = "review.yml"
DEFAULT_KEY = "default"
FIGURES_KEY = "figures"
SITE_HINT = "one site per line, e.g. '  - ecfmg.org'"


@dataclass
class Policy:
    official_sites: tuple[str, ...] = ()
    review_months: dict[str, int] = field(default_factory=dict)  # topic id, 'figures' or 'default'
    review_lines: dict[str, int] = field(default_factory=dict)
    review_file: str = f"knowledge/{REVIEW_FILE}"
    readable: bool = True  # False: a file could not be read; its cause is reported instead

    def months_for(self, key: str) -> int:
        return self.review_months.get(key, self.review_months.get(DEFAULT_KEY, 6))


def load_policy(root: Path) -> tuple[Policy, list[Problem]]:
    policy = Policy(review_file=display_name(root / REVIEW_FILE, root))
    problems: list[Problem] = []
    sites = _read_list_or_map(root / SOURCES_FILE, root, "official_sites", CommentedSeq, problems)
    if sites is None:
        policy.readable = False
    else:
        policy.official_sites = tuple(_read_sites(sites, display_name(root / SOURCES_FILE, root), problems))
    months = _read_list_or_map(root / REVIEW_FILE, root, "review_every_months", CommentedMap, problems)
    if months is None:
        policy.readable = False
    else:
        _read_months(months, policy, problems)
    return policy, problems


def _read_list_or_map(path: Path, root: Path, key: str, kind: type, problems: list[Problem]):
    shown = display_name(path, root)
    example = SITE_HINT if kind is CommentedSeq else "e.g. 'default: 6' and 'fees: 3' indented below it"
    if not path.exists():
        problems.append(Problem(shown, 1, "the file is missing",
                                f"Create it with '{key}:' followed by {example}. See knowledge/README.md"))
        return None
    document, syntax = read_yaml(path, shown)
    problems.extend(syntax)
    if syntax:
        return None
    if not isinstance(document, CommentedMap) or not isinstance(document.get(key), kind):
        problems.append(Problem(shown, 1, f"the file must hold '{key}:'",
                                f"Start the file with '{key}:' followed by {example}"))
        return None
    return document[key]


def _read_sites(sites: CommentedSeq, shown: str, problems: list[Problem]) -> list[str]:
    found = []
    for index, site in enumerate(sites):
        line = item_line(sites, index, 1)
        text = str(site).strip().lower() if isinstance(site, str) else ""
        if not text or "/" in text or " " in text or "." not in text:
            problems.append(Problem(shown, line, f"'{site}' is not a site name",
                                    "Write only the site, without https:// or a path, e.g. 'ecfmg.org'"))
            continue
        found.append(text.removeprefix("www."))
    return found


def _read_months(months: CommentedMap, policy: Policy, problems: list[Problem]) -> None:
    for key, value in months.items():
        line = key_line(months, key, 1)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            problems.append(Problem(policy.review_file, line, f"the review interval for '{key}' is '{value}'",
                                    "Write a whole number of months, e.g. 6"))
            continue
        policy.review_months[str(key)] = value
        policy.review_lines[str(key)] = line
    if DEFAULT_KEY not in months:
        problems.append(Problem(policy.review_file, 1, "there is no 'default' review interval",
                                "Add 'default: 6' under 'review_every_months:' (months; topics may override it)"))
