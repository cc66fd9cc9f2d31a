"""Tables that hold what users did (outcomes, questions, feedback): kept across load-db, never rebuilt.

They live on their own metadata, so `load-db` (which rebuilds the knowledge tables) can never drop
them. New tables are added with create_all; a change to an existing column needs a migration.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, Integer, String, func, select
from sqlalchemy.orm import Session, declarative_base

UserDataBase = declarative_base()


class EligibilityOutcome(UserDataBase):
    """One finished or cancelled eligibility check: no free text, no identifiers."""

    __tablename__ = "eligibility_outcomes"

    id = Column(Integer, primary_key=True)
    status = Column(String(32), nullable=False, index=True)
    missing = Column(String(200), nullable=False)  # open requirement ids, comma-separated, sorted
    channel = Column(String(32), nullable=False, index=True)
    created_at = Column(DateTime(timezone=True), nullable=False, index=True)


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
