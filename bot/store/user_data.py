"""Tables that hold what users did (outcomes, questions, feedback): kept across load-db, never rebuilt.

They live on their own metadata, so `load-db` (which rebuilds the knowledge tables) can never drop
them. New tables are added with create_all; a change to an existing column needs a migration.
"""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Column, DateTime, Integer, String, Text, delete, func, select
from sqlalchemy.orm import Session, declarative_base

from bot.redact import redact

UserDataBase = declarative_base()


class EligibilityOutcome(UserDataBase):
    """One finished or cancelled eligibility check: no free text, no identifiers."""

    __tablename__ = "eligibility_outcomes"

    id = Column(Integer, primary_key=True)
    status = Column(String(32), nullable=False, index=True)
    missing = Column(String(200), nullable=False)  # open requirement ids, comma-separated, sorted
    channel = Column(String(32), nullable=False, index=True)
    created_at = Column(DateTime(timezone=True), nullable=False, index=True)


class UnansweredQuestion(UserDataBase):
    """A question the bot did not answer outright; the text is redacted before it is stored."""

    __tablename__ = "unanswered_questions"

    id = Column(Integer, primary_key=True)
    asked_at = Column(DateTime(timezone=True), nullable=False, index=True)
    channel = Column(String(32), nullable=False)
    kind = Column(String(32), nullable=False, index=True)  # one of UNANSWERED_KINDS
    detail = Column(String(64), nullable=False, default="")  # e.g. the out-of-scope category
    text = Column(Text, nullable=False)
    nearest_entry = Column(String(64), nullable=True, index=True)
    candidates = Column(Text, nullable=False, default="[]")  # JSON [[entry id, confidence], ...], best first
    handled_at = Column(DateTime(timezone=True), nullable=True, index=True)


class AnswerFeedback(UserDataBase):
    """One 👍 or 👎 on an answer."""

    __tablename__ = "answer_feedback"

    id = Column(Integer, primary_key=True)
    entry_id = Column(String(64), nullable=False, index=True)
    helpful = Column(Integer, nullable=False)  # 1 for 👍, 0 for 👎
    channel = Column(String(32), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, index=True)
    handled_at = Column(DateTime(timezone=True), nullable=True)


UNANSWERED_KINDS = ("no_match", "did_you_mean", "out_of_scope")
MAX_STORED_CANDIDATES = 3


def create_user_tables(session: Session) -> None:
    UserDataBase.metadata.create_all(session.get_bind())


def record_eligibility_outcome(session: Session, status: str, missing: list[str], channel: str,
                               at: datetime) -> None:
    session.add(EligibilityOutcome(status=status, missing=",".join(sorted(missing)), channel=channel,
                                   created_at=at))


def eligibility_status_counts(session: Session) -> dict[str, int]:
    """status -> how many checks ended that way."""
    stmt = select(EligibilityOutcome.status, func.count()).group_by(EligibilityOutcome.status)
    return dict(session.execute(stmt).all())


def record_unanswered(session: Session, text: str, kind: str, channel: str,
                      candidates: list[tuple[str, float]], at: datetime, detail: str = "") -> None:
    """Stores the question with contact details and ID numbers redacted; candidates best first."""
    if kind not in UNANSWERED_KINDS:
        raise ValueError(f"unknown kind {kind!r}; use one of {UNANSWERED_KINDS}")
    top = [[entry_id, round(confidence, 3)] for entry_id, confidence in candidates[:MAX_STORED_CANDIDATES]]
    session.add(UnansweredQuestion(
        asked_at=at, channel=channel or "unknown", kind=kind, detail=detail, text=redact(text),
        nearest_entry=top[0][0] if top else None, candidates=json.dumps(top)))


def record_feedback(session: Session, entry_id: str, helpful: bool, channel: str, at: datetime) -> None:
    session.add(AnswerFeedback(entry_id=entry_id, helpful=int(helpful), channel=channel or "unknown",
                               created_at=at))


def open_unanswered(session: Session, since: datetime | None = None) -> list[UnansweredQuestion]:
    """Questions not yet marked handled, oldest first."""
    stmt = select(UnansweredQuestion).where(UnansweredQuestion.handled_at.is_(None))
    if since is not None:
        stmt = stmt.where(UnansweredQuestion.asked_at >= since)
    return list(session.scalars(stmt.order_by(UnansweredQuestion.asked_at, UnansweredQuestion.id)))


def open_votes(session: Session, since: datetime | None = None) -> list[AnswerFeedback]:
    """Every 👍 and 👎 not yet marked handled, oldest first."""
    stmt = select(AnswerFeedback).where(AnswerFeedback.handled_at.is_(None))
    if since is not None:
        stmt = stmt.where(AnswerFeedback.created_at >= since)
    return list(session.scalars(stmt.order_by(AnswerFeedback.created_at, AnswerFeedback.id)))


def purge_questions_before(session: Session, cutoff: datetime) -> int:
    """Deletes the stored questions asked before cutoff, handled or not; returns how many."""
    return session.execute(delete(UnansweredQuestion).where(UnansweredQuestion.asked_at < cutoff)).rowcount
