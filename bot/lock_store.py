"""A conversation lock on Redis that stays correct when several Rasa processes share it.

Rasa 3.6's RedisLockStore reads a ticket list, changes it in Python and writes it back, so two
processes can draw the same ticket, and one process's clean-up deletes a lock another is waiting
on (that message is then dropped with a LockError). Here every change is one Lua script, which
Redis runs atomically: tickets come from INCR, the queue is a Redis list, and a ticket whose
process died is skipped once its deadline (refreshed while its owner is alive) has passed.
Configured in endpoints.yml as `lock_store: type: bot.lock_store.AtomicRedisLockStore`.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import redis
import redis.asyncio as aioredis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

KEY_PREFIX = "ecfmg:lock:"
POLL_INTERVAL_S = 0.02
CONNECT_TIMEOUT_S = 3.0

# KEYS: counter, queue, deadlines. ARGV: lifetime in ms. Returns the new ticket number.
ISSUE = """
local ticket = redis.call('INCR', KEYS[1])
local now = redis.call('TIME')
local now_ms = now[1] * 1000 + math.floor(now[2] / 1000)
redis.call('RPUSH', KEYS[2], ticket)
redis.call('HSET', KEYS[3], ticket, now_ms + ARGV[1])
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], 2 * ARGV[1]) end
return ticket
"""

# KEYS: counter, queue, deadlines. ARGV: ticket, lifetime in ms.
# Drops expired tickets at the head, refreshes this ticket's deadline and returns
# 1 if it is at the head now, 0 if it must wait, -1 if it is gone (it expired).
TRY_ACQUIRE = """
local now = redis.call('TIME')
local now_ms = now[1] * 1000 + math.floor(now[2] / 1000)
if not redis.call('HGET', KEYS[3], ARGV[1]) then return -1 end
while true do
  local head = redis.call('LINDEX', KEYS[2], 0)
  if not head then return -1 end
  if head == ARGV[1] then break end
  local deadline = redis.call('HGET', KEYS[3], head)
  if deadline and tonumber(deadline) > now_ms then break end
  redis.call('LPOP', KEYS[2])
  redis.call('HDEL', KEYS[3], head)
end
redis.call('HSET', KEYS[3], ARGV[1], now_ms + ARGV[2])
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], 2 * ARGV[2]) end
if redis.call('LINDEX', KEYS[2], 0) == ARGV[1] then return 1 end
return 0
"""

# KEYS: counter, queue, deadlines. ARGV: ticket. Removes the ticket; the last one out deletes the keys.
RELEASE = """
redis.call('LREM', KEYS[2], 0, ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
if redis.call('LLEN', KEYS[2]) == 0 then redis.call('DEL', KEYS[1], KEYS[2], KEYS[3]) end
return 1
"""


class LockStoreUnreachableError(ConnectionError):
    """Redis did not answer at start-up; the message says where and what to do."""


class AtomicRedisLockStore(LockStore):
    """FIFO ticket lock per conversation; every read-modify-write is one atomic Redis script."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **settings: Any) -> None:
        config = {**((endpoint_config.kwargs if endpoint_config else {}) or {}), **settings}
        self.host = (endpoint_config.url if endpoint_config else None) or config.get("host") or "localhost"
        self.port = int(config.get("port") or 6379)
        self.connection = {
            "host": self.host, "port": self.port, "db": int(config.get("db") or 0),
            "username": config.get("username"), "password": config.get("password"),
            "ssl": bool(config.get("use_ssl", False)),
            "socket_connect_timeout": CONNECT_TIMEOUT_S,
            "socket_timeout": float(config.get("socket_timeout") or 10),
        }
        self.key_prefix = str(config.get("key_prefix") or KEY_PREFIX)
        self._check_reachable()
        self.red = aioredis.Redis(**self.connection)
        self._issue = self.red.register_script(ISSUE)
        self._try_acquire = self.red.register_script(TRY_ACQUIRE)
        self._release = self.red.register_script(RELEASE)
        super().__init__()

    def _check_reachable(self) -> None:
        """Fail at start-up within seconds instead of on the first message."""
        try:
            with contextlib.closing(redis.Redis(**self.connection)) as client:
                client.ping()
        except redis.RedisError as err:
            raise LockStoreUnreachableError(
                f"Cannot reach the Redis lock store at {self.host}:{self.port} ({err}). "
                "Start Redis there, or fix LOCK_STORE_URL (e.g. redis://127.0.0.1:6379/0).") from err

    def _keys(self, conversation_id: str) -> list[str]:
        base = self.key_prefix + conversation_id
        return [f"{base}:counter", f"{base}:queue", f"{base}:deadlines"]

    @contextlib.asynccontextmanager
    async def lock(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME,
                   wait_time_in_seconds: float = POLL_INTERVAL_S) -> AsyncIterator[TicketLock]:
        """Waits its turn for `conversation_id`; the ticket is released however the block ends.

        Rasa passes a 1 s poll interval; 20 ms keeps a burst of messages from one sender fast.
        """
        keys = self._keys(conversation_id)
        lifetime_ms = int(lock_lifetime * 1000)
        try:
            ticket = int(await self._issue(keys=keys, args=[lifetime_ms]))
        except redis.RedisError as err:
            raise LockError(f"Could not get a lock ticket for '{conversation_id}' from Redis: {err}") from err
        heartbeat: asyncio.Task | None = None
        try:
            await self._wait_for_turn(conversation_id, keys, ticket, lifetime_ms,
                                      min(wait_time_in_seconds, POLL_INTERVAL_S))
            heartbeat = asyncio.create_task(self._keep_alive(keys, ticket, lifetime_ms))
            yield TicketLock(conversation_id)
        finally:
            if heartbeat:
                heartbeat.cancel()
            await self._release_quietly(conversation_id, keys, ticket)

    async def _wait_for_turn(self, conversation_id: str, keys: list[str], ticket: int, lifetime_ms: int,
                             poll_s: float) -> None:
        while True:
            try:
                state = int(await self._try_acquire(keys=keys, args=[ticket, lifetime_ms]))
            except redis.RedisError as err:
                raise LockError(f"Lost Redis while waiting for the lock on '{conversation_id}': {err}") from err
            if state == 1:
                return
            if state == -1:
                raise LockError(f"The lock ticket for '{conversation_id}' expired while waiting.")
            await asyncio.sleep(poll_s)

    async def _keep_alive(self, keys: list[str], ticket: int, lifetime_ms: int) -> None:
        """Refreshes the holder's deadline so a slow but live turn is never overtaken."""
        while True:
            await asyncio.sleep(lifetime_ms / 3000)
            try:
                await self._try_acquire(keys=keys, args=[ticket, lifetime_ms])
            except redis.RedisError as err:
                logger.warning("Could not refresh the lock deadline for %s: %s", keys[1], err)

    async def _release_quietly(self, conversation_id: str, keys: list[str], ticket: int) -> None:
        try:
            await self._release(keys=keys, args=[ticket])
        except redis.RedisError as err:  # the ticket's deadline frees the queue anyway
            logger.warning("Could not release the lock on %s: %s", conversation_id, err)
