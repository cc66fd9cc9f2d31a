"""Telegram, Slack and bad REST input through the trained bot, with the platform APIs faked on 127.0.0.1."""
from __future__ import annotations

import hashlib
import hmac
import json
import random
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlencode

import pytest

from bot.serve import RunningBot, fetch_tracker
from tests.e2e.conftest import SLACK_SIGNING_SECRET, TELEGRAM_SECRET
from tests.fake_platform import Call, FakePlatform

pytestmark = pytest.mark.e2e

QUESTION = "what is ecfmg certification"
QUESTION_ENTRY = "what_is_ecfmg_certification"


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
    request = urllib.request.Request(url, body, headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"null")


def tracker(bot: RunningBot, sender: str) -> dict:
    return fetch_tracker(bot.url, sender)


# Telegram ---------------------------------------------------------------------------------------

def telegram(bot: RunningBot, update: dict, secret: str = TELEGRAM_SECRET) -> tuple[int, Any]:
    return post(f"{bot.url}/webhooks/telegram/webhook", json.dumps(update).encode(),
                {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret})


def telegram_text(chat_id: int, text: str) -> dict:
    return {"update_id": random.randrange(1 << 30), "message": {
        "message_id": 1, "date": int(time.time()), "text": text,
        "from": {"id": chat_id, "is_bot": False, "first_name": "Amina"}, "chat": {"id": chat_id, "type": "private"}}}


def sent_to(fake: FakePlatform, chat_id: int, count: int = 1) -> list[Call]:
    return fake.wait_for("sendMessage", count, where=lambda c: c.params.get("chat_id") == chat_id)


def test_telegram_question_gets_the_sourced_answer_with_an_inline_keyboard(
        running_bot: RunningBot, fake_telegram: FakePlatform) -> None:
    chat = random.randrange(10**9)
    assert telegram(running_bot, telegram_text(chat, QUESTION)) == (200, {"ok": True})
    answer, feedback = sent_to(fake_telegram, chat, 2)
    assert feedback.params["text"] == "Did this answer help?"
    assert [row[0]["callback_data"] for row in feedback.params["reply_markup"]["inline_keyboard"]] == [
        f"e:rate_answer_helpful:{QUESTION_ENTRY}", f"e:rate_answer_unhelpful:{QUESTION_ENTRY}"]
    assert answer.params["parse_mode"] == "HTML"
    assert '\nSource: <a href="https://' in answer.params["text"]
    keyboard = answer.params["reply_markup"]["inline_keyboard"]
    assert keyboard and all(row[0]["callback_data"].startswith("f:") for row in keyboard)
    assert tracker(running_bot, f"telegram:{chat}")["slots"]["last_faq_id"] == QUESTION_ENTRY


def test_telegram_button_press_is_acknowledged_and_opens_that_entry(
        running_bot: RunningBot, fake_telegram: FakePlatform) -> None:
    chat = random.randrange(10**9)
    telegram(running_bot, telegram_text(chat, QUESTION))
    answer = sent_to(fake_telegram, chat, 2)[0]
    data = answer.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    press = {"update_id": random.randrange(1 << 30), "callback_query": {
        "id": f"cb-{chat}", "chat_instance": "1", "data": data, "from": {"id": chat, "is_bot": False, "first_name": "A"},
        "message": {"message_id": 2, "date": int(time.time()), "chat": {"id": chat, "type": "private"}}}}
    assert telegram(running_bot, press)[0] == 200
    acks = fake_telegram.wait_for("answerCallbackQuery", where=lambda c: c.params == {"callback_query_id": f"cb-{chat}"})
    assert len(acks) == 1
    follow_up = sent_to(fake_telegram, chat, 4)[2]  # each answer comes with its 👍/👎 prompt
    assert "Source:" in follow_up.params["text"]
    assert tracker(running_bot, f"telegram:{chat}")["slots"]["last_faq_id"] == data.removeprefix("f:")


@pytest.mark.parametrize("typed", ["/eligibility_form", '/faq{"x":1}', "/start", "<b>hi</b> & <script>x</script>"])
def test_telegram_odd_input_gets_a_sensible_reply(running_bot: RunningBot, fake_telegram: FakePlatform,
                                                  typed: str) -> None:
    chat = random.randrange(10**9)
    assert telegram(running_bot, telegram_text(chat, typed))[0] == 200
    replies = sent_to(fake_telegram, chat)  # "/eligibility_form" is read as text and starts the check
    assert replies and all(r.params["text"] and "went wrong" not in r.params["text"] for r in replies)


def test_telegram_wrong_secret_is_rejected(running_bot: RunningBot) -> None:
    assert telegram(running_bot, telegram_text(1, "hi"), secret="guess")[0] == 403


# Slack ------------------------------------------------------------------------------------------

def slack(bot: RunningBot, path: str, body: bytes, content_type: str) -> tuple[int, Any]:
    stamp = str(int(time.time()))
    signature = hmac.new(SLACK_SIGNING_SECRET.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256).hexdigest()
    return post(f"{bot.url}/webhooks/slack/{path}", body, {
        "Content-Type": content_type, "X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={signature}"})


def test_slack_mention_is_answered_in_its_thread_and_a_button_opens_that_entry(
        running_bot: RunningBot, fake_slack: FakePlatform) -> None:
    channel, ts = f"C{random.randrange(10**9)}", f"{time.time():.6f}"
    envelope = {"type": "event_callback", "team_id": "T0E2E", "event_id": f"Ev{channel}",
                "authorizations": [{"user_id": "UBOT", "is_bot": True}],
                "event": {"type": "app_mention", "user": "U0AMINA", "text": f"<@UBOT> {QUESTION}",
                          "ts": ts, "channel": channel}}
    assert slack(running_bot, "webhook", json.dumps(envelope).encode(), "application/json") == (200, {"ok": True})
    answer, feedback = fake_slack.wait_for("chat.postMessage", 2, where=lambda c: c.params.get("channel") == channel)
    assert feedback.params["text"] == "Did this answer help?" and feedback.params["thread_ts"] == ts
    assert answer.params["thread_ts"] == ts
    assert "\nSource: <https://" in answer.params["text"]
    sender = f"slack:T0E2E:{channel}:{ts}"
    assert tracker(running_bot, sender)["slots"]["last_faq_id"] == QUESTION_ENTRY

    button = next(b for b in answer.params["blocks"] if b["type"] == "actions")["elements"][0]
    press = {"type": "block_actions", "team": {"id": "T0E2E"}, "user": {"id": "U0AMINA"},
             "channel": {"id": channel}, "message": {"ts": f"{time.time():.6f}", "thread_ts": ts, "bot_id": "B1"},
             "container": {"type": "message", "channel_id": channel},
             "actions": [{"type": "button", "action_id": button["action_id"], "value": button["value"]}]}
    form = urlencode({"payload": json.dumps(press)}).encode()
    assert slack(running_bot, "interactive", form, "application/x-www-form-urlencoded")[0] == 200
    follow_up = fake_slack.wait_for("chat.postMessage", 4, where=lambda c: c.params.get("channel") == channel)[2]
    assert follow_up.params["thread_ts"] == ts
    assert tracker(running_bot, sender)["slots"]["last_faq_id"] == button["value"].removeprefix("f:")


def test_slack_unsigned_event_is_rejected(running_bot: RunningBot) -> None:
    status, _ = post(f"{running_bot.url}/webhooks/slack/webhook", b'{"type": "url_verification", "challenge": "x"}',
                     {"Content-Type": "application/json"})
    assert status == 401


# REST -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "", "   \n ", "how much is the fee " * 5000, "fee\x00\x07 for step\x1b 1", "👍👍 رسوم الامتحان 考试费用",
    "<script>alert(1)</script>", "'; DROP TABLE events; --", '/faq{"x":1}', "/eligibility_form",
    '/faq{"faq_id": "no_such_entry"}',
])
def test_rest_bad_input_never_5xx_and_gets_a_sensible_reply(running_bot: RunningBot, text: str) -> None:
    sender = f"e2e-bad-{random.randrange(10**9)}"
    status, reply = post(f"{running_bot.url}/webhooks/rest/webhook",
                         json.dumps({"sender": sender, "message": text}).encode(), {"Content-Type": "application/json"})
    assert status == 200
    assert reply and all(m["recipient_id"] == sender for m in reply)
    said = " ".join(m.get("text", "") for m in reply)
    assert said.strip() and "went wrong" not in said and "Traceback" not in said


@pytest.mark.parametrize("body", [b'{"sender": "x", "message": ', b"\xff\xfe\xfa", b'{"sender": "x"}', b"[]"])
def test_rest_malformed_request_is_400_with_a_reason(running_bot: RunningBot, body: bytes) -> None:
    status, reply = post(f"{running_bot.url}/webhooks/rest/webhook", body, {"Content-Type": "application/json"})
    assert status == 400 and reply["error"]
