"""User data survives load-db: it lives on its own tables, which rebuilding knowledge never drops."""
from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

from sqlalchemy import select

from bot.kb.validate import load_checked
from bot.store.db import make_session
from bot.store.load import create_schema, replace_knowledge
from bot.store.user_data import (EligibilityOutcome, create_user_tables, eligibility_status_counts,
                                 record_eligibility_outcome)

AT = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)


def test_outcomes_are_counted_and_survive_a_knowledge_reload(tmp_path: Path, knowledge_dir: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    with make_session(url) as session, session.begin():
        create_user_tables(session)
        record_eligibility_outcome(session, "in_progress", ["step2ck", "oet"], "rest", AT)
        record_eligibility_outcome(session, "in_progress", ["oet"], "telegram", AT)
        record_eligibility_outcome(session, "meets_requirements", [], "rest", AT)
    with make_session(url) as session, session.begin():
        create_schema(session)
        replace_knowledge(session, load_checked(knowledge_dir, date(2026, 11, 22)), "fingerprint")
    with make_session(url) as session:
        assert eligibility_status_counts(session) == {"in_progress": 2, "meets_requirements": 1}
        first = session.scalars(select(EligibilityOutcome).order_by(EligibilityOutcome.id)).first()
        assert (first.missing, first.channel) == ("oet,step2ck", "rest")
