"""Openers that ask about the writer's own standing start the check; questions about other eligibility do not."""
from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.eligibility_opener import EligibilityOpener, OpenerPatterns

PATTERNS = OpenerPatterns.load()


@pytest.mark.parametrize("text", [
    "do I qualify?",
    "check me pls",
    "Can I get certified now?",
    "2020 grad, step 1 and step 2 ck both passed. Do I qualify?",
    "Salam, I want to know where I stand for the ECFMG certificate",
    "hey, trying to figure out if I'm done with the ECFMG stuff or what's still left",
    "Hello doctor, please tell me if I am ok for ECFMG certification or something is missing",
    "Passed Step 1 and CK. eligible?",
    "Do I meet ECFMG requirements?",
    "me eligible for ecfmg cert??",
    "Am I eligible for ECFMG certification? I took CS back in 2019",
    "my university isn't in the World Directory, am I still eligible?",
    "not sure if I meet the ECFMG requirements yet",
    "can I apply for residency yet?",
    "this bot can check ECFMG eligibility right? can you check mine pls",
    "Hello, I am from Kenya. Want to know my ECFMG eligibility.",
    "need to check eligibilty for ecfmg pls",
    "I want know if I can apply to ECFMG",
    "eligibility check please",
])
def test_openers_about_own_standing(text: str) -> None:
    assert PATTERNS.asks_own_eligibility(text)


@pytest.mark.parametrize("text", [
    "am I eligible for a J-1 visa through ECFMG?",
    "do I qualify for pathway 1 with my license?",
    "am I eligible to take step 1 before graduating?",
    "how can I get certified?",
    "what is ECFMG certification?",
    "how much is the step 1 fee",
    "what else do I need for the J1 visa application",
    "how do I apply for residency?",
    "can I apply for the match with a J-1 visa?",
    "how do I check eligibility for the J-1 waiver?",
    "does ECFMG check my eligibility for step 1 before I book?",
    "how do I apply to ECFMG for the J-1 sponsorship?",
])
def test_other_questions_about_eligibility(text: str) -> None:
    assert not PATTERNS.asks_own_eligibility(text)


def test_an_opener_gets_the_check_eligibility_intent_and_a_declined_message_does_not() -> None:
    opener = Message(data={"text": "do i qualify? pakistani grad 2021",
                           "intent": {"name": "faq", "confidence": 0.4},
                           "intent_ranking": [{"name": "faq", "confidence": 0.4}]})
    declined = Message(data={"text": "am I eligible if my friend sits step 1 for me", "safety_gate": {"category": "x"},
                             "intent": {"name": "out_of_scope", "confidence": 1.0}})
    EligibilityOpener(PATTERNS).process([opener, declined])
    assert opener.get("intent") == {"name": "check_eligibility", "confidence": 1.0}
    assert [r["name"] for r in opener.get("intent_ranking")] == ["check_eligibility", "faq"]
    assert declined.get("intent")["name"] == "out_of_scope"
