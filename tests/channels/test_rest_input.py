"""The REST channel never answers 5xx to bad input and never answers 200 for a message it lost."""
from __future__ import annotations

import json

import aiohttp
import pytest
from rasa.core.lock_store import LockError

from bot.channels.guard import Limits
from bot.channels.replies import load_replies
from bot.channels.rest import RestChannel
from tests.channels.conftest import ANSWER_TEXT, StubBot, post, serve_channel

REPLIES = load_replies()


def rest_channel(max_chars: int = 1000, per_minute: int = 20) -> RestChannel:
    return RestChannel(Limits(max_chars=max_chars, messages_per_minute=per_minute), REPLIES)


async def send(http: aiohttp.ClientSession, url: str, body: bytes | str | dict) -> tuple[int, dict, object]:
    raw = json.dumps(body) if isinstance(body, dict) else body
    return await post(http, f"{url}/webhooks/rest/webhook", raw, {"Content-Type": "application/json"})


@pytest.mark.parametrize("text", [
    "how much is the fee 👍",
    "رسوم الامتحان",
    "考试费用是多少",
    "<script>alert(1)</script>",
    "'; DROP TABLE events; --",
    '/faq{"x":1}',
    "/eligibility_form",
])
async def test_ordinary_and_odd_text_reaches_the_bot_unchanged(stub_bot: StubBot, http: aiohttp.ClientSession,
                                                               text: str) -> None:
    async with serve_channel(rest_channel(), stub_bot) as url:
        status, _, body = await send(http, url, {"sender": "u1", "message": text})
    assert status == 200
    assert stub_bot.texts == [text]
    assert body == [{"recipient_id": "u1", "text": ANSWER_TEXT, "buttons": [
        {"title": "How long does certification take?", "payload": '/faq{"faq_id": "certification_timeline"}'},
        {"title": "Start the eligibility check", "payload": "/eligibility_form"}]}]


async def test_control_characters_are_removed_before_the_bot_sees_them(stub_bot: StubBot,
                                                                       http: aiohttp.ClientSession) -> None:
    async with serve_channel(rest_channel(), stub_bot) as url:
        status, _, _ = await send(http, url, {"sender": "u1", "message": "fee\x00 for\x1b[31m step\u202e 1\ud800"})
    assert status == 200
    assert stub_bot.texts == ["fee  for [31m step  1"]


@pytest.mark.parametrize("text", ["", "   \n\t", "\x00\x07"])
async def test_empty_message_gets_a_polite_reply_not_an_error(stub_bot: StubBot, http: aiohttp.ClientSession,
                                                              text: str) -> None:
    async with serve_channel(rest_channel(), stub_bot) as url:
        status, _, body = await send(http, url, {"sender": "u1", "message": text})
    assert status == 200
    assert body == [{"recipient_id": "u1", "text": REPLIES.empty}]
    assert stub_bot.received == []


async def test_100_kb_message_gets_a_reply_naming_the_limit(stub_bot: StubBot, http: aiohttp.ClientSession) -> None:
    async with serve_channel(rest_channel(max_chars=1000), stub_bot) as url:
        status, _, body = await send(http, url, {"sender": "u1", "message": "fee " * 25_000})
    assert status == 200
    [reply] = body
    assert "at most 1000 characters" in reply["text"]
    assert stub_bot.received == []


@pytest.mark.parametrize("raw, error", [
    (b'{"sender": "u1", "message": ', "the request body is not valid JSON"),
    (b'\xff\xfe{"sender": "u1"}', "the request body is not valid UTF-8 (byte 0)"),
    (b'["hello"]', "the request body must be a JSON object"),
    (b'{"message": "hi"}', '"sender" must be a non-empty string'),
    (b'{"sender": 42, "message": "hi"}', '"sender" must be a non-empty string'),
    (b'{"sender": "u1"}', '"message" must be a string'),
    (b'{"sender": "u1", "message": {"text": "hi"}}', '"message" must be a string'),
    (b'{"sender": "u1", "message": "hi", "metadata": [1]}', '"metadata" must be a JSON object'),
    (b'{"sender": "telegram:123", "message": "hi"}', '"sender" must not start with telegram: or slack:'),
    (b'{"sender": "a\\u0000b", "message": "hi"}', '"sender" must be at most 255 printable characters'),
])
async def test_malformed_requests_get_400_with_a_clear_reason(stub_bot: StubBot, http: aiohttp.ClientSession,
                                                              raw: bytes, error: str) -> None:
    async with serve_channel(rest_channel(), stub_bot) as url:
        status, _, body = await send(http, url, raw)
    assert status == 400
    assert body["error"].startswith(error)
    assert stub_bot.received == []


async def test_oversized_body_gets_413(stub_bot: StubBot, http: aiohttp.ClientSession) -> None:
    async with serve_channel(rest_channel(), stub_bot) as url:
        status, _, body = await send(http, url, {"sender": "u1", "message": "x" * 2_000_000})
    assert status == 413
    assert "send at most 1048576" in body["error"]


async def test_rate_limited_sender_gets_429_with_retry_after_and_a_polite_message(
        stub_bot: StubBot, http: aiohttp.ClientSession) -> None:
    async with serve_channel(rest_channel(per_minute=2), stub_bot) as url:
        for _ in range(2):
            assert (await send(http, url, {"sender": "u1", "message": "hi"}))[0] == 200
        status, headers, body = await send(http, url, {"sender": "u1", "message": "hi"})
        other, _, _ = await send(http, url, {"sender": "u2", "message": "hi"})
    assert status == 429
    assert 1 <= int(headers["Retry-After"]) <= 60
    assert body == [{"recipient_id": "u1", "text": REPLIES.rate_limited}]
    assert other == 200
    assert len(stub_bot.received) == 3


async def test_lost_message_is_503_with_retry_after_never_a_silent_200(stub_bot: StubBot,
                                                                       http: aiohttp.ClientSession) -> None:
    stub_bot.fail_with = LockError("Could not acquire lock for conversation 'u1'.")
    async with serve_channel(rest_channel(), stub_bot) as url:
        status, headers, body = await send(http, url, {"sender": "u1", "message": "hi"})
    assert status == 503
    assert headers["Retry-After"] == "5"
    assert body == [{"recipient_id": "u1", "text": REPLIES.unavailable}]
    assert "temporarily unavailable" in REPLIES.unavailable


async def test_a_turn_the_bot_answers_with_silence_gets_the_unavailable_reply(
        stub_bot: StubBot, http: aiohttp.ClientSession) -> None:
    stub_bot.silent = True
    async with serve_channel(rest_channel(), stub_bot) as url:
        status, _, body = await send(http, url, {"sender": "u1", "message": "what is ecfmg certification"})
    assert status == 200
    assert body == [{"recipient_id": "u1", "text": REPLIES.unavailable}]


async def test_health_route_answers_ok(stub_bot: StubBot, http: aiohttp.ClientSession) -> None:
    async with serve_channel(rest_channel(), stub_bot) as url:
        async with http.get(f"{url}/webhooks/rest/") as reply:
            assert reply.status == 200
            assert await reply.json() == {"status": "ok"}
