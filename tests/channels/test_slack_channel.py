"""Slack connector against a fake Slack Web API on 127.0.0.1, with requests signed as Slack signs them."""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest

from bot.channels.guard import Limits
from bot.channels.replies import load_replies
from bot.channels.settings import SlackSettings
from bot.channels.slack import SlackInput, slack_user_text
from tests.channels.conftest import StubBot, post, serve_channel
from tests.fake_platform import FakePlatform

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TOKEN = "fake-slack-bot-token"
BOT_USER = "UBOT0001"
REPLIES = load_replies()


def slack_channel(fake: FakePlatform, per_minute: int = 20) -> SlackInput:
    settings = SlackSettings(TOKEN, SIGNING_SECRET, api_url=f"{fake.url}/api")
    return SlackInput(settings, Limits(messages_per_minute=per_minute), REPLIES)


def signed_headers(body: bytes, secret: str = SIGNING_SECRET, timestamp: int | None = None,
                   content_type: str = "application/json") -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}", "Content-Type": content_type}


def event(text: str, kind: str = "app_mention", event_id: str = "Ev001", ts: str = "1764576000.000100",
          channel: str = "C0GENERAL", **extra: Any) -> dict[str, Any]:
    return {"type": "event_callback", "team_id": "T0TEAM", "api_app_id": "A0APP", "event_id": event_id,
            "event_time": 1764576000, "authorizations": [{"user_id": BOT_USER, "is_bot": True}],
            "event": {"type": kind, "user": "U0AMINA", "text": text, "ts": ts, "channel": channel,
                      "event_ts": ts, **extra}}


async def send_event(http: aiohttp.ClientSession, url: str, envelope: dict | bytes,
                     headers: dict[str, str] | None = None) -> tuple[int, Any]:
    body = envelope if isinstance(envelope, bytes) else json.dumps(envelope).encode()
    status, _, reply = await post(http, f"{url}/webhooks/slack/webhook", body,
                                  signed_headers(body) if headers is None else headers)
    return status, reply


def block_actions(value: str, thread_ts: str | None = "1764576000.000100") -> dict[str, Any]:
    message = {"type": "message", "ts": "1764576001.000200", "bot_id": "B0BOT", "text": "…"}
    if thread_ts:
        message["thread_ts"] = thread_ts
    return {"type": "block_actions", "team": {"id": "T0TEAM"}, "user": {"id": "U0AMINA"},
            "channel": {"id": "C0GENERAL"}, "message": message,
            "container": {"type": "message", "message_ts": "1764576001.000200", "channel_id": "C0GENERAL"},
            "actions": [{"type": "button", "action_id": "choice_0", "block_id": "choices_0", "value": value}]}


async def send_interaction(http: aiohttp.ClientSession, url: str, payload: dict | str) -> tuple[int, Any]:
    body = urlencode({"payload": payload if isinstance(payload, str) else json.dumps(payload)}).encode()
    status, _, reply = await post(http, f"{url}/webhooks/slack/interactive", body,
                                  signed_headers(body, content_type="application/x-www-form-urlencoded"))
    return status, reply


async def test_signed_mention_is_answered_in_a_thread_under_it(
        fake_api: FakePlatform, stub_bot: StubBot, http: aiohttp.ClientSession) -> None:
    async with serve_channel(slack_channel(fake_api), stub_bot) as url:
        status, _ = await send_event(http, url, event(f"<@{BOT_USER}> how much is the fee &amp; when?"))
        [call] = await fake_api.wait_for_async("chat.postMessage")
    assert status == 200
    [message] = stub_bot.received
    assert message.text == "how much is the fee & when?"
    assert message.sender_id == "slack:T0TEAM:C0GENERAL:1764576000.000100"
    assert call.path == "/api/chat.postMessage"
    assert call.headers["Authorization"] == f"Bearer {TOKEN}"
    assert call.params["channel"] == "C0GENERAL"
    assert call.params["thread_ts"] == "1764576000.000100"
    assert call.params["blocks"][0]["text"]["text"].startswith("The ECFMG application costs US$160 &amp; is paid")
    assert [b["value"] for b in call.params["blocks"][1]["elements"]] == ["f:certification_timeline",
                                                                          "p:/eligibility_form"]


async def test_reply_in_a_thread_goes_to_that_thread(fake_api: FakePlatform, stub_bot: StubBot,
                                                     http: aiohttp.ClientSession) -> None:
    async with serve_channel(slack_channel(fake_api), stub_bot) as url:
        await send_event(http, url, event(f"<@{BOT_USER}> and the fee?", ts="1764576050.000300",
                                          thread_ts="1764576000.000100"))
        [call] = await fake_api.wait_for_async("chat.postMessage")
    assert call.params["thread_ts"] == "1764576000.000100"
    assert stub_bot.received[0].sender_id == "slack:T0TEAM:C0GENERAL:1764576000.000100"


async def test_direct_message_is_answered_in_the_conversation_itself(
        fake_api: FakePlatform, stub_bot: StubBot, http: aiohttp.ClientSession) -> None:
    async with serve_channel(slack_channel(fake_api), stub_bot) as url:
        await send_event(http, url, event("what is ecfmg", kind="message", channel="D0DM", channel_type="im"))
        [call] = await fake_api.wait_for_async("chat.postMessage")
    assert "thread_ts" not in call.params
    assert call.params["channel"] == "D0DM"
    assert stub_bot.received[0].sender_id == "slack:T0TEAM:D0DM"


@pytest.mark.parametrize("headers_for", [
    lambda body: {},
    lambda body: {"X-Slack-Signature": signed_headers(body)["X-Slack-Signature"]},
    lambda body: signed_headers(body, secret="not-the-secret"),
    lambda body: signed_headers(body, timestamp=int(time.time()) - 301),
    lambda body: signed_headers(body, timestamp=int(time.time()) + 301),
    lambda body: {**signed_headers(body), "X-Slack-Request-Timestamp": "yesterday"},
    lambda body: signed_headers(body + b" "),
])
async def test_bad_missing_or_stale_signature_is_401_and_nothing_processed(
        fake_api: FakePlatform, stub_bot: StubBot, http: aiohttp.ClientSession, headers_for: Any) -> None:
    body = json.dumps(event("hi")).encode()
    async with serve_channel(slack_channel(fake_api), stub_bot) as url:
        status, reply = await send_event(http, url, body, headers_for(body))
        interactive, _, _ = await post(http, f"{url}/webhooks/slack/interactive", body, headers_for(body))
        await asyncio.sleep(0.2)
    assert (status, interactive) == (401, 401)
    assert reply["error"]
    assert stub_bot.received == [] and fake_api.calls == []


async def test_url_verification_returns_the_challenge(fake_api: FakePlatform, stub_bot: StubBot,
                                                      http: aiohttp.ClientSession) -> None:
    async with serve_channel(slack_channel(fake_api), stub_bot) as url:
        status, reply = await send_event(http, url, {"type": "url_verification", "token": "x",
                                                     "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"})
    assert status == 200
    assert reply == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}


async def test_retries_are_acknowledged_but_processed_once(fake_api: FakePlatform, stub_bot: StubBot,
                                                           http: aiohttp.ClientSession) -> None:
    envelope = json.dumps(event(f"<@{BOT_USER}> hi")).encode()
    async with serve_channel(slack_channel(fake_api), stub_bot) as url:
        assert (await send_event(http, url, envelope))[0] == 200
        for number in ("1", "2"):
            retry_headers = {**signed_headers(envelope), "X-Slack-Retry-Num": number,
                             "X-Slack-Retry-Reason": "http_error"}
            status, reply = await send_event(http, url, envelope, retry_headers)
            assert (status, reply) == (200, {"ok": True, "ignored": "event already handled"})
        await fake_api.wait_for_async("chat.postMessage")
        await asyncio.sleep(0.2)
    assert len(stub_bot.received) == 1
    assert len(fake_api.calls_of("chat.postMessage")) == 1


async def test_timeout_retry_of_an_event_this_process_never_saw_is_not_processed(
        fake_api: FakePlatform, stub_bot: StubBot, http: aiohttp.ClientSession) -> None:
    envelope = json.dumps(event(f"<@{BOT_USER}> hi", event_id="Ev777")).encode()
    headers = {**signed_headers(envelope), "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    async with serve_channel(slack_channel(fake_api), stub_bot) as url:
        status, reply = await send_event(http, url, envelope, headers)
        await asyncio.sleep(0.2)
    assert status == 200 and "already reached" in reply["ignored"]
    assert stub_bot.received == []


async def test_same_message_as_mention_and_message_event_is_answered_once(
        fake_api: FakePlatform, stub_bot: StubBot, http: aiohttp.ClientSession) -> None:
    async with serve_channel(slack_channel(fake_api), stub_bot) as url:
        await send_event(http, url, event(f"<@{BOT_USER}> hi", kind="app_mention", event_id="Ev1", channel="D0DM"))
        await send_event(http, url, event(f"<@{BOT_USER}> hi", kind="message", event_id="Ev2", channel="D0DM",
                                          channel_type="im"))
        await fake_api.wait_for_async("chat.postMessage")
        await asyncio.sleep(0.2)
    assert len(stub_bot.received) == 1


@pytest.mark.parametrize("envelope", [
    event("our own answer", bot_id="B0BOT"),
    event("our own answer", user=BOT_USER),
    event("edited", kind="message", channel_type="im", subtype="message_changed"),
    event("joined", kind="message", channel_type="channel", subtype="channel_join"),
    event("chatter in a channel, no mention", kind="message", channel_type="channel"),
    event("hi", kind="reaction_added"),
    {**event("hi"), "event": "not an object"},
    {"type": "app_rate_limited", "team_id": "T0TEAM"},
    event("", kind="app_mention"),
])
async def test_own_bot_other_bots_subtypes_and_other_events_are_ignored(
        fake_api: FakePlatform, stub_bot: StubBot, http: aiohttp.ClientSession, envelope: dict) -> None:
    async with serve_channel(slack_channel(fake_api), stub_bot) as url:
        status, reply = await send_event(http, url, envelope)
        await asyncio.sleep(0.2)
    assert status == 200 and reply["ignored"]
    assert stub_bot.received == [] and fake_api.calls == []


@pytest.mark.parametrize("raw", [b"{not json", b"\xff\xfe", b'"a string"'])
async def test_signed_but_malformed_body_is_400(fake_api: FakePlatform, stub_bot: StubBot,
                                                http: aiohttp.ClientSession, raw: bytes) -> None:
    async with serve_channel(slack_channel(fake_api), stub_bot) as url:
        status, reply = await send_event(http, url, raw)
    assert status == 400 and reply["error"]


async def test_button_press_is_processed_in_the_thread_of_its_message(
        fake_api: FakePlatform, stub_bot: StubBot, http: aiohttp.ClientSession) -> None:
    async with serve_channel(slack_channel(fake_api), stub_bot) as url:
        status, _ = await send_interaction(http, url, block_actions("f:certification_timeline"))
        [call] = await fake_api.wait_for_async("chat.postMessage")
    assert status == 200
    [message] = stub_bot.received
    assert message.text == '/faq{"faq_id": "certification_timeline"}'
    assert message.sender_id == "slack:T0TEAM:C0GENERAL:1764576000.000100"
    assert call.params["thread_ts"] == "1764576000.000100"


async def test_button_press_in_a_direct_message_stays_in_that_conversation(
        fake_api: FakePlatform, stub_bot: StubBot, http: aiohttp.ClientSession) -> None:
    async with serve_channel(slack_channel(fake_api), stub_bot) as url:
        await send_interaction(http, url, block_actions("p:/eligibility_form", thread_ts=None))
        [call] = await fake_api.wait_for_async("chat.postMessage")
    assert stub_bot.received[0].text == "/eligibility_form"
    assert stub_bot.received[0].sender_id == "slack:T0TEAM:C0GENERAL"
    assert "thread_ts" not in call.params


@pytest.mark.parametrize("payload", ["{broken", json.dumps({"type": "view_submission"}),
                                     json.dumps({"type": "block_actions", "actions": []})])
async def test_unreadable_or_other_interactions_do_not_fail(fake_api: FakePlatform, stub_bot: StubBot,
                                                            http: aiohttp.ClientSession, payload: str) -> None:
    async with serve_channel(slack_channel(fake_api), stub_bot) as url:
        status, _ = await send_interaction(http, url, payload)
    assert status == (400 if payload == "{broken" else 200)
    assert stub_bot.received == []


async def test_too_long_message_gets_a_polite_reply_in_the_thread(
        fake_api: FakePlatform, stub_bot: StubBot, http: aiohttp.ClientSession) -> None:
    async with serve_channel(slack_channel(fake_api), stub_bot) as url:
        await send_event(http, url, event(f"<@{BOT_USER}> " + "why " * 2000))
        [call] = await fake_api.wait_for_async("chat.postMessage")
    assert stub_bot.received == []
    assert call.params["text"] == REPLIES.too_long.format(max_chars=1000)
    assert call.params["thread_ts"] == "1764576000.000100"


async def test_failing_bot_still_answers_slack_at_once_and_apologises_in_the_thread(
        fake_api: FakePlatform, stub_bot: StubBot, http: aiohttp.ClientSession) -> None:
    stub_bot.fail_with = RuntimeError("tracker store down")
    async with serve_channel(slack_channel(fake_api), stub_bot) as url:
        status, _ = await send_event(http, url, event(f"<@{BOT_USER}> hi"))
        [call] = await fake_api.wait_for_async("chat.postMessage")
    assert status == 200
    assert call.params["text"] == REPLIES.unavailable


async def test_slow_bot_does_not_delay_the_acknowledgement(fake_api: FakePlatform, stub_bot: StubBot,
                                                           http: aiohttp.ClientSession) -> None:
    answered = asyncio.Event()

    async def slow(message: Any) -> None:
        await answered.wait()
        await StubBot.__call__(stub_bot, message)

    async with serve_channel(slack_channel(fake_api), slow) as url:  # type: ignore[arg-type]
        status, _ = await asyncio.wait_for(send_event(http, url, event(f"<@{BOT_USER}> hi")), timeout=2)
        assert status == 200 and fake_api.calls == []
        answered.set()
        await fake_api.wait_for_async("chat.postMessage")


@pytest.mark.parametrize("raw, seen", [
    (f"<@{BOT_USER}> fee?", "fee?"),
    ("see <https://www.ecfmg.org/fees/|the fee page> &lt;now&gt;", "see the fee page <now>"),
    ("<!here> <#C123|general> fee", "general fee"),
    ("<mailto:a@b.org|a@b.org> fee", "a@b.org fee"),
])
def test_slack_markup_in_user_text_is_read_as_plain_text(raw: str, seen: str) -> None:
    assert slack_user_text(raw) == seen


@pytest.mark.parametrize("envelope", [
    {"type": "event_callback", "event": {"type": "message", "user": {}, "channel_type": "im", "text": "hi"}},
    {"type": "event_callback", "authorizations": "x", "team_id": "T",
     "event": {"type": "app_mention", "user": "U1", "text": ["hi"], "ts": "1.2", "channel": "C"}},
    {"type": "event_callback", "event_id": 5, "event": {"type": "app_mention", "user": "U1", "thread_ts": 7}},
    {"type": ["event_callback"]},
])
async def test_events_of_any_shape_never_get_a_5xx(fake_api: FakePlatform, stub_bot: StubBot,
                                                   http: aiohttp.ClientSession, envelope: dict) -> None:
    async with serve_channel(slack_channel(fake_api), stub_bot) as url:
        status, reply = await send_event(http, url, envelope)
        await asyncio.sleep(0.1)
    assert status == 200 and reply["ignored"]
    assert stub_bot.received == []


@pytest.mark.parametrize("payload", [
    {"type": "block_actions", "actions": ["x"], "channel": "C", "team": {"id": "T"}},
    {"type": "block_actions", "actions": [{"value": 5}], "channel": {"id": "C"}, "team": {"id": "T"}},
    {"type": "block_actions", "actions": [{"value": "p:/greet"}], "channel": {"id": "C"}, "team": "T"},
])
async def test_interactions_of_any_shape_never_get_a_5xx(fake_api: FakePlatform, stub_bot: StubBot,
                                                         http: aiohttp.ClientSession, payload: dict) -> None:
    async with serve_channel(slack_channel(fake_api), stub_bot) as url:
        status, reply = await send_interaction(http, url, payload)
    assert status == 200 and reply["ignored"]
    assert stub_bot.received == []


async def test_typed_payload_in_slack_is_read_as_text(fake_api: FakePlatform, stub_bot: StubBot,
                                                      http: aiohttp.ClientSession) -> None:
    async with serve_channel(slack_channel(fake_api), stub_bot) as url:
        await send_event(http, url, event(f'<@{BOT_USER}> /faq{{"faq_id": "x"}}'))
        await fake_api.wait_for_async("chat.postMessage")
    assert stub_bot.texts == ['faq{"faq_id": "x"}']
