"""Deletes conversations nobody has written to for N days from Rasa's SQL tracker store, and the
questions kept for staff review (bot/store/user_data.py) asked more than N days ago.

Rasa keeps one row per event in the `events` table (sender_id, timestamp in Unix seconds, ...).
A conversation is purged whole once its newest event is older than the cut-off, so an active
user never loses the start of a conversation that is still going on.
"""
from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass

from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, delete, func, inspect, select
from sqlalchemy.engine import Engine, make_url

from bot.store.db import engine_for, make_session
from bot.store.user_data import UnansweredQuestion, purge_questions_before

DEFAULT_RETENTION_DAYS = 90
SECONDS_PER_DAY = 86_400

# Only the columns the purge reads; Rasa's SQLTrackerStore owns the table and its schema.
events = Table("events", MetaData(), Column("id", Integer, primary_key=True), Column("sender_id", String(255)),
               Column("timestamp", Float))


@dataclass(frozen=True)
class PurgeResult:
    conversations: int
    events: int


def retention_days(env: Mapping[str, str] = os.environ) -> int:
    """TRACKER_RETENTION_DAYS, or 90; ValueError with an example if it is not a whole number above 0."""
    raw = env.get("TRACKER_RETENTION_DAYS", "").strip()
    if not raw:
        return DEFAULT_RETENTION_DAYS
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"TRACKER_RETENTION_DAYS must be a whole number of days above 0 (got {raw!r}), "
                         "e.g. TRACKER_RETENTION_DAYS=90")
    return int(raw)


def purge_conversations(url: str, older_than_days: float, now: float | None = None) -> PurgeResult:
    """Deletes every conversation whose newest event is older than `older_than_days`, in one transaction."""
    engine = engine_for(url)
    if not _has_events_table(engine):
        return PurgeResult(0, 0)
    cutoff = (time.time() if now is None else now) - older_than_days * SECONDS_PER_DAY
    stale = (select(events.c.sender_id).group_by(events.c.sender_id)
             .having(func.max(events.c.timestamp) < cutoff))
    with engine.begin() as connection:
        senders = len(connection.scalars(stale).all())
        # One statement re-evaluates staleness, so a message arriving mid-purge keeps its conversation.
        deleted = connection.execute(delete(events).where(events.c.sender_id.in_(stale.scalar_subquery()))).rowcount
    return PurgeResult(senders, deleted)


def purge_questions(url: str, older_than_days: float, now: datetime | None = None) -> int | None:
    """Deletes the questions kept for staff review that were asked more than `older_than_days` ago;
    None if the store holds none (no file, or no table yet)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and not Path(parsed.database).exists():
        return None
    if not inspect(engine_for(url)).has_table(UnansweredQuestion.__tablename__):
        return None
    cutoff = (now or datetime.now(timezone.utc)) - timedelta(days=older_than_days)
    with make_session(url) as session, session.begin():
        return purge_questions_before(session, cutoff)


def _has_events_table(engine: Engine) -> bool:
    return inspect(engine).has_table(events.name)
