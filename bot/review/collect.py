"""Gathers what staff review: open unanswered questions grouped by meaning and ranked by the
conversations behind them, 👎 per entry with the question asked before each, eligibility outcomes
and the recent staff actions. Plain data, rendered as text, CSV or HTML elsewhere."""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.answering import Thresholds
from bot.kb.fields import suggest_id
from bot.kb.loader import load_knowledge
from bot.kb.model import Knowledge
from bot.review.clustering import Group, group_questions, wording_key
from bot.review.conversations import Links, link
from bot.review.records import ActionLine, as_utc, recent_actions, store_loaded_at
from bot.store import models
from bot.store.user_data import (AnswerFeedback, UnansweredQuestion, eligibility_status_counts, open_unanswered,
                                 open_votes)

NOT_COVERED = "Not covered by any entry"
KIND_LABELS = {"no_match": "no match", "did_you_mean": "did you mean", "out_of_scope": "out of scope"}
MAX_WORDINGS = 5
# The bot's own bar for offering an entry at all ("did you mean"): below it, an entry does not cover the group.
MIN_CONFIDENCE = Thresholds().candidate
MAX_CANDIDATES = Thresholds().max_candidates
ID_WORDS = 4


@dataclass(frozen=True)
class EntryInfo:
    """What staff need to find and fix an entry."""

    id: str
    question: str
    topic: str  # the topic's title
    where: str  # knowledge/faq/fees.yml:12, or "" if the entry is not in the files
    owner: str


@dataclass(frozen=True)
class Candidate:
    entry: EntryInfo
    confidence: float  # the model's confidence when the questions were asked, averaged over the group


@dataclass(frozen=True)
class Wording:
    """Identical and near-identical questions, shown once."""

    text: str
    questions: tuple[UnansweredQuestion, ...]


@dataclass(frozen=True)
class Cluster:
    """Open questions that ask the same thing."""

    key: str  # "C12": the group of question #12, its first; what --accept and --dismiss take
    questions: tuple[UnansweredQuestion, ...]  # oldest first
    wordings: tuple[Wording, ...]  # most asked first
    example: str  # the question closest to the others
    terms: tuple[str, ...]
    candidates: tuple[Candidate, ...]  # best first; none: no entry covers the group
    conversations: int
    suggested_id: str  # for --new-entry: unused and valid
    suggested_topic: str  # topic id for --topic

    @property
    def kinds(self) -> Counter[str]:
        return Counter(q.kind for q in self.questions)

    @property
    def channels(self) -> list[str]:
        return [channel for channel, _ in Counter(q.channel for q in self.questions).most_common()]

    @property
    def first(self) -> datetime:
        return as_utc(self.questions[0].asked_at)

    @property
    def last(self) -> datetime:
        return as_utc(self.questions[-1].asked_at)

    @property
    def topic(self) -> str:
        return self.candidates[0].entry.topic if self.candidates else NOT_COVERED


@dataclass(frozen=True)
class OutOfScope:
    category: str
    questions: tuple[UnansweredQuestion, ...]

    @property
    def key(self) -> str:
        return f"oos:{self.category}"


@dataclass(frozen=True)
class Feedback:
    entry: EntryInfo
    votes: tuple[AnswerFeedback, ...]
    asked_before: tuple[str, ...]  # the question typed before each 👎 that the conversation store still has

    @property
    def helpful(self) -> int:
        return sum(1 for v in self.votes if v.helpful)

    @property
    def unhelpful(self) -> int:
        return sum(1 for v in self.votes if not v.helpful)

    @property
    def key(self) -> str:
        return f"votes:{self.entry.id}"


@dataclass(frozen=True)
class Review:
    made_at: datetime
    since: datetime | None
    days: int | None  # the --days the review was made with, repeated in the commands it prints
    questions: tuple[UnansweredQuestion, ...]  # every open one, oldest first
    clusters: tuple[Cluster, ...]  # no match and did you mean, most conversations first
    out_of_scope: tuple[OutOfScope, ...]  # biggest first
    feedback: tuple[Feedback, ...]  # most 👎 first
    eligibility: dict[str, int]
    actions: tuple[ActionLine, ...]  # newest first
    conversations_note: str  # why conversations could not be counted, or ""
    untraced: int  # questions not found in the conversation store: each counts as one conversation

    @property
    def kinds(self) -> Counter[str]:
        return Counter(q.kind for q in self.questions)

    @property
    def conversations(self) -> int:
        return sum(c.conversations for c in self.clusters)

    def per_week(self) -> dict[date, Counter[str]]:
        """Monday of each week -> unanswered questions by the topic of their group."""
        weeks: dict[date, Counter[str]] = {}
        for cluster in self.clusters:
            for question in cluster.questions:
                day = as_utc(question.asked_at).date()
                weeks.setdefault(day - timedelta(days=day.weekday()), Counter())[cluster.topic] += 1
        return dict(sorted(weeks.items()))


def collect(session: Session, knowledge_root: Path, made_at: datetime, since: datetime | None = None,
            tracker_url: str | None = None, days: int | None = None) -> Review:
    knowledge, _ = load_knowledge(knowledge_root)  # problems are for `check`; the review shows what it can
    entries = entry_infos(session, knowledge)
    questions = open_unanswered(session, since)
    votes = open_votes(session, since)
    links = link(tracker_url, questions, votes)
    unanswered = [q for q in questions if q.kind != "out_of_scope"]
    clusters = _clusters(unanswered, links, entries, knowledge)
    untraced = sum(1 for q in unanswered if q.id not in links.conversation_of)
    return Review(made_at, since, days, tuple(questions), clusters, _out_of_scope(questions),
                  _feedback(votes, links, entries), eligibility_status_counts(session),
                  tuple(recent_actions(session, store_loaded_at(session))), links.note, untraced)


def candidates_of(question: UnansweredQuestion) -> list[tuple[str, float]]:
    return [(entry_id, confidence) for entry_id, confidence in json.loads(question.candidates or "[]")]


def _clusters(questions: list[UnansweredQuestion], links: Links, entries: dict[str, EntryInfo],
              knowledge: Knowledge) -> tuple[Cluster, ...]:
    if not questions:
        return ()
    taken = set(knowledge.entries)
    clusters = []
    for group in group_questions([q.text for q in questions]):
        members = sorted((questions[i] for i in group.members), key=lambda q: (q.asked_at, q.id))
        suggested = _suggested_id(group, taken)
        taken.add(suggested)
        conversations = {links.conversation_of.get(q.id, f"question-{q.id}") for q in members}
        clusters.append(Cluster(
            key=f"C{min(q.id for q in members)}", questions=tuple(members), wordings=_wordings(members),
            example=questions[group.central].text, terms=group.terms, candidates=candidates_for(members, entries),
            conversations=len(conversations), suggested_id=suggested,
            suggested_topic=_suggested_topic(members, knowledge)))
    return tuple(sorted(clusters, key=lambda c: (-c.conversations, -len(c.questions), -c.last.timestamp(), c.key)))


def _wordings(questions: list[UnansweredQuestion]) -> tuple[Wording, ...]:
    same: dict[str, list[UnansweredQuestion]] = {}
    for question in questions:
        same.setdefault(wording_key(question.text), []).append(question)
    wordings = [Wording(group[0].text, tuple(group)) for group in same.values()]
    return tuple(sorted(wordings, key=lambda w: (-len(w.questions), w.questions[0].id)))


def _mean_confidences(questions: list[UnansweredQuestion]) -> list[tuple[str, float]]:
    """Each entry's confidence averaged over all the questions (0 where the model did not rank it)."""
    totals: Counter[str] = Counter()
    for question in questions:
        for entry_id, confidence in candidates_of(question):
            totals[entry_id] += confidence
    return sorted(((e, total / len(questions)) for e, total in totals.items()), key=lambda item: (-item[1], item[0]))


def candidates_for(questions: list[UnansweredQuestion], entries: dict[str, EntryInfo]) -> tuple[Candidate, ...]:
    """Entries the model leaned to across the group, if they still exist; one question's stray pick does not count."""
    found = [Candidate(entries[e], c) for e, c in _mean_confidences(questions) if c >= MIN_CONFIDENCE and e in entries]
    return tuple(found[:MAX_CANDIDATES])


def _suggested_topic(questions: list[UnansweredQuestion], knowledge: Knowledge) -> str:
    for entry_id, _ in _mean_confidences(questions):
        if entry_id in knowledge.entries:
            return knowledge.entries[entry_id].topic
    return knowledge.topics[0].id if knowledge.topics else "TOPIC"


def _suggested_id(group: Group, taken: set[str]) -> str:
    words = list(dict.fromkeys(re.findall(r"[a-z0-9]+", " ".join(group.terms).lower())))[:ID_WORDS]
    base = suggest_id("_".join(words)) if words else "new_entry"
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}_{number}", number + 1
    return candidate


def _out_of_scope(questions: list[UnansweredQuestion]) -> tuple[OutOfScope, ...]:
    groups: dict[str, list[UnansweredQuestion]] = {}
    for question in questions:
        if question.kind == "out_of_scope":
            groups.setdefault(question.detail or "other", []).append(question)
    ordered = sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))
    return tuple(OutOfScope(category, tuple(qs)) for category, qs in ordered)


def _feedback(votes: list[AnswerFeedback], links: Links, entries: dict[str, EntryInfo]) -> tuple[Feedback, ...]:
    per_entry: dict[str, list[AnswerFeedback]] = {}
    for vote in votes:
        per_entry.setdefault(vote.entry_id, []).append(vote)
    items = [Feedback(_info(entries, entry_id), tuple(vs),
                      tuple(links.asked_before[v.id] for v in vs if v.id in links.asked_before))
             for entry_id, vs in per_entry.items()]
    return tuple(sorted(items, key=lambda f: (-f.unhelpful, f.helpful, f.entry.id)))


def entry_infos(session: Session, knowledge: Knowledge) -> dict[str, EntryInfo]:
    """From the files staff edit (file, line, owner), else from the store (entries not in the files)."""
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
