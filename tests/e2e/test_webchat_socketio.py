"""The website widget's socket.io channel against the running bot: sessions, answers and bad input."""
from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from bot.channels.guard import Limits
from bot.channels.replies import load_replies
from bot.serve import RunningBot, fetch_tracker
from tests.e2e.webchat_client import WidgetClient, texts

pytestmark = pytest.mark.e2e

ISSUED_SESSION = re.compile(r"[0-9a-f]{32}")
REPLIES = load_replies()
MAX_CHARS = Limits.from_env().max_chars


@pytest.fixture
def no_server_errors(running_bot: RunningBot) -> Iterator[None]:
    """Fails the test if the bot logged a traceback or an error while it ran."""
    log = running_bot.log_dir / "rasa.log"
    start = log.stat().st_size
    yield
    assert running_bot.processes[1].poll() is None, f"rasa exited; see {log}"
    with log.open("rb") as handle:
        handle.seek(start)
        new = handle.read().decode("utf-8", "replace")
    assert "Traceback" not in new and " ERROR " not in new, new[-3000:]


@pytest.fixture
async def client(running_bot: RunningBot, no_server_errors: None) -> AsyncIterator[WidgetClient]:
    widget = WidgetClient(running_bot.url)
    await widget.connect()
    yield widget
    await widget.close()


def tracker(bot: RunningBot, sender: str) -> dict[str, Any]:
    return fetch_tracker(bot.url, sender)


async def test_a_new_session_is_issued_and_a_reconnect_continues_it(running_bot: RunningBot,
                                                                    client: WidgetClient) -> None:
    assert ISSUED_SESSION.fullmatch(client.session_id or "")
    await client.say("what is ecfmg certification")
    again = WidgetClient(running_bot.url)
    assert await again.connect({"session_id": client.session_id}) == client.session_id
    reply = await again.say("how much is the ecfmg application fee")
    await again.close()
    assert "US$160" in texts(reply)
    user_events = [e for e in tracker(running_bot, client.session_id)["events"] if e["event"] == "user"]
    assert [e["text"] for e in user_events] == ["what is ecfmg certification",
                                                "how much is the ecfmg application fee"]
    assert {e["input_channel"] for e in user_events} == {"webchat"}


@pytest.mark.parametrize("payload", [None, 42, "abc", [1], {}, {"session_id": 5}, {"session_id": "alice"},
                                     {"session_id": "x" * 500}, {"session_id": "../../etc/passwd"}])
async def test_a_bad_session_request_gets_a_fresh_session(client: WidgetClient, payload: Any) -> None:
    session_id = await client.request_session(payload)
    assert ISSUED_SESSION.fullmatch(session_id)
    assert "US$160" in texts(await client.say("how much is the ecfmg application fee"))


async def test_an_answer_arrives_as_one_message_with_its_source_and_buttons(client: WidgetClient) -> None:
    message, feedback = await client.say("how much is the ecfmg application fee")
    assert feedback["text"] == "Did this answer help?"
    assert [b["payload"] for b in feedback["quick_replies"]] == [
        '/rate_answer_helpful{"faq_id": "fee_certification_application"}',
        '/rate_answer_unhelpful{"faq_id": "fee_certification_application"}']
    assert "US$160" in message["text"]
    assert re.search(r"\n\nSource: \[[^\]]+\]\(https://[^)]+\).*\nFacts as of: (?:[A-Z][a-z]+ )?20\d\d \(check .*\)$", message["text"])
    assert message["quick_replies"] and all(b["payload"].startswith('/faq{"faq_id": ') and b["title"]
                                            for b in message["quick_replies"])


@pytest.mark.parametrize("text, expected", [
    ("", REPLIES.empty),
    ("   \n\t  ", REPLIES.empty),
    ("\x00\x01\x1b", REPLIES.empty),
    ("a" * 100_000, REPLIES.too_long.format(max_chars=MAX_CHARS)),
])
async def test_empty_and_over_long_messages_get_a_polite_reply(client: WidgetClient, text: str,
                                                               expected: str) -> None:
    [message] = await client.say(text)
    assert message["text"] == expected


async def test_control_characters_are_cleaned_and_the_question_answered(running_bot: RunningBot,
                                                                        client: WidgetClient) -> None:
    reply = await client.say("how much is the ecfmg\x00 application\x1b fee\u202e")
    assert "US$160" in texts(reply)
    [event] = [e for e in tracker(running_bot, client.session_id)["events"] if e["event"] == "user"]
    assert event["text"] == "how much is the ecfmg  application  fee"


@pytest.mark.parametrize("text", [
    "رسوم الامتحان 考试费用 👍🏽",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "'; DROP TABLE events; --",
    "1 OR 1=1; SELECT * FROM users",
    '/faq{"x":1}',
    '/faq{"faq_id": "no_such_entry"}',
    "/eligibility_form",
    "/restart",
    "/session_start",
    "/back{{{",
])
async def test_odd_text_gets_a_sensible_reply(client: WidgetClient, text: str) -> None:
    reply = texts(await client.say(text))
    assert reply.strip() and REPLIES.unavailable not in reply and "Traceback" not in reply
    assert text not in reply  # nothing the user typed is echoed back


async def test_a_typed_payload_is_read_as_words_and_a_button_payload_as_the_entry(running_bot: RunningBot,
                                                                                  client: WidgetClient) -> None:
    payload = '/faq{"faq_id": "fees_overview"}'
    await client.say(payload)
    typed = [e for e in tracker(running_bot, client.session_id)["events"] if e["event"] == "user"][-1]
    assert typed["text"] == payload.removeprefix("/")
    reply = await client.send({"message": payload, "button": True})
    assert "Source: " in texts(reply)
    assert tracker(running_bot, client.session_id)["slots"]["last_faq_id"] == "fees_overview"


@pytest.mark.parametrize("payload", [
    None, 42, "how much is the fee", ["how much is the fee"], {}, {"message": None}, {"message": 123},
    {"message": ["how much is the fee"]}, {"message": {"text": "how much is the fee"}},
    ({"message": "how much is the fee"}, "a second argument"),
])
async def test_malformed_payloads_get_a_polite_reply(client: WidgetClient, payload: Any) -> None:
    [message] = await client.send(payload)
    assert message["text"] == REPLIES.not_text


async def test_unreadable_metadata_and_a_foreign_session_id_are_ignored(running_bot: RunningBot,
                                                                        client: WidgetClient) -> None:
    other = "f" * 32
    reply = await client.send({"message": "how much is the ecfmg application fee",
                               "session_id": other, "metadata": "{not json"})
    assert "US$160" in texts(reply)
    assert [e["event"] for e in tracker(running_bot, other)["events"] if e["event"] == "user"] == []


async def test_a_sender_over_the_rate_limit_is_asked_to_wait_then_others_still_get_answers(
        running_bot: RunningBot, client: WidgetClient) -> None:
    per_minute = Limits.from_env().messages_per_minute
    assert per_minute > 0, "BOT_MESSAGES_PER_MINUTE=0 switches the limit off; unset it for this test"
    for _ in range(per_minute):
        await client.say("")  # cheap: rejected as empty, but counted
    [message] = await client.say("how much is the ecfmg application fee")
    assert message["text"] == REPLIES.rate_limited
    other = WidgetClient(running_bot.url)
    await other.connect()
    assert "US$160" in texts(await other.say("how much is the ecfmg application fee"))
    await other.close()


class PollingSocket:
    """socket.io spoken by hand over Engine.IO long polling, to send packets no client library would."""

    def __init__(self, url: str) -> None:
        self.base = f"{url}/socket.io/?EIO=4&transport=polling"
        handshake = self._request("GET", self.base).decode()
        self.base += f"&sid={json.loads(handshake[1:])['sid']}"

    def _request(self, method: str, url: str, body: bytes | None = None) -> bytes:
        request = urllib.request.Request(url, body, {"Content-Type": "text/plain;charset=UTF-8"}, method=method)
        with urllib.request.urlopen(request, timeout=60) as reply:  # raises HTTPError on 4xx/5xx
            assert reply.status == 200
            return reply.read()

    def post(self, body: bytes) -> None:
        self._request("POST", self.base, body)

    def packets(self) -> list[str]:
        return self._request("GET", self.base).decode().split("\x1e")


def test_malformed_socketio_packets_are_ignored_and_the_session_goes_on(running_bot: RunningBot) -> None:
    sock = PollingSocket(running_bot.url)
    sock.post(b"40")
    assert sock.packets()[0].startswith("40")
    sock.post(b'42["session_request"]')
    for junk in [b'42["user_uttered",{bad json', '42["user_uttered",{"message":"\xff"}]'.encode("latin-1"),
                 b"42", b"4", b"zzzz", b'42["no_such_event",1]', b"\xff\xfe\xfd"]:
        sock.post(junk)  # 200, or HTTPError fails the test
    sock.post(b'42["user_uttered",{"message":"how much is the ecfmg application fee"}]')
    received = []
    while not any(p.startswith('42["reply_complete"') for p in received):
        received += sock.packets()
    assert any("US$160" in p for p in received if p.startswith('42["bot_uttered"'))
    assert running_bot.processes[1].poll() is None


def handshake_status(bot: RunningBot, origin: str) -> int:
    request = urllib.request.Request(f"{bot.url}/socket.io/?EIO=4&transport=polling", headers={"Origin": origin})
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status
    except urllib.error.HTTPError as err:
        return err.code


def test_only_the_bots_own_pages_may_connect_unless_origins_are_configured(running_bot: RunningBot) -> None:
    assert handshake_status(running_bot, running_bot.url) == 200
    assert handshake_status(running_bot, "https://elsewhere.example") == 400  # BOT_WIDGET_ORIGINS is unset
