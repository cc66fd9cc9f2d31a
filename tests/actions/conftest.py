"""A real (temporary) knowledge store loaded from the test knowledge folder, for action tests."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.kb.validate import load_checked
from bot.store.db import make_session
from bot.store.load import create_schema, replace_knowledge


@pytest.fixture
def loaded_store(knowledge_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    with make_session(url) as session, session.begin():
        create_schema(session)
        replace_knowledge(session, load_checked(knowledge_dir, date(2026, 11, 22)), "fingerprint")
    monkeypatch.setenv("BOT_DATABASE_URL", url)
    return url
