"""The Redis lock store under contention from two store instances, as two Rasa replicas would use it."""
from __future__ import annotations

import asyncio
import concurrent.futures
import multiprocessing
import subprocess
import time
from collections.abc import Iterator

import pytest
import redis
from rasa.core.lock_store import LockError
from rasa.utils.endpoints import EndpointConfig

from bot.local_cluster import find_binary
from bot.lock_store import AtomicRedisLockStore, LockStoreUnreachableError
from bot.serve import free_port

SENDERS = 20
MESSAGES_PER_SENDER = 5


@pytest.fixture(scope="module")
def redis_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    port = free_port()
    folder = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen([find_binary("redis-server"), "--port", str(port), "--bind", "127.0.0.1",
                               "--save", "", "--dir", str(folder)], stdout=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    deadline = time.monotonic() + 20
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.1)
    yield port
    server.terminate()
    server.wait(timeout=10)


def atomic_store(port: int) -> AtomicRedisLockStore:
    return AtomicRedisLockStore(EndpointConfig(url="127.0.0.1", port=port, db=0))


def contend(port: int, ids: list[str], parity: int) -> tuple[int, int]:
    """One "replica": its own process and lock store. Each message does a read-wait-write of its
    conversation's counter in Redis inside the lock. Returns the most turns that overlapped, and LockErrors."""
    store = atomic_store(port)
    shared = redis.Redis(port=port, db=2)
    overlap = errors = 0

    async def message(cid: str) -> None:
        nonlocal overlap, errors
        try:
            async with store.lock(cid, wait_time_in_seconds=0.02):
                overlap = max(overlap, shared.incr(f"inside:{cid}"))
                value = int(shared.get(f"count:{cid}") or 0)
                await asyncio.sleep(0.005)
                shared.set(f"count:{cid}", value + 1)
                shared.decr(f"inside:{cid}")
        except LockError:
            errors += 1

    async def everything() -> None:
        await asyncio.gather(*(message(cid) for cid in ids for n in range(MESSAGES_PER_SENDER) if n % 2 == parity))

    asyncio.run(everything())
    return overlap, errors


def two_replicas(port: int, prefix: str) -> tuple[dict[str, int], int, int]:
    """Both "replicas" at once; the counters, the worst overlap and all LockErrors."""
    ids = [f"{prefix}-{n}" for n in range(SENDERS)]
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        results = list(pool.map(contend, [port, port], [ids, ids], [0, 1]))
    shared = redis.Redis(port=port, db=2)
    counters = {cid: int(shared.get(f"count:{cid}") or 0) for cid in ids}
    return counters, max(r[0] for r in results), sum(r[1] for r in results)


def test_atomic_store_serialises_every_message_across_two_processes(redis_port: int) -> None:
    counters, overlap, errors = two_replicas(redis_port, "atomic")
    assert (overlap, errors) == (1, 0)
    assert set(counters.values()) == {MESSAGES_PER_SENDER}
    assert redis.Redis(port=redis_port).keys("ecfmg:lock:*") == []  # the last one out leaves nothing behind


async def test_a_ticket_whose_owner_died_is_skipped_after_its_lifetime(redis_port: int) -> None:
    store = atomic_store(redis_port)
    dead = store._keys("crashed")
    await store._issue(keys=dead, args=[300])  # a holder that never releases, lifetime 0.3 s
    started = time.monotonic()
    async with store.lock("crashed", lock_lifetime=5):
        waited = time.monotonic() - started
    assert 0.2 < waited < 3


def test_unreachable_redis_fails_within_seconds_with_what_to_do() -> None:
    started = time.monotonic()
    with pytest.raises(LockStoreUnreachableError) as error:
        AtomicRedisLockStore(EndpointConfig(url="127.0.0.1", port=free_port()))
    assert time.monotonic() - started < 10
    assert "Cannot reach the Redis lock store at 127.0.0.1:" in str(error.value)
    assert "Start Redis there, or fix LOCK_STORE_URL" in str(error.value)
