"""Concurrent users over the REST channel, and the check that every tracker kept each message once."""
from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bot.api_auth import api_url

REQUEST_TIMEOUT_S = 120


@dataclass
class Reply:
    status: int
    messages: list[dict[str, Any]]


@dataclass
class TrackerCheck:
    """What one conversation's tracker holds compared with what its user sent."""

    sender: str
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    turns_without_listen: int = 0

    @property
    def ok(self) -> bool:
        return not (self.lost or self.duplicated or self.unexpected or self.turns_without_listen)


async def say(session: aiohttp.ClientSession, url: str, sender: str, text: str) -> Reply:
    """The channel's reply; status 0 if none came within REQUEST_TIMEOUT_S or the connection failed."""
    try:
        async with session.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                                timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)) as response:
            body = await response.json(content_type=None) if response.status == 200 else []
            return Reply(response.status, body if isinstance(body, list) else [])
    except (asyncio.TimeoutError, aiohttp.ClientError):
        return Reply(0, [])


async def burst(session: aiohttp.ClientSession, url: str, sender: str, texts: list[str]) -> list[Reply]:
    """All of `texts` from one sender at the same moment."""
    return list(await asyncio.gather(*(say(session, url, sender, text) for text in texts)))


async def tracker_events(session: aiohttp.ClientSession, url: str, sender: str) -> list[dict[str, Any]]:
    """Every event of the conversation, from the HTTP API at `url` (a replica: the public front hides it)."""
    async with session.get(api_url(url, f"/conversations/{sender}/tracker?include_events=ALL"),
                           timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)) as response:
        response.raise_for_status()
        return (await response.json())["events"]


async def tracker_slots(session: aiohttp.ClientSession, url: str, sender: str) -> dict[str, Any]:
    async with session.get(api_url(url, f"/conversations/{sender}/tracker"),
                           timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)) as response:
        response.raise_for_status()
        return (await response.json())["slots"]


def check_tracker(sender: str, events: list[dict[str, Any]], sent: list[str]) -> TrackerCheck:
    """Each sent text is one user event, nothing else arrived, and every user turn ended in a listen.

    Two processes running one sender's turns at once show up as a missing or repeated user event,
    or as a turn whose events were overwritten (a user event not followed by action_listen).
    """
    check = TrackerCheck(sender)
    received = Counter(e.get("text") for e in events if e["event"] == "user")
    expected = Counter(sent)
    check.lost = sorted((expected - received).elements())
    check.duplicated = sorted(t for t in expected if received[t] > expected[t])
    check.unexpected = sorted(t for t in received if t not in expected)
    listening = True
    for event in events:
        if event["event"] == "user":
            if not listening:
                check.turns_without_listen += 1
            listening = False
        elif event["event"] == "action" and event.get("name") == "action_listen":
            listening = True
    if not listening:
        check.turns_without_listen += 1
    return check


async def check_trackers(session: aiohttp.ClientSession, url: str,
                         sent: dict[str, list[str]]) -> list[TrackerCheck]:
    async def one(sender: str) -> TrackerCheck:
        return check_tracker(sender, await tracker_events(session, url, sender), sent[sender])
    return list(await asyncio.gather(*(one(sender) for sender in sent)))


def connector(limit: int = 200) -> aiohttp.TCPConnector:
    return aiohttp.TCPConnector(limit=limit)
