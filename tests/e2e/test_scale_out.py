"""Scale-out end to end: PostgreSQL, Redis, nginx, two Rasa replicas and two action servers.

nginx exposes the channels, the widget and a health check, and 404s the HTTP API. Many concurrent
conversations (FAQ turns and the eligibility form) plus bursts of simultaneous messages per sender
go through it; every tracker, read from a replica with the API token, must hold each message exactly
once and every form must end with the right status, also after one replica is killed halfway through.
"""
from __future__ import annotations

import asyncio
import json
import signal
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy.engine import make_url

from bot.api_auth import TOKEN_VARIABLE, api_url
from bot.local_cluster import Cluster, replica_url, start_action_server, start_cluster
from bot.serve import fetch_tracker, wait_for
from bot.traffic import Reply, TrackerCheck, burst, check_trackers, connector, say
from tests.e2e.api_calls import ApiCall, operator_calls, status_of

pytestmark = pytest.mark.e2e

CONVERSATIONS = 50
BURST_SENDERS = 50
BURST_SIZE = 5
FORM_TURN_LIMIT = 12
OPENING = ["hello", "what is ecfmg certification", "how much is the application fee", "check my eligibility"]
CLOSING = ["what is the oet medicine", "which usmle exams do i need", "how long does verification take",
           "what is a pathway", "thanks"]
BURST_TEXTS = ["hello", "what is ecfmg certification", "how much is the application fee",
               "what is the oet medicine", "thanks"]


@dataclass(frozen=True)
class Persona:
    """How a user answers the form's yes/no questions (unlisted slots: yes), and the result that follows."""

    answers: dict[str, str]
    expected_status: str


# The rules are knowledge/eligibility.yml's: a valid Step 2 CS pass skips the Pathway and OET questions.
PERSONAS = [
    Persona({}, "meets_requirements"),
    Persona({"step2cs_passed": "no"}, "meets_requirements"),
    Persona({"step2ck_passed": "no"}, "in_progress"),
    Persona({"step2cs_passed": "no", "oet_passed": "no"}, "in_progress"),
    Persona({"school_listed": "no"}, "not_eligible"),
]


@dataclass
class Conversation:
    persona: Persona
    sender: str = field(default_factory=lambda: f"scale-{uuid.uuid4().hex[:10]}")
    sent: list[str] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)

    async def say(self, session: aiohttp.ClientSession, url: str, text: str) -> None:
        self.sent.append(text)
        self.replies.append(await say(session, url, self.sender, text))


async def tracker(session: aiohttp.ClientSession, api: str, sender: str) -> dict:
    async with session.get(api_url(api, f"/conversations/{sender}/tracker")) as response:
        response.raise_for_status()
        return await response.json()


async def answer_form(session: aiohttp.ClientSession, url: str, api: str, conversation: Conversation,
                      questions: int) -> None:
    """Answers up to `questions` of the form's questions through nginx, each as a replica's API says it asks it."""
    for _ in range(questions):
        state = await tracker(session, api, conversation.sender)
        slot = state["slots"].get("requested_slot")
        if not (state.get("active_loop") or {}).get("name") or not slot:
            return
        await conversation.say(session, url, conversation.persona.answers.get(slot, "yes"))


async def first_half(session: aiohttp.ClientSession, url: str, api: str, conversation: Conversation) -> None:
    """Up to the middle of the form: the user whose school is not listed would end it, so waits."""
    for text in OPENING:
        await conversation.say(session, url, text)
    ends_form_at_once = conversation.persona.answers.get("school_listed") == "no"
    await answer_form(session, url, api, conversation, questions=0 if ends_form_at_once else 2)


async def second_half(session: aiohttp.ClientSession, url: str, api: str, conversation: Conversation) -> None:
    await answer_form(session, url, api, conversation, questions=FORM_TURN_LIMIT)
    for text in CLOSING:
        await conversation.say(session, url, text)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    cluster = start_cluster(tmp_path_factory.mktemp("scale"))
    yield cluster
    cluster.stop()


def test_the_front_serves_channels_widget_and_health_and_hides_the_api(cluster: Cluster) -> None:
    sender = f"scale-front-{uuid.uuid4().hex[:8]}"
    answer = post(cluster.url, sender, "how much is the application fee")
    assert "Source:" in " ".join(m.get("text", "") for m in answer)
    public = ["/health", "/chat", "/chat/health", "/chat/static/widget.js", "/webhooks/rest/",
              "/socket.io/?EIO=4&transport=polling"]
    assert {path: status_of(cluster.url, ApiCall("GET", path)) for path in public} == {path: 200 for path in public}

    token = cluster.env[TOKEN_VARIABLE]
    calls = [*operator_calls(sender), ApiCall("GET", "/"), ApiCall("GET", "/version"),
             ApiCall("GET", f"/webhooks/../conversations/{sender}/tracker"),
             ApiCall("GET", f"/chat/%2e%2e/conversations/{sender}/tracker"),
             ApiCall("PUT", "/webhooks/rest/../../model", {"model_file": "/tmp/replacement.tar.gz"})]
    front = {str(c): (status_of(cluster.url, c), status_of(cluster.url, c, token)) for c in calls}
    assert front == {str(c): (404, 404) for c in calls}  # not even the token opens the API from outside

    replica = replica_url(cluster, 1)  # operators reach the API on a replica's own address, with the token
    read = ApiCall("GET", f"/conversations/{sender}/tracker")
    assert (status_of(replica, read), status_of(replica, read, token)) == (401, 200)
    assert fetch_tracker(replica, sender)["slots"]["eligibility_status"] is None  # no forged write got through


def test_conversations_survive_bursts_and_a_replica_kill(cluster: Cluster) -> None:
    conversations = [Conversation(PERSONAS[n % len(PERSONAS)]) for n in range(CONVERSATIONS)]
    bursts = {f"burst-{uuid.uuid4().hex[:10]}": [f"{BURST_TEXTS[i % len(BURST_TEXTS)]} {i}" for i in range(BURST_SIZE)]
              for _ in range(BURST_SENDERS)}
    survivor = replica_url(cluster, 1)  # the API is read here: nginx does not expose it
    started = time.monotonic()
    burst_replies, before_kill = asyncio.run(run_first_half(cluster.url, survivor, conversations, bursts))
    first_half_s = time.monotonic() - started

    cluster.replicas[0].kill(signal.SIGKILL)
    after_kill = asyncio.run(form_states(survivor, conversations))
    started = time.monotonic()
    asyncio.run(run_second_half(cluster.url, survivor, conversations))
    second_half_s = time.monotonic() - started

    sent = {c.sender: c.sent for c in conversations} | bursts
    checks, finals = asyncio.run(read_back(survivor, conversations, sent))
    replies = [r for c in conversations for r in c.replies] + [r for rs in burst_replies for r in rs]
    lost = sum(len(c.lost) for c in checks)
    duplicated = sum(len(c.duplicated) for c in checks)
    print(f"\nscale-out: {len(replies)} messages ({len(conversations)} conversations of "
          f"{min(len(c.sent) for c in conversations)}-{max(len(c.sent) for c in conversations)} turns, "
          f"{BURST_SENDERS} senders x {BURST_SIZE} at once), lost {lost}, duplicated {duplicated}, "
          f"broken turns {sum(c.turns_without_listen for c in checks)}; "
          f"{first_half_s:.0f} s on two replicas, {second_half_s:.0f} s on one after the kill")

    assert [c for c in checks if not c.ok] == []
    assert {r.status for r in replies} == {200}
    assert all(r.messages for r in replies), "a message got no reply"
    assert all(len(c.sent) >= 10 for c in conversations)
    assert all(form == "eligibility_form" and slot for form, slot in before_kill.values()), before_kill
    assert after_kill == before_kill  # the survivor reads every half-filled form from PostgreSQL
    wrong = {c.sender: (c.persona.expected_status, finals[c.sender]) for c in conversations
             if finals[c.sender] != c.persona.expected_status}
    assert wrong == {}


async def run_first_half(url: str, api: str, conversations: list[Conversation],
                         bursts: dict[str, list[str]]) -> tuple[list[list[Reply]], dict[str, tuple]]:
    """Opening turns and the first form answers, with the bursts at the same time; then each form's state."""
    async with aiohttp.ClientSession(connector=connector()) as session:
        burst_replies, *_ = await asyncio.gather(
            asyncio.gather(*(burst(session, url, sender, texts) for sender, texts in bursts.items())),
            *(first_half(session, url, api, c) for c in conversations))
    return burst_replies, await form_states(api, conversations)


async def form_states(api: str, conversations: list[Conversation]) -> dict[str, tuple]:
    """sender -> (active form, slot it asks for)."""
    async with aiohttp.ClientSession(connector=connector()) as session:
        states = await asyncio.gather(*(tracker(session, api, c.sender) for c in conversations))
    return {c.sender: ((s.get("active_loop") or {}).get("name"), s["slots"].get("requested_slot"))
            for c, s in zip(conversations, states)}


async def run_second_half(url: str, api: str, conversations: list[Conversation]) -> None:
    async with aiohttp.ClientSession(connector=connector()) as session:
        await asyncio.gather(*(second_half(session, url, api, c) for c in conversations))


async def read_back(api: str, conversations: list[Conversation],
                    sent: dict[str, list[str]]) -> tuple[list[TrackerCheck], dict[str, str | None]]:
    async with aiohttp.ClientSession(connector=connector()) as session:
        checks = await check_trackers(session, api, sent)
        states = await asyncio.gather(*(tracker(session, api, c.sender) for c in conversations))
    return checks, {c.sender: s["slots"].get("eligibility_status") for c, s in zip(conversations, states)}


def test_action_servers_down_gives_a_retry_message_then_recovers(cluster: Cluster) -> None:
    for server in cluster.action_servers:
        server.kill(signal.SIGKILL)
    sender = f"scale-down-{uuid.uuid4().hex[:8]}"
    reply = post(cluster.url, sender, "how much is the application fee")
    assert "temporarily unavailable" in " ".join(m.get("text", "") for m in reply)

    ports = []
    for n, old in enumerate(list(cluster.action_servers)):
        port = int(old.process.args[old.process.args.index("-p") + 1])
        server = start_action_server(cluster, port, f"actions-restarted-{n + 1}")
        wait_for(f"http://127.0.0.1:{port}/health", server.log, server.process, timeout=300)
        ports.append(port)
    time.sleep(5)  # nginx skips a failed server for fail_timeout (5 s) before trying it again
    reply = post(cluster.url, sender, "how much is the application fee")
    text = " ".join(m.get("text", "") for m in reply)
    assert "Source:" in text and "temporarily unavailable" not in text


def post(url: str, sender: str, text: str) -> list[dict]:
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(f"{url}/webhooks/rest/webhook", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


def test_tracker_store_is_postgresql_and_lock_store_is_the_atomic_one(cluster: Cluster) -> None:
    endpoints = Path(cluster.root / "endpoints.yml").read_text()
    assert "dialect: postgresql" in endpoints
    assert "type: bot.lock_store.AtomicRedisLockStore" in endpoints
    assert make_url(cluster.env["TRACKER_STORE_URL"]).password not in endpoints  # secrets stay in the environment
