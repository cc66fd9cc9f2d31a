"""What staff did from the review (accept, new entry, dismiss), kept so each step can be shown and undone.

The table sits with the other user data (bot/store/user_data.py): `load-db` never drops it. Query
functions take a Session and never commit; the command owns the transaction.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Column, DateTime, Integer, String, Text, select, update
from sqlalchemy.orm import Session

from bot.store import models
from bot.store.user_data import AnswerFeedback, UnansweredQuestion, UserDataBase

KINDS = ("accept", "new_entry", "dismiss")
RECENT_ACTIONS = 10


class ReviewAction(UserDataBase):
    """One staff action from `python -m bot review`: who, when, what, and what undoing it needs."""

    __tablename__ = "review_actions"

    id = Column(Integer, primary_key=True)
    at = Column(DateTime(timezone=True), nullable=False, index=True)
    by = Column(String(100), nullable=False)
    kind = Column(String(32), nullable=False)  # one of KINDS
    summary = Column(Text, nullable=False)  # what was done, in staff's words
    details = Column(Text, nullable=False)  # JSON: question and vote ids, file, entry, phrasings, entry text
    undone_at = Column(DateTime(timezone=True), nullable=True)
    undone_by = Column(String(100), nullable=True)

    @property
    def detail(self) -> dict[str, Any]:
        return json.loads(self.details)


@dataclass(frozen=True)
class ActionLine:
    """An action as the report lists it."""

    id: int
    at: datetime
    by: str
    summary: str
    undone: str  # "" or "undone 2026-12-01 10:02 by anna"
    published: bool  # knowledge was loaded after it: undo it by editing knowledge/ and publishing


def record_action(session: Session, at: datetime, by: str, kind: str, summary: str,
                  details: dict[str, Any]) -> ReviewAction:
    if kind not in KINDS:
        raise ValueError(f"unknown action kind {kind!r}; use one of {KINDS}")
    action = ReviewAction(at=at, by=by, kind=kind, summary=summary, details=json.dumps(details))
    session.add(action)
    session.flush()  # gives the action its number, which the command prints for --undo
    return action


def recent_actions(session: Session, loaded_at: datetime | None, limit: int = RECENT_ACTIONS) -> list[ActionLine]:
    rows = session.scalars(select(ReviewAction).order_by(ReviewAction.id.desc()).limit(limit))
    return [ActionLine(a.id, as_utc(a.at), a.by, a.summary,
                       f"undone {as_utc(a.undone_at):%Y-%m-%d %H:%M} by {a.undone_by}" if a.undone_at else "",
                       is_published(a, loaded_at)) for a in rows]


def is_published(action: ReviewAction, loaded_at: datetime | None) -> bool:
    """True once the store was loaded (publish or load-db) after an action that changed knowledge/."""
    changed_knowledge = action.kind in ("accept", "new_entry")
    return changed_knowledge and loaded_at is not None and loaded_at > as_utc(action.at)


def store_loaded_at(session: Session) -> datetime | None:
    row = session.get(models.Meta, "loaded_at")
    return as_utc(datetime.fromisoformat(row.value)) if row else None


def handle_questions(session: Session, question_ids: list[int], at: datetime) -> list[int]:
    """Marks the open ones among question_ids handled; returns those it marked."""
    return _mark_handled(session, UnansweredQuestion, question_ids, at)


def reopen_questions(session: Session, question_ids: list[int]) -> int:
    """Puts questions back in the report (those the purge has not deleted meanwhile); returns how many."""
    return _reopen(session, UnansweredQuestion, question_ids)


def handle_votes(session: Session, vote_ids: list[int], at: datetime) -> list[int]:
    return _mark_handled(session, AnswerFeedback, vote_ids, at)


def reopen_votes(session: Session, vote_ids: list[int]) -> int:
    return _reopen(session, AnswerFeedback, vote_ids)


def _mark_handled(session: Session, table: type[UnansweredQuestion] | type[AnswerFeedback], ids: list[int],
                  at: datetime) -> list[int]:
    if not ids:
        return []
    open_ids = sorted(session.scalars(select(table.id).where(table.id.in_(ids), table.handled_at.is_(None))))
    if open_ids:
        session.execute(update(table).where(table.id.in_(open_ids)).values(handled_at=at))
    return open_ids


def _reopen(session: Session, table: type[UnansweredQuestion] | type[AnswerFeedback], ids: list[int]) -> int:
    if not ids:
        return 0
    return session.execute(update(table).where(table.id.in_(ids)).values(handled_at=None)).rowcount


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
