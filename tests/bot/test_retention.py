"""purge-conversations on trackers Rasa's own SQLTrackerStore wrote, in SQLite and in PostgreSQL."""
from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import make_url

from bot.local_cluster import Cluster, create_database, start_postgres
from bot.paths import PROJECT_ROOT
from bot.retention import purge_conversations, retention_days

DAY = 86_400
NOW = time.time()


@pytest.fixture(scope="module")
def postgres_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    cluster = Cluster(tmp_path_factory.mktemp("pg"), {})
    try:
        yield create_database(start_postgres(cluster), "tracker")
    finally:
        cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def tracker_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'tracker.db'}"
    return request.getfixturevalue("postgres_url")


def rasa_store(url: str) -> SQLTrackerStore:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return SQLTrackerStore(Domain.empty(), dialect="sqlite", db=parsed.database)
    return SQLTrackerStore(Domain.empty(), dialect="postgresql", host=parsed.host, port=parsed.port,
                           db=parsed.database, username=parsed.username, password=parsed.password)


async def save_conversation(store: SQLTrackerStore, sender: str, *days_ago: float) -> None:
    tracker = DialogueStateTracker(sender, [])
    for ago in days_ago:
        tracker.update(UserUttered(f"message from {ago} days ago", timestamp=NOW - ago * DAY))
        tracker.update(ActionExecuted("action_listen", timestamp=NOW - ago * DAY + 1))
    await store.save(tracker)


async def test_purges_only_conversations_idle_for_longer_than_the_limit(tracker_url: str) -> None:
    store = rasa_store(tracker_url)
    suffix = str(time.time_ns())
    await save_conversation(store, f"old-{suffix}", 120, 100)
    await save_conversation(store, f"ongoing-{suffix}", 120, 2)  # started long ago, still in use: kept whole
    await save_conversation(store, f"new-{suffix}", 1)

    result = purge_conversations(tracker_url, older_than_days=30, now=NOW)

    assert (result.conversations, result.events) == (1, 4)
    assert await store.retrieve(f"old-{suffix}") is None
    ongoing = await store.retrieve(f"ongoing-{suffix}")
    assert [e.text for e in ongoing.events if isinstance(e, UserUttered)] == [
        "message from 120 days ago", "message from 2 days ago"]
    assert await store.retrieve(f"new-{suffix}") is not None
    assert purge_conversations(tracker_url, older_than_days=30, now=NOW).conversations == 0


def test_a_store_without_conversations_purges_nothing(tmp_path: Path) -> None:
    assert purge_conversations(f"sqlite:///{tmp_path / 'empty.db'}", 30).conversations == 0


def test_retention_days_come_from_the_environment_with_a_clear_error() -> None:
    assert retention_days({}) == 90
    assert retention_days({"TRACKER_RETENTION_DAYS": "30"}) == 30
    with pytest.raises(ValueError) as error:
        retention_days({"TRACKER_RETENTION_DAYS": "a month"})
    assert str(error.value) == ("TRACKER_RETENTION_DAYS must be a whole number of days above 0 (got 'a month'), "
                                "e.g. TRACKER_RETENTION_DAYS=90")


async def test_command_reports_what_it_deleted(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    await save_conversation(rasa_store(url), "old", 40)
    store = f"sqlite:///{tmp_path / 'bot.db'}"  # no store yet: only the conversations are purged
    result = subprocess.run([sys.executable, "-m", "bot", "purge-conversations", "--older-than", "30",
                             "--tracker-url", url, "--database-url", store], cwd=PROJECT_ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (f"Deleted 1 conversation(s) (2 events) with no message in the last 30 day(s) "
                             f"from {url}.\nNo questions are stored at {store}; nothing to purge there.\n")
