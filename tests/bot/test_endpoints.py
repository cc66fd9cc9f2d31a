"""The run's endpoints.yml from the environment: defaults for one machine, scale-out from variables."""
from __future__ import annotations

from pathlib import Path

import pytest
from bot.endpoints import EndpointSettingError, child_environment, dump_endpoints, endpoint_settings

LOCAL_ACTIONS = "http://127.0.0.1:5055/webhook"


def settings(env: dict[str, str], tmp_path: Path) -> dict:
    return endpoint_settings({"action_endpoint": {"url": "ignored"}}, env, tmp_path, LOCAL_ACTIONS)


def test_nothing_set_means_local_actions_and_conversations_in_sqlite(tmp_path: Path) -> None:
    assert settings({}, tmp_path) == {
        "action_endpoint": {"url": LOCAL_ACTIONS},
        "tracker_store": {"type": "SQL", "dialect": "sqlite", "db": str(tmp_path / "tracker.db")},
    }


def test_scale_out_variables_give_postgresql_redis_and_the_atomic_lock(tmp_path: Path) -> None:
    env = {"ACTION_ENDPOINT_URL": "http://actions/webhook",
           "TRACKER_STORE_URL": "postgresql://rasa:s3cr%40t@db.internal:5433/conversations",
           "LOCK_STORE_URL": "redis://:hunter2@redis.internal:6380/2"}
    result = settings(env, tmp_path)
    assert result == {
        "action_endpoint": {"url": "http://actions/webhook"},
        "tracker_store": {"type": "SQL", "dialect": "postgresql", "url": "db.internal", "port": 5433,
                          "db": "conversations", "username": "rasa", "password": "${BOT_TRACKER_STORE_PASSWORD}"},
        "lock_store": {"type": "bot.lock_store.AtomicRedisLockStore", "url": "redis.internal", "port": 6380,
                       "db": 2, "use_ssl": False, "password": "${BOT_LOCK_STORE_PASSWORD}"},
    }
    assert child_environment(env) == {"BOT_TRACKER_STORE_PASSWORD": "s3cr@t", "BOT_LOCK_STORE_PASSWORD": "hunter2"}
    text = dump_endpoints(result)
    assert "password: ${BOT_TRACKER_STORE_PASSWORD}\n" in text  # unquoted, or Rasa would not expand it
    assert "s3cr" not in text and "hunter2" not in text
    assert "lock_store:\n  db: 2\n" in text and "  port: 6380\n" in text


@pytest.mark.parametrize("env, message", [
    ({"TRACKER_STORE_URL": "not a url"},
     "TRACKER_STORE_URL is not a database URL (got 'not a url')"),
    ({"TRACKER_STORE_URL": "mongodb://db/rasa"},
     "TRACKER_STORE_URL uses 'mongodb', which Rasa's SQL tracker store does not support. Use postgresql://... "
     "(or sqlite:///... on one machine)."),
    ({"LOCK_STORE_URL": "localhost:6379"},
     "LOCK_STORE_URL must be a Redis URL (got 'localhost:6379'). Use e.g. redis://redis.internal:6379/0."),
    ({"LOCK_STORE_URL": "redis://r:6379/locks"},
     "LOCK_STORE_URL names Redis database 'locks'; it must be a number, e.g. redis://redis.internal:6379/0."),
])
def test_bad_values_say_what_to_write(env: dict[str, str], message: str, tmp_path: Path) -> None:
    with pytest.raises(EndpointSettingError) as error:
        settings(env, tmp_path)
    assert str(error.value).startswith(message)
