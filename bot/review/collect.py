"""Gathers what staff review: open unanswered questions by topic and nearest entry, 👎 per entry,
eligibility outcomes. Plain data, rendered as text, CSV or HTML elsewhere."""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.kb.loader import load_knowledge
from bot.store import models
from bot.store.user_data import (UnansweredQuestion, eligibility_status_counts, open_feedback_counts,
                                 open_unanswered)

NO_ENTRY = "none"  # the cluster of questions no entry came close to; `--mark-entry none` marks it
MAX_EXAMPLES = 5
KIND_LABELS = {"no_match": "no match", "did_you_mean": "did you mean", "out_of_scope": "out of scope"}


@dataclass(frozen=True)
class EntryInfo:
    """What staff need to find and fix an entry."""

    id: str
    question: str
    topic: str
    where: str  # knowledge/faq/fees.yml:12, or "" if the entry no longer exists
    owner: str


@dataclass
class Cluster:
    """Open questions grouped under their nearest entry (or under no entry)."""

    key: str  # entry id or NO_ENTRY
    entry: EntryInfo | None
    questions: list[UnansweredQuestion] = field(default_factory=list)

    @property
    def kinds(self) -> Counter[str]:
        return Counter(q.kind for q in self.questions)

    @property
    def examples(self) -> list[UnansweredQuestion]:
        return sorted(self.questions, key=lambda q: q.asked_at, reverse=True)[:MAX_EXAMPLES]


@dataclass(frozen=True)
class TopicGroup:
    title: str
    clusters: list[Cluster]

    @property
    def count(self) -> int:
        return sum(len(c.questions) for c in self.clusters)


@dataclass(frozen=True)
class Feedback:
    entry: EntryInfo
    helpful: int
    unhelpful: int


@dataclass(frozen=True)
class Review:
    made_at: datetime
    since: datetime | None
    questions: list[UnansweredQuestion]  # every open one, oldest first
    topics: list[TopicGroup]  # no match and did you mean, biggest topic first
    out_of_scope: list[tuple[str, list[UnansweredQuestion]]]  # category -> questions, biggest first
    feedback: list[Feedback]  # entries with open 👎 (or 👍), most 👎 first
    eligibility: dict[str, int]

    @property
    def kinds(self) -> Counter[str]:
        return Counter(q.kind for q in self.questions)

    def per_day(self) -> dict[date, Counter[str]]:
        days: dict[date, Counter[str]] = {}
        for question in self.questions:
            days.setdefault(question.asked_at.date(), Counter())[question.kind] += 1
        return dict(sorted(days.items()))

    def clusters(self) -> list[Cluster]:
        """Every cluster, biggest first."""
        return sorted((c for t in self.topics for c in t.clusters), key=lambda c: (-len(c.questions), c.key))


def collect(session: Session, knowledge_root: Path, made_at: datetime, since: datetime | None = None) -> Review:
    entries = _entry_infos(session, knowledge_root)
    questions = open_unanswered(session, since)
    unanswered = [q for q in questions if q.kind != "out_of_scope"]
    feedback = [Feedback(_info(entries, c.entry_id), c.helpful, c.unhelpful)
                for c in open_feedback_counts(session, since)]
    return Review(made_at, since, questions, _by_topic(unanswered, entries), _out_of_scope(questions),
                  feedback, eligibility_status_counts(session))


def candidates_of(question: UnansweredQuestion) -> list[tuple[str, float]]:
    return [(entry_id, confidence) for entry_id, confidence in json.loads(question.candidates or "[]")]


def _by_topic(questions: list[UnansweredQuestion], entries: dict[str, EntryInfo]) -> list[TopicGroup]:
    clusters: dict[str, Cluster] = {}
    for question in questions:
        key = question.nearest_entry or NO_ENTRY
        cluster = clusters.setdefault(key, Cluster(key, None if key == NO_ENTRY else _info(entries, key)))
        cluster.questions.append(question)
    topics: dict[str, list[Cluster]] = {}
    for cluster in clusters.values():
        title = cluster.entry.topic if cluster.entry else "Near no entry (maybe a new entry is needed)"
        topics.setdefault(title, []).append(cluster)
    groups = [TopicGroup(title, sorted(cs, key=lambda c: (-len(c.questions), c.key))) for title, cs in topics.items()]
    return sorted(groups, key=lambda g: (-g.count, g.title))


def _out_of_scope(questions: list[UnansweredQuestion]) -> list[tuple[str, list[UnansweredQuestion]]]:
    groups: dict[str, list[UnansweredQuestion]] = {}
    for question in questions:
        if question.kind == "out_of_scope":
            groups.setdefault(question.detail or "other", []).append(question)
    return sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))


def _entry_infos(session: Session, knowledge_root: Path) -> dict[str, EntryInfo]:
    """From the files staff edit (file, line, owner), else from the store (entries not in the files)."""
    knowledge, _ = load_knowledge(knowledge_root)  # problems are for `check`; the review shows what it can
    titles = {t.id: t.title for t in knowledge.topics}
    infos = {e.id: EntryInfo(e.id, e.question, titles.get(e.topic, e.topic), e.origin, e.owner)
             for e in knowledge.entries.values()}
    stored = session.execute(select(models.Entry.id, models.Entry.question, models.Topic.title)
                             .join(models.Topic, models.Entry.topic_id == models.Topic.id))
    for entry_id, question, title in stored:
        infos.setdefault(entry_id, EntryInfo(entry_id, question, title, "", ""))
    return infos


def _info(entries: dict[str, EntryInfo], entry_id: str) -> EntryInfo:
    return entries.get(entry_id) or EntryInfo(entry_id, "(entry no longer exists)", "Removed entries", "", "")
