"""One bot: its HTTP API answers only with the token, and every channel keeps working without one."""
from __future__ import annotations

import json
import urllib.request

import pytest

from bot.api_auth import api_url
from bot.serve import RunningBot
from tests.e2e.api_calls import ApiCall, operator_calls, status_of
from tests.e2e.conftest import Conversation

pytestmark = pytest.mark.e2e

WRONG_TOKEN = "a-guess-that-is-long-enough-0123456789"


def model_id(bot: RunningBot) -> str:
    with urllib.request.urlopen(api_url(bot.url, "/status", bot.token), timeout=30) as reply:
        return json.loads(reply.read())["model_id"]


def test_without_the_token_the_api_refuses_everything_and_changes_nothing(
        running_bot: RunningBot, conversation: Conversation) -> None:
    conversation.say("how much is the ecfmg application fee")
    before, loaded = conversation.tracker(), model_id(running_bot)
    calls = operator_calls(conversation.sender)

    statuses = {str(call): (status_of(running_bot.url, call), status_of(running_bot.url, call, WRONG_TOKEN))
                for call in calls}

    assert statuses == {str(call): (401, 401) for call in calls}
    after = conversation.tracker()
    assert after["events"] == before["events"] and after["slots"]["eligibility_status"] is None
    assert model_id(running_bot) == loaded  # neither replaced nor unloaded
    assert "US$" in " ".join(m.get("text", "") for m in conversation.say("how much is the ecfmg application fee"))


def test_with_the_token_operators_read_the_tracker(running_bot: RunningBot, conversation: Conversation) -> None:
    conversation.say("hello")
    assert status_of(running_bot.url, ApiCall("GET", f"/conversations/{conversation.sender}/tracker"),
                     running_bot.token) == 200


@pytest.mark.parametrize("path", ["/", "/webhooks/rest/", "/chat", "/chat/health", "/chat/static/widget.js",
                                  "/socket.io/?EIO=4&transport=polling"])
def test_channels_and_health_checks_need_no_token(running_bot: RunningBot, path: str) -> None:
    assert status_of(running_bot.url, ApiCall("GET", path)) == 200
