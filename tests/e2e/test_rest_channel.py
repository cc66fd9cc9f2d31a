"""The bot as users reach it: both servers running, messages through the REST channel."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.conftest import Conversation, run_bot_command

pytestmark = pytest.mark.e2e


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def test_greeting(conversation: Conversation) -> None:
    reply = conversation.say("hi there")
    assert "I'm ECFMG Guide" in texts(reply)
    assert conversation.last_bot_actions() == ["utter_greet"]


def test_faq_answer_shows_source_facts_date_and_related_buttons(conversation: Conversation) -> None:
    message, feedback_prompt = conversation.say("what does the ecfmg certification application cost")
    assert conversation.tracker()["slots"]["last_faq_id"] == "fee_certification_application"
    assert "US$160 (as of January 2022" in message["text"]
    assert re.search(r"\nSource: \[[^\]]+\]\(https://[^)]+\)", message["text"])
    assert re.search(r"\nFacts as of: (?:[A-Z][a-z]+ )?20\d\d \(check the linked official page for changes\)$", message["text"])
    assert message["buttons"] and all(b["payload"].startswith('/faq{"faq_id": ') for b in message["buttons"])
    assert feedback_prompt["text"] == "Did this answer help?"


def test_related_button_opens_exactly_that_entry(conversation: Conversation) -> None:
    message, _feedback_prompt = conversation.say("what is ecfmg certification")
    button = message["buttons"][0]
    follow_up, _feedback_prompt = conversation.say(button["payload"])
    expected_id = button["payload"].split('"')[3]
    assert conversation.tracker()["slots"]["last_faq_id"] == expected_id
    assert "Source:" in follow_up["text"]


def test_retired_rule_is_corrected(conversation: Conversation) -> None:
    reply = texts(conversation.say("do i still need to pass step 2 cs for ecfmg certification"))
    assert conversation.tracker()["slots"]["last_faq_id"] == "step2cs_discontinued"
    assert "2021" in reply


def test_out_of_scope_is_declined_not_answered(conversation: Conversation) -> None:
    conversation.say("can you tell me which antibiotic to take for my sore throat")
    [action] = conversation.last_bot_actions()
    assert action.startswith("utter_out_of_scope/")
    assert conversation.tracker()["slots"]["last_faq_id"] is None


def test_gibberish_gets_an_honest_fallback_with_topics(conversation: Conversation) -> None:
    reply = conversation.say("qwpoeiru zxmcnv lkjasd")
    [action] = conversation.last_bot_actions()
    assert action == "utter_no_answer" or action.startswith("utter_out_of_scope/")
    assert "Traceback" not in texts(reply)


def test_answer_and_figure_edits_go_live_without_retraining_or_restart(
        conversation: Conversation, bot_env: dict[str, str]) -> None:
    question = "how much does the sevis fee cost for a j1 physician"
    before = texts(conversation.say(question))
    assert "US$220" in before
    knowledge = Path(bot_env["BOT_KNOWLEDGE_DIR"])
    figures = knowledge / "figures.yml"
    figures.write_text(figures.read_text().replace("value: US$220", "value: US$350"))
    output = run_bot_command("load-db", env=bot_env)
    assert "No retraining needed" in output
    after = texts(conversation.say(question))
    assert "US$350" in after and "US$220" not in after


def test_missing_store_gives_a_polite_reply_and_recovers_after_load_db(
        conversation: Conversation, bot_env: dict[str, str]) -> None:
    from bot.store.db import make_session
    from bot.store.models import Base

    with make_session(bot_env["BOT_DATABASE_URL"]) as session, session.begin():
        Base.metadata.drop_all(session.get_bind())
    reply = texts(conversation.say("what is ecfmg certification"))
    assert "something went wrong on my side" in reply and "Traceback" not in reply
    run_bot_command("load-db", env=bot_env)
    conversation.say("what is ecfmg certification")
    assert conversation.tracker()["slots"]["last_faq_id"] == "what_is_ecfmg_certification"
