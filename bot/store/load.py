"""Replaces the store's content with the knowledge files in one transaction."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

from sqlalchemy import delete, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from bot.kb.model import Entry as KbEntry
from bot.kb.model import Knowledge
from bot.kb.render import render_answer
from bot.store import models


KB_TABLES = (models.Related, models.Source, models.Entry, models.Topic, models.Meta, models.EligibilityRules)


def create_schema(session: Session) -> None:
    """Creates missing tables. The knowledge tables hold nothing that is not rebuilt from knowledge/ on
    every load, so when a release adds a column to them they are dropped and recreated; user tables
    are never touched here."""
    bind = session.connection()
    if _knowledge_tables_outdated(bind):
        models.Base.metadata.drop_all(bind, tables=[t.__table__ for t in KB_TABLES])
    models.Base.metadata.create_all(bind)


def _knowledge_tables_outdated(bind: Connection) -> bool:
    inspector = inspect(bind)
    for table in (t.__table__ for t in KB_TABLES):
        if inspector.has_table(table.name):
            present = {column["name"] for column in inspector.get_columns(table.name)}
            if set(table.columns.keys()) - present:
                return True
    return False


def replace_knowledge(session: Session, knowledge: Knowledge, training_fingerprint: str) -> None:
    """Deletes and re-inserts everything; the caller's transaction makes it all-or-nothing,
    so a running bot reads either the old content or the new, never half of each."""
    for table in KB_TABLES:
        session.execute(delete(table))
    for position, topic in enumerate(knowledge.topics):
        session.add(models.Topic(id=topic.id, title=topic.title, start_with=topic.start_with, position=position))
    session.flush()
    for entry in sorted(knowledge.entries.values(), key=lambda e: e.id):
        answer = render_answer(entry, knowledge.figures)
        session.add(models.Entry(
            id=entry.id, topic_id=entry.topic, question=entry.question, answer=answer,
            checked=entry.checked, facts_as_of=str(entry.facts_as_of) if entry.facts_as_of else None,
            origin=entry.origin, digest=_digest(entry, answer),
            sources=[models.Source(position=i, url=url) for i, url in enumerate(entry.sources)],
            related=[models.Related(position=i, related_id=rid) for i, rid in enumerate(entry.related)],
        ))
    if knowledge.eligibility is not None:
        session.add(models.EligibilityRules(id=1, rules_json=knowledge.eligibility.to_json()))
    session.add(models.Meta(key="loaded_at", value=datetime.now(timezone.utc).isoformat()))
    session.add(models.Meta(key="training_fingerprint", value=training_fingerprint))


def _digest(entry: KbEntry, answer: str) -> str:
    shown = [entry.question, answer, entry.checked.isoformat(), str(entry.facts_as_of or ""), list(entry.sources),
             list(entry.related)]
    return hashlib.sha256(json.dumps(shown).encode()).hexdigest()


def knowledge_digests(knowledge: Knowledge) -> dict[str, str]:
    """id -> digest of what users would see once knowledge is loaded (same as entry_digests after)."""
    return {e.id: _digest(e, render_answer(e, knowledge.figures)) for e in knowledge.entries.values()}


def entry_digests(session: Session) -> dict[str, str]:
    """id -> digest of what users see now, to describe the next load's changes in words."""
    return dict(session.execute(select(models.Entry.id, models.Entry.digest)).all())
