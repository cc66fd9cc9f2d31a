"""Replaces the store's content with the knowledge files in one transaction."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.kb.model import Knowledge
from bot.kb.render import render_answer
from bot.store import models


def create_schema(session: Session) -> None:
    models.Base.metadata.create_all(session.get_bind())


def replace_knowledge(session: Session, knowledge: Knowledge, training_fingerprint: str) -> None:
    """Deletes and re-inserts everything; the caller's transaction makes it all-or-nothing,
    so a running bot reads either the old content or the new, never half of each."""
    for table in (models.Related, models.Source, models.Entry, models.Topic, models.Meta, models.EligibilityRules):
        session.execute(delete(table))
    for position, topic in enumerate(knowledge.topics):
        session.add(models.Topic(id=topic.id, title=topic.title, start_with=topic.start_with, position=position))
    session.flush()
    for entry in sorted(knowledge.entries.values(), key=lambda e: e.id):
        answer = render_answer(entry, knowledge.figures)
        shown = [entry.question, answer, entry.checked.isoformat(), list(entry.sources), list(entry.related)]
        session.add(models.Entry(
            id=entry.id, topic_id=entry.topic, question=entry.question, answer=answer,
            checked=entry.checked, origin=entry.origin,
            digest=hashlib.sha256(json.dumps(shown).encode()).hexdigest(),
            sources=[models.Source(position=i, url=url) for i, url in enumerate(entry.sources)],
            related=[models.Related(position=i, related_id=rid) for i, rid in enumerate(entry.related)],
        ))
    if knowledge.eligibility is not None:
        session.add(models.EligibilityRules(id=1, rules_json=knowledge.eligibility.to_json()))
    session.add(models.Meta(key="loaded_at", value=datetime.now(timezone.utc).isoformat(timespec="seconds")))
    session.add(models.Meta(key="training_fingerprint", value=training_fingerprint))


def entry_digests(session: Session) -> dict[str, str]:
    """id -> digest of what users see now, to describe the next load's changes in words."""
    return dict(session.execute(select(models.Entry.id, models.Entry.digest)).all())
