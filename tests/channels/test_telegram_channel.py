"""Telegram connector against a fake Bot API on 127.0.0.1."""
from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest
from rasa.core.lock_store import LockError

from bot.channels.guard import Limits
from bot.channels.replies import load_replies
from bot.channels.settings import TelegramSettings
from bot.channels.telegram import SECRET_HEADER, TelegramInput
from bot.channels.telegram_setup import register_webhook
from bot.cli import main
from bot.errors import ConfigError
from tests.channels.conftest import StubBot, post, serve_channel
from tests.fake_platform import FakePlatform

SECRET = "s3cret-token_ABC"
TOKEN = "123456:TEST-token"
REPLIES = load_replies()


def telegram_channel(fake: FakePlatform, per_minute: int = 20, max_chars: int = 1000) -> TelegramInput:
    settings = TelegramSettings(TOKEN, SECRET, api_url=fake.url)
    return TelegramInput(settings, Limits(max_chars=max_chars, messages_per_minute=per_minute), REPLIES)


def text_update(text: str, update_id: int = 1, chat_id: int = 4242, chat_type: str = "private") -> dict[str, Any]:
    return {"update_id": update_id, "message": {
        "message_id": 7, "date": 1764576000, "text": text,
        "from": {"id": chat_id, "is_bot": False, "first_name": "Amina"},
        "chat": {"id": chat_id, "type": chat_type}}}


def callback_update(data: str, update_id: int = 2, chat_id: int = 4242) -> dict[str, Any]:
    return {"update_id": update_id, "callback_query": {
        "id": "cbq-1", "chat_instance": "99", "data": data,
        "from": {"id": chat_id, "is_bot": False, "first_name": "Amina"},
        "message": {"message_id": 8, "date": 1764576000, "chat": {"id": chat_id, "type": "private"}, "text": "…"}}}


async def deliver(http: aiohttp.ClientSession, url: str, update: dict | bytes,
                  secret: str | None = SECRET) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    body = update if isinstance(update, bytes) else json.dumps(update).encode()
    status, _, reply = await post(http, f"{url}/webhooks/telegram/webhook", body, headers)
    return status, reply


async def test_update_in_send_message_out_with_html_text_and_inline_keyboard(
        fake_api: FakePlatform, stub_bot: StubBot, http: aiohttp.ClientSession) -> None:
    async with serve_channel(telegram_channel(fake_api), stub_bot) as url:
        status, _ = await deliver(http, url, text_update("how much is the application fee"))
    assert status == 200
    [message] = stub_bot.received
    assert (message.text, message.sender_id, message.input_channel) == \
        ("how much is the application fee", "telegram:4242", "telegram")
    [call] = fake_api.calls_of("sendMessage")
    assert call.path == f"/bot{TOKEN}/sendMessage"
    assert call.params == {
        "chat_id": 4242, "parse_mode": "HTML", "link_preview_options": {"is_disabled": True},
        "text": ("The ECFMG application costs US$160 &amp; is paid once &lt;online&gt;.\n\n"
                 'Source: <a href="https://www.ecfmg.org/fees/?a=1&amp;b=2">ecfmg.org/fees</a>\n'
                 "Checked: 1 November 2026"),
        "reply_markup": {"inline_keyboard": [
            [{"text": "How long does certification take?", "callback_data": "f:certification_timeline"}],
            [{"text": "Start the eligibility check", "callback_data": "p:/eligibility_form"}]]}}


async def test_callback_query_is_answered_then_its_payload_processed(
        fake_api: FakePlatform, stub_bot: StubBot, http: aiohttp.ClientSession) -> None:
    async with serve_channel(telegram_channel(fake_api), stub_bot) as url:
        status, _ = await deliver(http, url, callback_update("f:certification_timeline"))
    assert status == 200
    assert stub_bot.texts == ['/faq{"faq_id": "certification_timeline"}']
    assert [c.method for c in fake_api.calls] == ["answerCallbackQuery", "sendMessage"]
    assert fake_api.calls[0].params == {"callback_query_id": "cbq-1"}
    assert fake_api.calls[1].params["chat_id"] == 4242


async def test_forged_callback_data_is_read_as_text_not_as_a_payload(
        fake_api: FakePlatform, stub_bot: StubBot, http: aiohttp.ClientSession) -> None:
    async with serve_channel(telegram_channel(fake_api), stub_bot) as url:
        await deliver(http, url, callback_update("/restart"))
    assert stub_bot.texts == ["restart"]


@pytest.mark.parametrize("secret, status", [(None, 401), ("wrong-secret", 403), (SECRET + "x", 403), ("", 403)])
async def test_missing_or_wrong_secret_is_rejected_and_nothing_processed(
        fake_api: FakePlatform, stub_bot: StubBot, http: aiohttp.ClientSession, secret: str | None,
        status: int) -> None:
    async with serve_channel(telegram_channel(fake_api), stub_bot) as url:
        got, body = await deliver(http, url, text_update("hi"), secret=secret)
    assert got == status
    assert body == {"error": f"missing or wrong {SECRET_HEADER} header"}
    assert stub_bot.received == [] and fake_api.calls == []


@pytest.mark.parametrize("raw", [b"{not json", b"\xff\xfe\x00", b"[1, 2]", b""])
async def test_malformed_body_is_400(fake_api: FakePlatform, stub_bot: StubBot, http: aiohttp.ClientSession,
                                     raw: bytes) -> None:
    async with serve_channel(telegram_channel(fake_api), stub_bot) as url:
        status, body = await deliver(http, url, raw)
    assert status == 400
    assert "error" in body
    assert stub_bot.received == []


@pytest.mark.parametrize("update", [
    {"update_id": 10, "edited_message": text_update("edited")["message"]},
    {"update_id": 11, "message": {**text_update("")["message"], "text": None,
                                  "new_chat_members": [{"id": 1, "is_bot": False, "first_name": "B"}],
                                  "chat": {"id": -100, "type": "group"}}},
    {"update_id": 12, "message": {**text_update("")["message"], "text": None, "sticker": {"file_id": "x"},
                                  "chat": {"id": -100, "type": "supergroup"}}},
    {"update_id": 13, "my_chat_member": {"chat": {"id": 4242}}},
    {"update_id": 14, "something_new_from_telegram": {"x": 1}},
    {"update_id": 15},
    {"update_id": 16, "message": "not an object"},
    {"update_id": 17, "message": {"text": "hi", "chat": {"id": True}}},
    {"update_id": 18, "callback_query": {"id": "c", "data": "f:x"}},
    {"update_id": 19, "message": {**text_update("hi")["message"], "from": {"id": 9, "is_bot": True}}},
])
async def test_updates_it_does_not_handle_get_200_and_no_reply(
        fake_api: FakePlatform, stub_bot: StubBot, http: aiohttp.ClientSession, update: dict) -> None:
    async with serve_channel(telegram_channel(fake_api), stub_bot) as url:
        status, body = await deliver(http, url, update)
    assert status == 200
    assert body["ok"] is True and body["ignored"]
    assert stub_bot.received == [] and fake_api.calls == []


async def test_sticker_or_photo_in_a_private_chat_gets_told_to_type(
        fake_api: FakePlatform, stub_bot: StubBot, http: aiohttp.ClientSession) -> None:
    update = {"update_id": 20, "message": {**text_update("")["message"], "text": None,
                                           "photo": [{"file_id": "p", "width": 1, "height": 1}]}}
    async with serve_channel(telegram_channel(fake_api), stub_bot) as url:
        status, _ = await deliver(http, url, update)
    assert status == 200
    [call] = fake_api.calls_of("sendMessage")
    assert call.params == {"chat_id": 4242, "text": REPLIES.not_text}
    assert stub_bot.received == []


async def test_redelivered_update_is_processed_once(fake_api: FakePlatform, stub_bot: StubBot,
                                                    http: aiohttp.ClientSession) -> None:
    async with serve_channel(telegram_channel(fake_api), stub_bot) as url:
        for _ in range(2):
            assert (await deliver(http, url, text_update("hi", update_id=77)))[0] == 200
    assert len(stub_bot.received) == 1
    assert len(fake_api.calls_of("sendMessage")) == 1


@pytest.mark.parametrize("typed, seen", [
    ("/start", "/greet"),
    ("/start@ecfmg_guide_bot", "/greet"),
    ("/help", "/ask_capabilities"),
    ("/eligibility_form", "eligibility_form"),
    ('/faq{"faq_id": "fees_overview"}', 'faq{"faq_id": "fees_overview"}'),
    ("//restart", "restart"),
])
async def test_typed_commands_map_to_intents_and_typed_payloads_are_read_as_text(
        fake_api: FakePlatform, stub_bot: StubBot, http: aiohttp.ClientSession, typed: str, seen: str) -> None:
    async with serve_channel(telegram_channel(fake_api), stub_bot) as url:
        await deliver(http, url, text_update(typed))
    assert stub_bot.texts == [seen]


@pytest.mark.parametrize("text, reply", [
    ("   ", REPLIES.empty),
    ("/", REPLIES.empty),
    ("x" * 4000, REPLIES.too_long.format(max_chars=1000)),
])
async def test_empty_or_too_long_text_gets_a_polite_reply(
        fake_api: FakePlatform, stub_bot: StubBot, http: aiohttp.ClientSession, text: str, reply: str) -> None:
    async with serve_channel(telegram_channel(fake_api), stub_bot) as url:
        status, _ = await deliver(http, url, text_update(text))
    assert status == 200
    assert stub_bot.received == []
    [call] = fake_api.calls_of("sendMessage")
    assert call.params["text"] == reply


async def test_rate_limited_chat_is_told_to_wait(fake_api: FakePlatform, stub_bot: StubBot,
                                                 http: aiohttp.ClientSession) -> None:
    async with serve_channel(telegram_channel(fake_api, per_minute=1), stub_bot) as url:
        await deliver(http, url, text_update("hi", update_id=1))
        await deliver(http, url, text_update("hi again", update_id=2))
    assert stub_bot.texts == ["hi"]
    assert fake_api.calls_of("sendMessage")[-1].params["text"] == REPLIES.rate_limited


async def test_failing_bot_gets_the_user_an_apology_and_telegram_a_200(
        fake_api: FakePlatform, stub_bot: StubBot, http: aiohttp.ClientSession) -> None:
    stub_bot.fail_with = LockError("Could not acquire lock")
    async with serve_channel(telegram_channel(fake_api), stub_bot) as url:
        status, _ = await deliver(http, url, text_update("hi"))
    assert status == 200
    [call] = fake_api.calls_of("sendMessage")
    assert call.params["text"] == REPLIES.unavailable


async def test_long_answer_is_split_into_messages_telegram_accepts(
        fake_api: FakePlatform, stub_bot: StubBot, http: aiohttp.ClientSession) -> None:
    paragraph = "Word " * 180 + "[the fee page](https://www.ecfmg.org/fees/)."
    stub_bot.answer_text = "\n\n".join([paragraph] * 12)
    async with serve_channel(telegram_channel(fake_api), stub_bot) as url:
        await deliver(http, url, text_update("tell me everything"))
    calls = fake_api.calls_of("sendMessage")
    assert len(calls) == 3
    assert all(len(c.params["text"]) <= 4096 for c in calls)
    assert sum(c.params["text"].count('<a href="https://www.ecfmg.org/fees/">the fee page</a>') for c in calls) == 12
    assert ["reply_markup" in c.params for c in calls] == [False, False, True]


async def test_answer_telegram_cannot_parse_is_resent_as_plain_text(
        fake_api: FakePlatform, stub_bot: StubBot, http: aiohttp.ClientSession) -> None:
    fake_api.answer_next("sendMessage", 400, {"ok": False, "error_code": 400,
                                              "description": "Bad Request: can't parse entities"})
    async with serve_channel(telegram_channel(fake_api), stub_bot) as url:
        await deliver(http, url, text_update("hi"))
    first, second = fake_api.calls_of("sendMessage")
    assert "parse_mode" not in second.params
    assert second.params["text"].startswith("The ECFMG application costs US$160 & is paid once <online>.")
    assert "ecfmg.org/fees (https://www.ecfmg.org/fees/?a=1&b=2)" in second.params["text"]
    assert second.params["reply_markup"] == first.params["reply_markup"]


async def test_unreachable_api_is_logged_and_telegram_still_gets_200(stub_bot: StubBot,
                                                                     http: aiohttp.ClientSession) -> None:
    nowhere = FakePlatform()  # never started: nothing listens on its port
    async with serve_channel(telegram_channel(nowhere), stub_bot) as url:
        status, _ = await deliver(http, url, text_update("hi"))
    assert status == 200
    assert stub_bot.texts == ["hi"]


async def test_register_webhook_sends_url_secret_and_update_kinds(fake_api: FakePlatform) -> None:
    settings = TelegramSettings(TOKEN, SECRET, fake_api.url, "https://bot.example.org/webhooks/telegram/webhook")
    said = await register_webhook(settings)
    [call] = fake_api.calls_of("setWebhook")
    assert call.params == {"url": "https://bot.example.org/webhooks/telegram/webhook", "secret_token": SECRET,
                           "allowed_updates": ["message", "callback_query"]}
    assert said == "Telegram now sends this bot's updates to https://bot.example.org/webhooks/telegram/webhook"


async def test_register_webhook_reports_telegram_refusing(fake_api: FakePlatform) -> None:
    fake_api.answer_next("setWebhook", 401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
    settings = TelegramSettings(TOKEN, SECRET, fake_api.url, "https://bot.example.org/webhooks/telegram/webhook")
    with pytest.raises(ConfigError) as err:
        await register_webhook(settings)
    assert str(err.value) == ("Telegram refused the webhook: Unauthorized. Check TELEGRAM_BOT_TOKEN (from "
                              "@BotFather) and that TELEGRAM_WEBHOOK_URL is reachable over HTTPS.")


async def test_cli_telegram_webhook_uses_the_environment(fake_api: FakePlatform, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TELEGRAM_SECRET_TOKEN", SECRET)
    monkeypatch.setenv("TELEGRAM_WEBHOOK_URL", "https://bot.example.org/webhooks/telegram/webhook")
    monkeypatch.setenv("TELEGRAM_API_URL", fake_api.url)
    assert await asyncio.to_thread(main, ["telegram-webhook"]) == 0
    assert fake_api.calls_of("setWebhook")[0].path == f"/bot{TOKEN}/setWebhook"
    assert "Telegram now sends this bot's updates to https://bot.example.org" in capsys.readouterr().out


def test_cli_telegram_webhook_without_a_token_says_what_to_set(monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert main(["telegram-webhook"]) == 1
    assert capsys.readouterr().out.startswith("ERROR: TELEGRAM_BOT_TOKEN is not set. Set it to the token @BotFather")


@pytest.mark.parametrize("update", [
    {"update_id": "not a number", "message": {"chat": [], "from": 3, "text": 5}},
    {"message": {"chat": {"id": 5, "type": "private"}, "from": "someone", "text": ["hi"]}},
    {"callback_query": {"id": 1, "message": "m", "data": None}},
    {"callback_query": "pressed"},
    {"message": {"chat": {"id": ""}, "text": "hi"}},
])
async def test_updates_of_any_shape_never_get_a_5xx(fake_api: FakePlatform, stub_bot: StubBot,
                                                    http: aiohttp.ClientSession, update: dict) -> None:
    async with serve_channel(telegram_channel(fake_api), stub_bot) as url:
        status, body = await deliver(http, url, update)
    assert status == 200 and body["ignored"]
    assert stub_bot.received == []
