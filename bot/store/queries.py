"""Read-only queries the actions use; they take a Session and never commit."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import inspect, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, selectinload

from bot.eligibility.rules import EligibilityRules
from bot.errors import StoreNotReadyError
from bot.kb.facts_date import FactsDate
from bot.store import models

LOAD_HINT = "run `python -m bot load-db` (or `make run`, which does it)"


@dataclass(frozen=True)
class AnswerCard:
    """Everything the bot shows for one entry."""

    id: str
    question: str
    answer: str
    sources: tuple[str, ...]
    checked: date
    facts_as_of: FactsDate | None  # when its facts were valid; None for an entry staff have not dated yet
    related: tuple[tuple[str, str], ...]  # (id, question) of follow-ups that exist


@dataclass(frozen=True)
class TopicChoice:
    id: str
    title: str
    start_with: str


def answer_card(session: Session, entry_id: str) -> AnswerCard | None:
    stmt = select(models.Entry).where(models.Entry.id == entry_id).options(
        selectinload(models.Entry.sources), selectinload(models.Entry.related))
    entry = session.scalars(stmt).first()
    if entry is None:
        return None
    related_ids = [r.related_id for r in entry.related]
    questions = questions_for(session, related_ids)
    return AnswerCard(
        id=entry.id, question=entry.question, answer=entry.answer,
        sources=tuple(s.url for s in entry.sources), checked=entry.checked,
        facts_as_of=FactsDate.parse(entry.facts_as_of) if entry.facts_as_of else None,
        related=tuple((rid, questions[rid]) for rid in related_ids if rid in questions),
    )


def questions_for(session: Session, entry_ids: list[str]) -> dict[str, str]:
    if not entry_ids:
        return {}
    rows = session.execute(select(models.Entry.id, models.Entry.question).where(models.Entry.id.in_(entry_ids)))
    return dict(rows.all())


def topic_choices(session: Session) -> list[TopicChoice]:
    rows = session.scalars(select(models.Topic).order_by(models.Topic.position))
    return [TopicChoice(t.id, t.title, t.start_with) for t in rows]


def ensure_store_ready(session: Session) -> int:
    """The number of entries; StoreNotReadyError saying what to run if the store is missing or empty."""
    url = session.get_bind().url.render_as_string(hide_password=True)
    try:
        if not inspect(session.get_bind()).has_table(models.Entry.__tablename__):
            raise StoreNotReadyError(f"The knowledge store at {url} has no tables; {LOAD_HINT}.")
        count = len(session.scalars(select(models.Entry.id)).all())
    except SQLAlchemyError as err:
        raise StoreNotReadyError(f"The knowledge store at {url} cannot be read ({err.__class__.__name__}); "
                                 f"{LOAD_HINT} to rebuild it.") from err
    if count == 0:
        raise StoreNotReadyError(f"The knowledge store at {url} is empty; {LOAD_HINT}.")
    return count


def eligibility_rules(session: Session) -> EligibilityRules:
    """The loaded eligibility rules; StoreNotReadyError saying what to run if there are none."""
    row = session.get(models.EligibilityRules, 1)
    if row is None:
        url = session.get_bind().url.render_as_string(hide_password=True)
        raise StoreNotReadyError(f"The knowledge store at {url} has no eligibility rules; {LOAD_HINT}.")
    return EligibilityRules.from_json(row.rules_json)
