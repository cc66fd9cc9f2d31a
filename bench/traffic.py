"""Realistic REST traffic for the performance benchmark, and a bounded load runner that times it.

A conversation is what one user sends in a session: small talk, a few questions from the held-out
set (in scope and out of scope), or, once the bot has one, a scripted eligibility check.
"""
from __future__ import annotations

import asyncio
import random
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import aiohttp

GREETINGS = ["hi", "hello there", "good morning", "hey, can you help me"]
CLOSINGS = ["thanks a lot", "ok thank you", "bye", "great, thanks. goodbye"]
ASIDES = ["are you a bot?", "what can you help me with", "ok", "no"]
REQUEST_TIMEOUT_S = 120


@dataclass
class Turn:
    text: str


@dataclass
class Sample:
    latency_s: float
    ok: bool
    text: str = ""


@dataclass
class LoadResult:
    concurrency: int
    samples: list[Sample] = field(default_factory=list)
    wall_s: float = 0.0

    def summary(self) -> dict:
        latencies = sorted(s.latency_s for s in self.samples)
        return {"concurrency": self.concurrency, "messages": len(latencies),
                "errors": sum(not s.ok for s in self.samples),
                "error_examples": sorted({s.text for s in self.samples if not s.ok})[:5],
                "wall_s": round(self.wall_s, 2),
                "messages_per_s": round(len(latencies) / self.wall_s, 2) if self.wall_s else 0.0,
                **{f"p{q}_ms": round(1000 * percentile(latencies, q), 1) for q in (50, 95, 99)}}


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return 0.0
    rank = max(1, round(q / 100 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def conversations(questions: list[str], count: int, seed: int,
                  eligibility_dialogues: list[list[str]]) -> list[list[Turn]]:
    """count sessions: mostly questions with small talk around them; a quarter eligibility checks
    (scripted dialogues from bench/eligibility_dialogues.yml) once the bot has the form."""
    rng = random.Random(seed)
    sessions = []
    for _ in range(count):
        session = [Turn(rng.choice(GREETINGS))] if rng.random() < 0.6 else []
        if eligibility_dialogues and rng.random() < 0.25:
            session += [Turn(text) for text in rng.choice(eligibility_dialogues)]
        else:
            session += [Turn(q) for q in rng.sample(questions, rng.randint(2, 4))]
            if rng.random() < 0.3:
                session.append(Turn(rng.choice(ASIDES)))
        if rng.random() < 0.7:
            session.append(Turn(rng.choice(CLOSINGS)))
        sessions.append(session)
    return sessions


def long_conversation(questions: list[str], turns: int) -> list[Turn]:
    """turns messages where the last ten repeat the first ten, so turn 1 and turn N ask the same."""
    cycle = [GREETINGS[0], *questions[:8], CLOSINGS[0]]
    return [Turn(cycle[i % len(cycle)]) for i in range(turns)]


async def post(session: aiohttp.ClientSession, url: str, sender: str, text: str) -> tuple[float, list[dict] | None]:
    started = time.perf_counter()
    try:
        async with session.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}) as reply:
            body = await reply.json() if reply.status == 200 else None
    except (aiohttp.ClientError, asyncio.TimeoutError):
        body = None
    return time.perf_counter() - started, body


async def run_conversation(session: aiohttp.ClientSession, url: str, turns: list[Turn],
                           record: Callable[[int, Sample], bool]) -> None:
    """Sends the turns in order as one user; stops early when record() says the budget is spent."""
    sender = f"load-{uuid.uuid4().hex[:12]}"
    for index, turn in enumerate(turns):
        latency, body = await post(session, url, sender, turn.text)
        ok = bool(body)  # Rasa answers 200 [] when it drops a message (e.g. a lock timeout)
        if not record(index, Sample(latency, ok, turn.text)):
            return


async def run_load(url: str, sessions: list[list[Turn]], concurrency: int, budget: int) -> LoadResult:
    """concurrency users at once, each taking the next session, until budget messages were timed."""
    result = LoadResult(concurrency)
    queue = list(reversed(sessions))

    def record(_: int, sample: Sample) -> bool:
        result.samples.append(sample)
        return len(result.samples) < budget

    async def user(session: aiohttp.ClientSession) -> None:
        while queue and len(result.samples) < budget:
            await run_conversation(session, url, queue.pop(), record)

    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        started = time.perf_counter()
        await asyncio.gather(*(user(session) for _ in range(concurrency)))
        result.wall_s = time.perf_counter() - started
    return result


async def turn_latencies(url: str, turns: list[Turn], repeats: int) -> list[list[float]]:
    """Latency of every turn of `repeats` long conversations, one after the other."""
    runs = []
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        for _ in range(repeats):
            latencies: list[float] = []
            await run_conversation(session, url, turns, lambda _, s: latencies.append(s.latency_s) is None)
            runs.append(latencies)
    return runs


def window_median_ms(runs: list[list[float]], start: int, stop: int) -> float:
    return round(1000 * statistics.median(x for run in runs for x in run[start:stop]), 1)
