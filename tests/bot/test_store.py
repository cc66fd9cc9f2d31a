"""The knowledge store: filled in one transaction, read by the queries the actions use."""
from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, text

from bot.errors import StoreNotReadyError
from bot.kb.facts_date import FactsDate
from bot.kb.validate import load_checked
from bot.store import models
from bot.store.db import make_session
from bot.store.load import create_schema, entry_digests, replace_knowledge
from bot.store.queries import answer_card, ensure_store_ready, questions_for, topic_choices

TODAY = date(2026, 11, 22)


def load(url: str, knowledge_dir: Path) -> None:
    with make_session(url) as session, session.begin():
        create_schema(session)
        replace_knowledge(session, load_checked(knowledge_dir, TODAY), "fingerprint")


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'var' / 'bot.db'}"


def test_answer_card_has_rendered_answer_sources_date_and_related(db_url: str, knowledge_dir: Path) -> None:
    load(db_url, knowledge_dir)
    with make_session(db_url) as session:
        card = answer_card(session, "fee_a")
        assert card is not None
        assert card.answer.startswith("The application costs US$160 (as of January 2022; check ecfmg.org).")
        assert card.sources == ("https://www.ecfmg.org/fees/",)
        assert card.checked == date(2026, 11, 1)
        assert card.related == (("visa_b", "What is visa_b?"),)
        assert answer_card(session, "missing") is None
        assert questions_for(session, ["visa_b", "nope"]) == {"visa_b": "What is visa_b?"}
        assert [(t.id, t.start_with) for t in topic_choices(session)] == [("fees", "fee_a"), ("visa", "visa_b")]


def test_reload_replaces_content_and_reports_changed_digests(db_url: str, knowledge_dir: Path) -> None:
    load(db_url, knowledge_dir)
    with make_session(db_url) as session:
        before = entry_digests(session)
    visa = knowledge_dir / "faq" / "visa.yml"
    visa.write_text(visa.read_text().replace("It takes 4 to 6 weeks.", "It takes 6 to 8 weeks."))
    load(db_url, knowledge_dir)
    with make_session(db_url) as session:
        after = entry_digests(session)
        assert answer_card(session, "visa_b").answer == "It takes 6 to 8 weeks."
        assert len(session.scalars(select(models.Entry)).all()) == 2
    assert before["fee_a"] == after["fee_a"] and before["visa_b"] != after["visa_b"]


def test_failed_load_leaves_old_content(db_url: str, knowledge_dir: Path) -> None:
    load(db_url, knowledge_dir)
    knowledge = load_checked(knowledge_dir, TODAY)
    with pytest.raises(RuntimeError), make_session(db_url) as session, session.begin():
        replace_knowledge(session, knowledge, "fingerprint")
        raise RuntimeError("simulated crash half-way through a load")
    with make_session(db_url) as session:
        assert ensure_store_ready(session) == 2


def test_reader_never_sees_a_half_loaded_store(db_url: str, knowledge_dir: Path) -> None:
    load(db_url, knowledge_dir)
    counts: list[int] = []
    stop = threading.Event()

    def read_repeatedly() -> None:
        while not stop.is_set():
            with make_session(db_url) as session:
                counts.append(len(session.scalars(select(models.Entry.id)).all()))

    reader = threading.Thread(target=read_repeatedly)
    reader.start()
    try:
        for _ in range(20):
            load(db_url, knowledge_dir)
    finally:
        stop.set()
        reader.join()
    assert counts and set(counts) == {2}


def test_store_not_ready_says_what_to_run(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    with make_session(url) as session, pytest.raises(StoreNotReadyError) as raised:
        ensure_store_ready(session)
    assert str(raised.value) == (f"The knowledge store at {url} has no tables; "
                                 "run `python -m bot load-db` (or `make run`, which does it).")
    with make_session(url) as session, session.begin():
        create_schema(session)
    with make_session(url) as session, pytest.raises(StoreNotReadyError) as raised:
        ensure_store_ready(session)
    assert str(raised.value).endswith("is empty; run `python -m bot load-db` (or `make run`, which does it).")


def test_corrupt_store_says_what_to_run(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.db"
    path.write_bytes(b"this is not a database" * 100)
    with make_session(f"sqlite:///{path}") as session, pytest.raises(StoreNotReadyError) as raised:
        ensure_store_ready(session)
    assert "cannot be read (DatabaseError); run `python -m bot load-db`" in str(raised.value)


def test_a_store_from_before_facts_dates_is_rebuilt_and_keeps_user_tables(db_url: str, knowledge_dir: Path) -> None:
    load(db_url, knowledge_dir)
    with make_session(db_url) as session, session.begin():  # the kb_entries table as the last release made it
        session.execute(text("ALTER TABLE kb_entries DROP COLUMN facts_as_of"))
        session.execute(text("CREATE TABLE user_notes (id INTEGER PRIMARY KEY)"))
    fees = knowledge_dir / "faq" / "fees.yml"
    fees.write_text(fees.read_text().replace("    checked: 2026-11-01", "    facts_as_of: 2022-01\n    checked: 2026-11-01", 1))
    load(db_url, knowledge_dir)
    with make_session(db_url) as session:
        assert answer_card(session, "fee_a").facts_as_of == FactsDate(2022, 1)
        assert answer_card(session, "visa_b").facts_as_of is None
        assert session.execute(text("SELECT COUNT(*) FROM user_notes")).scalar() == 0  # not dropped
