"""Start-up checks: every store the bot needs answers within seconds, or a message says what to do."""
from __future__ import annotations

import contextlib
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.endpoints import tracker_url
from bot.paths import database_url
from bot.store.db import make_session
from bot.store.queries import StoreNotReadyError, ensure_store_ready

CONNECT_TIMEOUT_S = 5


class StartupCheckError(RuntimeError):
    """A store is missing, unreadable or unreachable; the message names it and the fix."""


def check_stores(env: Mapping[str, str], run_dir: Path) -> None:
    """Raises StartupCheckError on the first store that is not ready."""
    knowledge_url = env.get("BOT_DATABASE_URL") or database_url()
    check_knowledge_store(knowledge_url)
    check_database_reachable(tracker_url(env, run_dir), "TRACKER_STORE_URL", "conversation (tracker) store")
    if env.get("LOCK_STORE_URL"):
        check_redis_reachable(env["LOCK_STORE_URL"])


def check_knowledge_store(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and not Path(parsed.database).exists():
        raise StartupCheckError(f"The knowledge store {parsed.database} does not exist. "
                                "Run `make load-db` (or `python -m bot load-db`) to build it from knowledge/.")
    if parsed.get_backend_name() != "sqlite":
        check_database_reachable(url, "BOT_DATABASE_URL", "knowledge store")
    try:
        with make_session(url) as session:
            ensure_store_ready(session)
    except StoreNotReadyError as err:
        raise StartupCheckError(str(err)) from err


def check_database_reachable(url: str, variable: str, what: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return
    args = {"connect_timeout": CONNECT_TIMEOUT_S} if parsed.get_backend_name() == "postgresql" else {}
    engine = create_engine(parsed, future=True, connect_args=args)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as err:
        reason = str(getattr(err, "orig", err)).strip().splitlines()[0]
        raise StartupCheckError(
            f"Cannot reach the {what} at {parsed.render_as_string(hide_password=True)} ({reason}). "
            f"Start the database there, or fix {variable}.") from err
    finally:
        engine.dispose()


def check_redis_reachable(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT_S, socket_timeout=CONNECT_TIMEOUT_S)
    try:
        with contextlib.closing(client):
            client.ping()
    except redis.RedisError as err:
        shown = url.split("@")[-1]
        raise StartupCheckError(f"Cannot reach the Redis lock store at {shown} ({err}). "
                                "Start Redis there, or fix LOCK_STORE_URL.") from err
