"""The run's endpoints.yml, built from environment variables (Rasa fails on `${VAR}` left unset).

Nothing set: the local action server, conversations in SQLite under the run folder (kept across
restarts), and Rasa's in-process lock (one process). Scale-out sets:

  ACTION_ENDPOINT_URL   the action servers' balancer, e.g. http://actions/webhook
  TRACKER_STORE_URL     SQLAlchemy URL of the conversation store, e.g. postgresql://rasa@db:5432/rasa
  LOCK_STORE_URL        Redis for the cross-process conversation lock, e.g. redis://redis:6379/0
  LOCK_STORE_TYPE       defaults to bot.lock_store.AtomicRedisLockStore; `redis` is Rasa's own
                        RedisLockStore, which loses messages across replicas (for comparison only)

Passwords never go into the written file: it refers to ${BOT_..._PASSWORD}, which
`child_environment` puts into the Rasa process's environment.
"""
from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ruamel.yaml import YAML
from sqlalchemy.engine import make_url

DEFAULT_LOCK_STORE_TYPE = "bot.lock_store.AtomicRedisLockStore"
TRACKER_PASSWORD_VAR = "BOT_TRACKER_STORE_PASSWORD"
LOCK_PASSWORD_VAR = "BOT_LOCK_STORE_PASSWORD"


class EndpointSettingError(ValueError):
    """An environment variable holds a value the bot cannot use; the message has an example."""


def default_tracker_url(run_dir: Path) -> str:
    return f"sqlite:///{run_dir / 'tracker.db'}"


def tracker_url(env: Mapping[str, str], run_dir: Path) -> str:
    return env.get("TRACKER_STORE_URL") or default_tracker_url(run_dir)


def endpoint_settings(base: dict[str, Any], env: Mapping[str, str], run_dir: Path,
                      local_actions_url: str) -> dict[str, Any]:
    """`base` (the repo's endpoints.yml) with the action server, tracker and lock store of this run."""
    settings = dict(base)
    settings["action_endpoint"] = {"url": env.get("ACTION_ENDPOINT_URL") or local_actions_url}
    settings["tracker_store"] = tracker_store_settings(tracker_url(env, run_dir))
    if env.get("LOCK_STORE_URL"):
        settings["lock_store"] = lock_store_settings(env["LOCK_STORE_URL"],
                                                     env.get("LOCK_STORE_TYPE") or DEFAULT_LOCK_STORE_TYPE)
    else:
        settings.pop("lock_store", None)
    return settings


def tracker_store_settings(url: str) -> dict[str, Any]:
    try:
        parsed = make_url(url)
    except Exception as err:  # SQLAlchemy raises ArgumentError, or ValueError for a bad port
        raise EndpointSettingError(
            f"TRACKER_STORE_URL is not a database URL (got {url!r}): {err}. "
            "Use e.g. postgresql://rasa@db.internal:5432/rasa or sqlite:////srv/bot/var/tracker.db.") from err
    dialect = parsed.get_backend_name()
    if dialect == "sqlite":
        if not parsed.database:
            raise EndpointSettingError("TRACKER_STORE_URL names no SQLite file. Use e.g. sqlite:////srv/bot/tracker.db.")
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        return {"type": "SQL", "dialect": "sqlite", "db": parsed.database}
    if dialect not in ("postgresql", "mysql", "oracle"):
        raise EndpointSettingError(f"TRACKER_STORE_URL uses {dialect!r}, which Rasa's SQL tracker store does "
                                   "not support. Use postgresql://... (or sqlite:///... on one machine).")
    settings: dict[str, Any] = {"type": "SQL", "dialect": parsed.drivername, "url": parsed.host or "localhost",
                                "db": parsed.database or "rasa"}
    if parsed.port:
        settings["port"] = parsed.port
    if parsed.username:
        settings["username"] = parsed.username
    if parsed.password:
        settings["password"] = "${" + TRACKER_PASSWORD_VAR + "}"
    if parsed.query:
        settings["query"] = dict(parsed.query)
    return settings


def lock_store_settings(url: str, store_type: str) -> dict[str, Any]:
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss") or not parts.hostname:
        raise EndpointSettingError(f"LOCK_STORE_URL must be a Redis URL (got {url!r}). "
                                   "Use e.g. redis://redis.internal:6379/0.")
    db = parts.path.strip("/") or "0"
    if not db.isdigit():
        raise EndpointSettingError(f"LOCK_STORE_URL names Redis database {db!r}; it must be a number, "
                                   "e.g. redis://redis.internal:6379/0.")
    settings: dict[str, Any] = {"type": store_type, "url": parts.hostname, "port": parts.port or 6379,
                                "db": int(db), "use_ssl": parts.scheme == "rediss"}
    if parts.username:
        settings["username"] = unquote(parts.username)
    if parts.password:
        settings["password"] = "${" + LOCK_PASSWORD_VAR + "}"
    return settings


def child_environment(env: Mapping[str, str]) -> dict[str, str]:
    """The password variables the written endpoints refer to."""
    extra = {}
    if env.get("TRACKER_STORE_URL"):
        password = make_url(env["TRACKER_STORE_URL"]).password
        if password:
            extra[TRACKER_PASSWORD_VAR] = str(password)
    if env.get("LOCK_STORE_URL"):
        password = urlsplit(env["LOCK_STORE_URL"]).password
        if password:
            extra[LOCK_PASSWORD_VAR] = unquote(password)
    return extra


def dump_endpoints(settings: dict[str, Any]) -> str:
    """YAML text for Rasa. Rasa expands ${VAR} only in plain scalars, so the placeholders lose their quotes."""
    yaml = YAML(typ="safe")
    yaml.default_flow_style = False
    buffer = io.StringIO()
    yaml.dump(settings, buffer)
    text = buffer.getvalue()
    for variable in (TRACKER_PASSWORD_VAR, LOCK_PASSWORD_VAR):
        text = text.replace(f"'${{{variable}}}'", f"${{{variable}}}")
    return text
