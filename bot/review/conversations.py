"""Ties stored questions and 👎 votes to the conversations they came from, in Rasa's tracker store.

The stored question carries no sender id (bot/store/user_data.py keeps as little as it can), but
the tracker store has every user message with its sender and time: a question is the redacted
text of the user message its conversation sent just before the question was stored. That gives
the number of distinct conversations behind a group of questions, and for each 👎 the question
the user had asked. Sender ids stay in this module as one-way keys; nothing here is shown.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, and_, inspect, or_, select
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.kb.checks import normalise_phrasing
from bot.redact import redact
from bot.review.records import as_utc
from bot.store.db import engine_for
from bot.store.user_data import AnswerFeedback, UnansweredQuestion

# The action stores a question after NLU and the action call: well within this after the message.
LOOKBACK_S = 120.0
CLOCK_SKEW_S = 5.0  # the action server's clock may run a little ahead of Rasa's
WINDOWS_PER_QUERY = 200
UNHELPFUL_INTENT = "rate_answer_unhelpful"
NOT_A_QUESTION = ("rate_answer_helpful", UNHELPFUL_INTENT)
EARLIER_TURNS = 10  # how far back to look for the typed question before a 👎

# Only the columns read here; Rasa's SQLTrackerStore owns the table and its schema.
events = Table("events", MetaData(), Column("id", Integer, primary_key=True), Column("sender_id", String(255)),
               Column("type_name", String(255)), Column("timestamp", Float), Column("intent_name", String(255)),
               Column("data", Text))


@dataclass(frozen=True)
class Turn:
    sender: str = field(repr=False)  # never shown: only used to find the same conversation's turns
    at: float
    text: str
    intent: str

    @property
    def conversation(self) -> str:
        """A one-way key that counts conversations without naming them."""
        return hashlib.sha256(self.sender.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Links:
    """What the tracker store says about the questions and votes of one review."""

    conversation_of: dict[int, str]  # question id -> conversation key
    asked_before: dict[int, str]  # 👎 vote id -> the question typed before it, redacted
    note: str  # "" when the store was read, else why conversations could not be counted


def link(tracker_url: str | None, questions: list[UnansweredQuestion], votes: list[AnswerFeedback]) -> Links:
    """Never fails the review: an absent or unreadable store leaves questions unlinked and says so."""
    if tracker_url is None:
        return Links({}, {}, "no conversation store was given")
    shown = make_url(tracker_url).render_as_string(hide_password=True)
    parsed = make_url(tracker_url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and not Path(parsed.database).exists():
        return Links({}, {}, f"there is no conversation store at {shown}")
    unhelpful = [vote for vote in votes if not vote.helpful]
    try:
        with engine_for(tracker_url).connect() as connection:
            if not inspect(connection).has_table(events.name):
                return Links({}, {}, f"the conversation store at {shown} holds no conversations yet")
            return Links(_conversations(connection, questions), _asked_before(connection, unhelpful), "")
    except SQLAlchemyError as err:
        return Links({}, {}, f"the conversation store at {shown} could not be read ({err.__class__.__name__})")


def _conversations(connection: Connection, questions: list[UnansweredQuestion]) -> dict[int, str]:
    turns = _turns_near(connection, [_epoch(q.asked_at) for q in questions])
    by_text: dict[str, list[Turn]] = {}
    for turn in turns:
        by_text.setdefault(_comparable(turn.text), []).append(turn)
    found = {}
    used: set[tuple[str, float]] = set()  # one message is one question, even when two people type the same
    for question in sorted(questions, key=lambda q: (q.asked_at, q.id)):
        unused = [t for t in by_text.get(_comparable(question.text), []) if (t.sender, t.at) not in used]
        turn = _latest_before(unused, _epoch(question.asked_at))
        if turn is not None:
            used.add((turn.sender, turn.at))
            found[question.id] = turn.conversation
    return found


def _asked_before(connection: Connection, votes: list[AnswerFeedback]) -> dict[int, str]:
    ratings = [t for t in _turns_near(connection, [_epoch(v.created_at) for v in votes]) if t.intent == UNHELPFUL_INTENT]
    found = {}
    for vote in votes:
        # A button's payload names the entry rated; prefer it when two conversations rated at once.
        named = [t for t in ratings if f'"{vote.entry_id}"' in t.text]
        rating = _latest_before(named, _epoch(vote.created_at)) or _latest_before(ratings, _epoch(vote.created_at))
        if rating is None:
            continue
        question = next((t for t in _earlier_turns(connection, rating) if _is_typed_question(t)), None)
        if question is not None:
            found[vote.id] = redact(question.text)
    return found


def _is_typed_question(turn: Turn) -> bool:
    """Button payloads (/faq{...}) and ratings are not what the user asked."""
    return bool(turn.text.strip()) and not turn.text.startswith("/") and turn.intent not in NOT_A_QUESTION


def _turns_near(connection: Connection, moments: list[float]) -> list[Turn]:
    turns: list[Turn] = []
    windows = _merged_windows(moments)
    for start in range(0, len(windows), WINDOWS_PER_QUERY):
        chunk = windows[start:start + WINDOWS_PER_QUERY]
        condition = or_(*(events.c.timestamp.between(low, high) for low, high in chunk))
        turns += _read(connection, select(events).where(events.c.type_name == "user", condition))
    return turns


def _earlier_turns(connection: Connection, turn: Turn) -> list[Turn]:
    stmt = (select(events).where(and_(events.c.type_name == "user", events.c.sender_id == turn.sender,
                                      events.c.timestamp < turn.at))
            .order_by(events.c.timestamp.desc()).limit(EARLIER_TURNS))
    return list(_read(connection, stmt))


def _read(connection: Connection, stmt) -> Iterator[Turn]:
    for row in connection.execute(stmt):
        try:
            text = json.loads(row.data or "{}").get("text") or ""
        except ValueError:
            continue  # a row Rasa did not write; nothing to learn from it
        yield Turn(row.sender_id, float(row.timestamp or 0.0), text, row.intent_name or "")


def _merged_windows(moments: Iterable[float]) -> list[tuple[float, float]]:
    windows: list[tuple[float, float]] = []
    for moment in sorted(moments):
        low, high = moment - LOOKBACK_S, moment + CLOCK_SKEW_S
        if windows and low <= windows[-1][1]:
            windows[-1] = (windows[-1][0], high)
        else:
            windows.append((low, high))
    return windows


def _latest_before(turns: list[Turn], moment: float) -> Turn | None:
    """The question's own message: the latest turn before moment, else (clock skew) the first just after."""
    before = [t for t in turns if moment - LOOKBACK_S <= t.at <= moment]
    if before:
        return max(before, key=lambda t: t.at)
    return min((t for t in turns if moment < t.at <= moment + CLOCK_SKEW_S), key=lambda t: t.at, default=None)


def _comparable(text: str) -> str:
    """The stored text is redacted; the tracker's is not: compare both redacted and folded."""
    return normalise_phrasing(redact(text))


def _epoch(moment: datetime) -> float:
    return as_utc(moment).timestamp()
