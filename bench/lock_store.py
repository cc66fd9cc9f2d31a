"""Lost messages with several senders each sending a burst at once, two replicas behind nginx.

Compares Rasa 3.6's RedisLockStore with bot.lock_store.AtomicRedisLockStore on the same set-up
(PostgreSQL tracker store, Redis, nginx, two replicas, two action servers; all started here).

    .venv/bin/python bench/lock_store.py                        # both lock stores, 40 senders x 5
    .venv/bin/python bench/lock_store.py --senders 60 --burst 5 --store atomic
"""
from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.local_cluster import replica_url, start_cluster  # noqa: E402
from bot.traffic import burst, check_trackers, connector  # noqa: E402

STORES = {"rasa": "redis", "atomic": "bot.lock_store.AtomicRedisLockStore"}
QUESTIONS = ["hello", "what is ecfmg certification", "how much is the application fee",
             "what is the oet medicine", "thanks", "which exams do i need", "what is a pathway"]


async def run_bursts(url: str, api: str, senders: int, size: int) -> dict[str, float]:
    """Bursts through nginx at `url`; trackers read from a replica's HTTP API at `api` (nginx hides it)."""
    sent = {f"bench-{uuid.uuid4().hex[:8]}": [f"{QUESTIONS[i % len(QUESTIONS)]} {i}" for i in range(size)]
            for _ in range(senders)}
    async with aiohttp.ClientSession(connector=connector()) as session:
        started = time.monotonic()
        replies = await asyncio.gather(*(burst(session, url, sender, texts) for sender, texts in sent.items()))
        elapsed = time.monotonic() - started
        checks = await check_trackers(session, api, sent)
    statuses = [r.status for rs in replies for r in rs]
    return {"messages": senders * size, "seconds": elapsed,
            "senders_losing": sum(1 for c in checks if c.lost),
            "lost": sum(len(c.lost) for c in checks),
            "duplicated": sum(len(c.duplicated) for c in checks),
            "broken_turns": sum(c.turns_without_listen for c in checks),
            "empty_200": sum(1 for rs in replies for r in rs if r.status == 200 and not r.messages),
            "non_200": sum(1 for s in statuses if s != 200)}


def measure(store: str, senders: int, size: int) -> dict[str, float]:
    cluster = start_cluster(Path(tempfile.mkdtemp(prefix=f"bench-lock-{store}-")), lock_store_type=STORES[store])
    try:
        return asyncio.run(run_bursts(cluster.url, replica_url(cluster, 0), senders, size))
    finally:
        cluster.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--senders", type=int, default=40)
    parser.add_argument("--burst", type=int, default=5, help="messages each sender sends at once")
    parser.add_argument("--store", choices=[*STORES, "both"], default="both")
    args = parser.parse_args()
    stores = list(STORES) if args.store == "both" else [args.store]
    print(f"| lock store | messages | senders losing messages | lost | duplicated | broken turns "
          f"| HTTP 200 [] | non-200 | seconds |\n|---|---|---|---|---|---|---|---|---|")
    for store in stores:
        r = measure(store, args.senders, args.burst)
        print(f"| {STORES[store]} | {r['messages']} | {r['senders_losing']} of {args.senders} "
              f"({100 * r['senders_losing'] / args.senders:.0f} %) | {r['lost']} | {r['duplicated']} "
              f"| {r['broken_turns']} | {r['empty_200']} | {r['non_200']} | {r['seconds']:.1f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
