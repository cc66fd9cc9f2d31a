"""Writes what users did to the user-data tables without ever failing the reply they are waiting for."""
from __future__ import annotations

import logging
from datetime import datetime, timezone

from sqlalchemy.exc import SQLAlchemyError

from bot.store.db import make_session
from bot.store.user_data import record_feedback, record_unanswered

logger = logging.getLogger(__name__)


def log_unanswered(text: str, kind: str, channel: str | None, candidates: list[tuple[str, float]],
                   detail: str = "") -> bool:
    """Stores a question for staff review (redacted); False if the store could not take it."""
    if not text.strip() or text.startswith("/"):
        return False  # a button payload, not something the user wrote
    try:
        with make_session() as session, session.begin():
            record_unanswered(session, text, kind, channel or "unknown", candidates, _now(), detail)
    except SQLAlchemyError:
        logger.exception("could not store an unanswered question (%s)", kind)
        return False
    return True


def log_feedback(entry_id: str, helpful: bool, channel: str | None) -> bool:
    try:
        with make_session() as session, session.begin():
            record_feedback(session, entry_id, helpful, channel or "unknown", _now())
    except SQLAlchemyError:
        logger.exception("could not store feedback on %s", entry_id)
        return False
    return True


def _now() -> datetime:
    return datetime.now(timezone.utc)
