"""The eligibility check through the REST channel, read back from the tracker like analytics would."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.store.db import make_session
from bot.store.user_data import EligibilityOutcome
from tests.e2e.conftest import Conversation

pytestmark = pytest.mark.e2e


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def run(conversation: Conversation, *lines: str) -> list[dict]:
    replies: list[dict] = []
    for line in lines:
        replies = conversation.say(line)
    return replies


def result(conversation: Conversation) -> tuple[str | None, list[str]]:
    slots = conversation.tracker()["slots"]
    return slots["eligibility_status"], slots["eligibility_missing"]


def test_own_words_answers_give_status_open_requirements_fees_and_links(conversation: Conversation) -> None:
    first = conversation.say("am I eligible for ECFMG certification?")
    assert "World Directory" in texts(first)
    assert [b["title"] for b in first[-1]["buttons"]] == ["Yes", "No", "Not sure"]
    replies = run(conversation, "yep", "graduated 2021", "passed it on my second try",
                  "failed once, retaking in May", "nope", "applied, still waiting", "I got 360 in all four")
    assert result(conversation) == ("in_progress", ["step2ck", "clinical_skills"])
    shown = texts(replies)
    assert "2 of the 6 requirements" in shown
    assert "Still open: USMLE Step 2 CK" in shown and "Fee: US$985 per exam (as of January 2022" in shown
    assert "Official page: [usmle.org/path-licensure](https://www.usmle.org/path-licensure)" in shown
    assert "not an official ECFMG determination" in shown
    conversation.say("actually I did pass CK")
    assert result(conversation) == ("in_progress", ["clinical_skills"])


def test_valid_step2cs_pass_is_never_asked_about_pathways_or_oet(conversation: Conversation) -> None:
    replies = run(conversation, "check my eligibility", "yes", "yes", "yes", "yes")
    assert "Step 2 CS" in texts(replies)
    replies = conversation.say("yes, I passed CS in 2019")
    assert "Pathway" not in texts(replies) and "OET" not in texts(replies)
    assert result(conversation) == ("meets_requirements", [])


def test_school_without_sponsor_note_ends_at_once(conversation: Conversation) -> None:
    run(conversation, "check my eligibility", "no, my school isn't in the world directory")
    assert result(conversation) == ("not_eligible", ["school"])


def test_unsure_is_explained_and_unclear_is_asked_again(conversation: Conversation) -> None:
    conversation.say("check my eligibility")
    unsure = texts(conversation.say("how do I check that?"))
    assert "Sponsor Notes tab" in unsure and "graduated" in unsure
    unclear = texts(conversation.say("banana"))
    assert "didn't catch that" in unclear
    assert conversation.tracker()["slots"]["graduated"] is None


def test_faq_mid_form_is_answered_and_the_question_comes_back(conversation: Conversation) -> None:
    run(conversation, "check my eligibility", "yes")
    replies = conversation.say("how much does the OET cost")
    shown = texts(replies)
    assert "Source:" in shown and "Facts as of:" in shown
    assert conversation.tracker()["slots"]["last_faq_id"] is not None
    assert replies[-1]["text"] == "Have you graduated and been awarded your final medical diploma?"
    assert conversation.tracker()["slots"]["requested_slot"] == "graduated"


def test_stop_cancels_and_the_check_can_run_again(conversation: Conversation, bot_env: dict[str, str]) -> None:
    replies = run(conversation, "check my eligibility", "yes", "never mind")
    assert "stopped the eligibility check" in texts(replies)
    assert result(conversation) == ("cancelled", [])
    run(conversation, "check my eligibility again", "no")
    assert result(conversation) == ("not_eligible", ["school"])
    with make_session(bot_env["BOT_DATABASE_URL"]) as session:
        rows = session.scalars(select(EligibilityOutcome).order_by(EligibilityOutcome.id.desc()).limit(2)).all()
        assert [(r.status, r.missing, r.channel) for r in rows] == [("not_eligible", "school", "rest"),
                                                                    ("cancelled", "", "rest")]


def test_correction_that_makes_pathway_relevant_reopens_the_check(conversation: Conversation) -> None:
    run(conversation, "check my eligibility", "yes", "yes", "yes", "yes", "yes")
    assert result(conversation) == ("meets_requirements", [])
    replies = conversation.say("actually I never passed step 2 cs")
    assert "Pathways" in replies[-1]["text"]
    run(conversation, "yes", "no")
    assert result(conversation) == ("in_progress", ["clinical_skills", "oet"])
