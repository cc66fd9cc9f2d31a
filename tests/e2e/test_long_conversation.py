"""A long conversation runs over several sessions (bot/nlu/session_length.py) without the user noticing."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.serve import RunningBot, free_port, start_bot
from tests.e2e.conftest import Conversation, store_env

pytestmark = pytest.mark.e2e

ENTRIES = ["fee_certification_application", "step1_pass_fail", "j1_waiver", "oet_requirement",
           "statement_of_need", "pathways_overview", "eras_token", "contact_ecfmg"]


@pytest.fixture(scope="module")
def unlimited_bot(bot_env: dict[str, str], e2e_dir: Path) -> Iterator[RunningBot]:
    """A bot without the per-sender rate limit: this user sends 30 messages in well under a minute."""
    env = {**store_env(bot_env), "BOT_MESSAGES_PER_MINUTE": "0"}
    bot = start_bot(free_port(), free_port(), e2e_dir / "long-conversation", env=env)
    yield bot
    bot.stop()


def ask(conversation: Conversation, entry_id: str) -> list[dict]:
    return conversation.say('/faq{"faq_id": "%s"}' % entry_id)


def test_answers_and_results_carry_across_session_starts(unlimited_bot: RunningBot) -> None:
    conversation = Conversation(unlimited_bot)
    conversation.say("hi")
    for entry_id in ENTRIES[:4]:
        ask(conversation, entry_id)
    # An eligibility check that runs past the event limit is not cut off in the middle.
    for line in ("check my eligibility", "yes", "yes", "yes", "yes"):
        conversation.say(line)
    conversation.say("yes, I passed CS in 2019")
    assert conversation.tracker()["slots"]["eligibility_status"] == "meets_requirements"
    for entry_id in ENTRIES * 2:
        reply = ask(conversation, entry_id)
        assert "Source:" in reply[0]["text"] and reply[-1]["text"] == "Did this answer help?"
        assert conversation.tracker()["slots"]["last_faq_id"] == entry_id

    tracker = conversation.tracker()
    events = tracker["events"]
    kinds = [e["event"] if e["event"] != "active_loop" else f"loop:{e.get('name')}" for e in events]
    assert kinds.count("session_started") >= 3
    form_start = kinds.index("loop:eligibility_form")
    form_end = kinds.index("loop:None", form_start)
    assert "session_started" not in kinds[form_start:form_end]  # no session ends inside the form
    # The result of the check survives every session start, and a typed 👍 still reaches the last entry.
    assert tracker["slots"]["eligibility_status"] == "meets_requirements"
    assert conversation.say("/rate_answer_helpful")[0]["text"].startswith("Thanks for the feedback!")
    assert conversation.tracker()["slots"]["last_faq_id"] == ENTRIES[-1]
