"""Faults on one machine: a restart mid-form, and stores that are missing, corrupt or unreachable."""
from __future__ import annotations

import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from bot.paths import PROJECT_ROOT
from bot.serve import fetch_tracker, free_port, send_message, start_bot
from tests.e2e.conftest import store_env

pytestmark = pytest.mark.e2e


def test_restarted_server_resumes_a_half_filled_form_from_sqlite(bot_env: dict[str, str], e2e_dir: Path) -> None:
    run_dir = e2e_dir / "restart"
    env = store_env(bot_env)
    sender = f"restart-{uuid.uuid4().hex[:8]}"
    bot = start_bot(free_port(), free_port(), run_dir, env=env)
    try:
        for text in ("check my eligibility", "yes", "yes"):
            send_message(bot.url, sender, text)
        before = fetch_tracker(bot.url, sender)
    finally:
        bot.stop()
    assert before["active_loop"]["name"] == "eligibility_form"
    assert (run_dir / "tracker.db").exists()

    bot = start_bot(free_port(), free_port(), run_dir, env=env)
    try:
        after = fetch_tracker(bot.url, sender)
        assert after["active_loop"] == before["active_loop"]
        assert after["slots"]["requested_slot"] == before["slots"]["requested_slot"] == "step1_passed"
        for text in ("yes", "yes", "yes"):
            send_message(bot.url, sender, text)
        final = fetch_tracker(bot.url, sender)["slots"]
    finally:
        bot.stop()
    assert (final["school_listed"], final["graduated"], final["eligibility_status"]) == (
        "yes", "yes", "meets_requirements")


def serve(env: dict[str, str]) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "bot", "serve", "--port", str(free_port()),
                             "--actions-port", str(free_port())], cwd=PROJECT_ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    return result, time.monotonic() - started


def test_missing_knowledge_store_stops_start_up_saying_what_to_run(bot_env: dict[str, str], tmp_path: Path) -> None:
    missing = tmp_path / "nothing-here.db"
    result, _ = serve({**bot_env, "BOT_DATABASE_URL": f"sqlite:///{missing}"})
    assert result.returncode == 1
    assert f"ERROR: The knowledge store {missing} does not exist. Run `make load-db` (or `python -m bot load-db`) " \
           "to build it from knowledge/." in result.stderr
    assert not missing.exists()


def test_corrupt_knowledge_store_stops_start_up_saying_what_to_run(bot_env: dict[str, str], tmp_path: Path) -> None:
    corrupt = tmp_path / "bot.db"
    corrupt.write_bytes(b"this is not a database\x00" * 200)
    result, _ = serve({**bot_env, "BOT_DATABASE_URL": f"sqlite:///{corrupt}"})
    assert result.returncode == 1
    assert "cannot be read (DatabaseError); run `python -m bot load-db`" in result.stderr
    assert "to rebuild it" in result.stderr


def test_unreachable_postgresql_is_a_clear_error_within_seconds(bot_env: dict[str, str]) -> None:
    port = free_port()
    result, seconds = serve({**bot_env, "TRACKER_STORE_URL": f"postgresql://rasa:secret@127.0.0.1:{port}/rasa"})
    assert result.returncode == 1
    assert f"ERROR: Cannot reach the conversation (tracker) store at postgresql://rasa:***@127.0.0.1:{port}/rasa" \
        in result.stderr
    assert "Start the database there, or fix TRACKER_STORE_URL." in result.stderr
    assert "secret" not in result.stderr + result.stdout
    assert seconds < 30


def test_unreachable_redis_is_a_clear_error_within_seconds(bot_env: dict[str, str]) -> None:
    port = free_port()
    result, seconds = serve({**bot_env, "LOCK_STORE_URL": f"redis://:secret@127.0.0.1:{port}/0"})
    assert result.returncode == 1
    assert f"ERROR: Cannot reach the Redis lock store at 127.0.0.1:{port}/0" in result.stderr
    assert "Start Redis there, or fix LOCK_STORE_URL." in result.stderr
    assert "secret" not in result.stderr + result.stdout
    assert seconds < 30
