"""eligibility_form's validation and the result actions, with a real dispatcher and store."""
from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.eligibility import (ActionCorrectEligibility, ActionReportEligibility, ActionStartEligibility,
                                 ValidateEligibilityForm, wants_to_stop)
from bot.eligibility.rules import SLOTS
from bot.store.db import make_session
from bot.store.user_data import EligibilityOutcome

ALL_YES = {"school_listed": "yes", "graduated": "yes", "step1_passed": "yes", "step2ck_passed": "yes",
           "step2cs_passed": "no", "pathway_met": "yes", "oet_passed": "yes"}


def form_tracker(text: str, slots: dict[str, Any], intent: str = "inform", after: str | None = None) -> Tracker:
    """The tracker the form's validation sees: the user's message, then (if `after`) a digression."""
    events: list[dict[str, Any]] = [{"event": "user", "text": text}, {"event": "action", "name": "action_listen"}]
    if after:
        events.append({"event": "action", "name": after})
    events.append({"event": "action", "name": "eligibility_form"})
    message = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []}
    return Tracker("user-1", slots, message, events, False, None, {"name": "eligibility_form"}, "eligibility_form")


def result_tracker(slots: dict[str, Any], text: str = "") -> Tracker:
    message = {"text": text, "intent": {"name": "correct_eligibility_answer", "confidence": 0.9}, "entities": []}
    events = [{"event": "user", "text": text, "input_channel": "telegram"}]
    return Tracker("user-1", slots, message, events, False, None, {}, "action_listen")


async def test_an_answer_in_own_words_fills_the_slot_and_asks_the_next_question(loaded_store) -> None:
    dispatcher = CollectingDispatcher()
    tracker = form_tracker("passed it on my second try", {"requested_slot": "step1_passed", "school_listed": "yes",
                                                          "graduated": "yes"})
    events = await ValidateEligibilityForm().run(dispatcher, tracker, {})
    assert events == [SlotSet("step1_passed", "yes"), SlotSet("requested_slot", "step2ck_passed")]
    assert dispatcher.messages == []


async def test_unclear_answer_is_asked_again_with_a_hint_not_guessed(loaded_store) -> None:
    dispatcher = CollectingDispatcher()
    events = await ValidateEligibilityForm().run(dispatcher, form_tracker("banana", {"requested_slot": "graduated"}), {})
    assert events == [SlotSet("graduated", None), SlotSet("requested_slot", "school_listed")]
    assert [m["response"] for m in dispatcher.messages] == ["utter_eligibility_not_understood"]


async def test_a_second_unclear_answer_becomes_not_sure_instead_of_a_third_question(loaded_store) -> None:
    dispatcher = CollectingDispatcher()
    slots = {"requested_slot": "graduated", "school_listed": "yes"}
    tracker = form_tracker("banana again", slots)
    tracker.events[:0] = [{"event": "slot", "name": "school_listed", "value": "yes"},
                          {"event": "slot", "name": "requested_slot", "value": "graduated"},
                          {"event": "user", "text": "banana"}, {"event": "action", "name": "eligibility_form"}]
    events = await ValidateEligibilityForm().run(dispatcher, tracker, {})
    assert events == [SlotSet("graduated", "unsure"), SlotSet("requested_slot", "step1_passed")]
    assert [m["response"] for m in dispatcher.messages] == ["utter_eligibility_taken_as_unsure"]


async def test_a_score_alone_asks_whether_it_was_a_pass(loaded_store) -> None:
    dispatcher = CollectingDispatcher()
    tracker = form_tracker("CK 262", {"requested_slot": "step2ck_passed"}, intent="faq")
    events = await ValidateEligibilityForm().run(dispatcher, tracker, {})
    assert SlotSet("step2ck_passed", None) in events
    assert [m["response"] for m in dispatcher.messages] == ["utter_eligibility_score_needs_result"]


async def test_answers_that_only_correct_other_questions_do_not_bring_a_third_ask(loaded_store) -> None:
    dispatcher = CollectingDispatcher()
    tracker = form_tracker("OET L 350 R 360 W 300 S 380, all same sitting", {"requested_slot": "step2cs_passed"})
    tracker.events[:0] = [{"event": "slot", "name": "requested_slot", "value": "step2cs_passed"},
                          {"event": "user", "text": "yes, Pathway 6 accepted in April"},
                          {"event": "slot", "name": "pathway_met", "value": "yes"},
                          {"event": "slot", "name": "requested_slot", "value": "step2cs_passed"}]
    events = await ValidateEligibilityForm().run(dispatcher, tracker, {})
    assert SlotSet("step2cs_passed", "unsure") in events and SlotSet("oet_passed", "yes") in events
    assert [m["response"] for m in dispatcher.messages][0] == "utter_eligibility_taken_as_unsure"


async def test_the_first_unclear_answer_after_a_new_question_gets_a_hint(loaded_store) -> None:
    dispatcher = CollectingDispatcher()
    tracker = form_tracker("banana", {"requested_slot": "step1_passed", "school_listed": "yes", "graduated": "yes"})
    tracker.events[:0] = [{"event": "slot", "name": "requested_slot", "value": "graduated"},
                          {"event": "user", "text": "yes"}, {"event": "slot", "name": "graduated", "value": "yes"},
                          {"event": "slot", "name": "requested_slot", "value": "step1_passed"},
                          {"event": "slot", "name": "requested_slot", "value": "step1_passed"}]
    await ValidateEligibilityForm().run(dispatcher, tracker, {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_eligibility_not_understood"]


async def test_not_sure_explains_how_to_find_out_and_goes_on(loaded_store) -> None:
    dispatcher = CollectingDispatcher()
    tracker = form_tracker("no idea", {"requested_slot": "school_listed"})
    events = await ValidateEligibilityForm().run(dispatcher, tracker, {})
    assert events == [SlotSet("school_listed", "unsure"), SlotSet("requested_slot", "graduated")]
    [message] = dispatcher.messages
    assert message["response"] == "utter_eligibility_how_to_find_out"
    assert message["explanation"] == "Look it up."


async def test_faq_question_mid_form_is_left_to_the_digression_rule(loaded_store) -> None:
    tracker = form_tracker("how much does the oet cost?", {"requested_slot": "step1_passed"}, intent="faq")
    assert await ValidateEligibilityForm().run(CollectingDispatcher(), tracker, {}) == []


async def test_after_a_digression_the_form_asks_the_pending_question_again(loaded_store) -> None:
    tracker = form_tracker("how much does the oet cost?", {"requested_slot": "step1_passed", "school_listed": "yes",
                                                           "graduated": "yes"}, intent="faq", after="action_answer_faq")
    events = await ValidateEligibilityForm().run(CollectingDispatcher(), tracker, {})
    assert events == [SlotSet("requested_slot", "step1_passed")]


async def test_correction_mid_form_updates_the_earlier_answer_and_keeps_the_question(loaded_store) -> None:
    dispatcher = CollectingDispatcher()
    slots = {**ALL_YES, "step2ck_passed": "no", "oet_passed": None, "requested_slot": "oet_passed"}
    events = await ValidateEligibilityForm().run(dispatcher, form_tracker("actually I did pass CK", slots), {})
    assert events == [SlotSet("step2ck_passed", "yes"), SlotSet("requested_slot", "oet_passed")]
    [message] = dispatcher.messages
    assert (message["response"], message["label"], message["answer"]) == \
        ("utter_eligibility_correction_noted", "Step 2 CK", "yes")


async def test_a_valid_step2cs_pass_ends_the_form_without_pathway_or_oet(loaded_store) -> None:
    slots = {**ALL_YES, "step2cs_passed": None, "pathway_met": None, "oet_passed": None,
             "requested_slot": "step2cs_passed"}
    events = await ValidateEligibilityForm().run(CollectingDispatcher(), form_tracker("yes", slots), {})
    assert events == [SlotSet("step2cs_passed", "yes"), SlotSet("requested_slot", None)]


async def test_stop_ends_the_form_as_cancelled(loaded_store) -> None:
    tracker = form_tracker("never mind", {"requested_slot": "graduated"}, intent="deny")
    events = await ValidateEligibilityForm().run(CollectingDispatcher(), tracker, {})
    assert events == [SlotSet("eligibility_status", "cancelled"), SlotSet("requested_slot", None)]


async def test_result_lists_each_open_requirement_with_step_fee_and_link_and_is_recorded(loaded_store) -> None:
    dispatcher = CollectingDispatcher()
    slots = {**ALL_YES, "step2ck_passed": "no", "oet_passed": "unsure"}
    events = await ActionReportEligibility().run(dispatcher, result_tracker(slots), {})
    assert events == [SlotSet("eligibility_status", "in_progress"),
                      SlotSet("eligibility_missing", ["step2ck", "clinical_skills", "oet"])]
    responses = [m["response"] for m in dispatcher.messages]
    assert responses == ["utter_eligibility_result_in_progress"] + ["utter_eligibility_open_requirement"] * 3 + \
        ["utter_eligibility_disclaimer"]
    assert (dispatcher.messages[0]["open_count"], dispatcher.messages[0]["total"]) == (3, 6)
    step2ck = dispatcher.messages[1]
    assert (step2ck["title"], step2ck["fee"], step2ck["link"], step2ck["link_label"]) == \
        ("Step 2 CK", "none", "https://www.ecfmg.org/exams/", "ecfmg.org/exams")
    with make_session() as session:
        row = session.scalars(select(EligibilityOutcome)).one()
        assert (row.status, row.missing, row.channel) == ("in_progress", "clinical_skills,oet,step2ck", "telegram")


async def test_cancelled_check_says_so_and_is_recorded_as_cancelled(loaded_store) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionReportEligibility().run(dispatcher, result_tracker({"eligibility_status": "cancelled"}), {})
    assert events == [SlotSet("eligibility_missing", [])]
    assert [m["response"] for m in dispatcher.messages] == ["utter_eligibility_cancelled"]
    with make_session() as session:
        assert session.scalars(select(EligibilityOutcome.status)).all() == ["cancelled"]


async def test_start_clears_every_answer_for_a_fresh_check(loaded_store) -> None:
    events = await ActionStartEligibility().run(CollectingDispatcher(), result_tracker(ALL_YES, "check again"), {})
    assert {e["name"] for e in events} == {*SLOTS, "eligibility_status", "eligibility_missing", "requested_slot"}
    assert all(e["value"] is None for e in events)


async def test_start_keeps_the_facts_of_the_opener_and_says_so(loaded_store) -> None:
    dispatcher = CollectingDispatcher()
    tracker = result_tracker({}, "am i eligible? graduated 2021, passed step 1 but failed ck")
    events = await ActionStartEligibility().run(dispatcher, tracker, {})
    assert events[-3:] == [SlotSet("graduated", "yes"), SlotSet("step1_passed", "yes"), SlotSet("step2ck_passed", "no")]
    assert [m["response"] for m in dispatcher.messages] == ["utter_eligibility_intro", "utter_eligibility_noted_from_opener"]


async def test_asking_for_the_check_again_mid_check_keeps_the_answers(loaded_store) -> None:
    dispatcher = CollectingDispatcher()
    slots = {"requested_slot": "step1_passed", "school_listed": "yes", "graduated": "yes"}
    events = await ActionStartEligibility().run(dispatcher, result_tracker(slots, "so am I eligible now?"), {})
    assert events == []
    assert [m["response"] for m in dispatcher.messages] == ["utter_eligibility_continues"]


async def test_asking_to_start_over_mid_check_clears_the_answers(loaded_store) -> None:
    dispatcher = CollectingDispatcher()
    slots = {"requested_slot": "step1_passed", "school_listed": "yes", "graduated": "yes"}
    events = await ActionStartEligibility().run(dispatcher, result_tracker(slots, "i want to restart the check"), {})
    assert SlotSet("school_listed", None) in events
    assert [m["response"] for m in dispatcher.messages] == ["utter_eligibility_intro"]


@pytest.mark.parametrize("intent", ["faq", "nlu_fallback"])
async def test_a_question_with_a_tentative_answer_is_answered_first_then_asked_again(loaded_store, intent: str) -> None:
    tracker = form_tracker("what is CS? never heard about it", {"requested_slot": "step2cs_passed"}, intent=intent)
    assert await ValidateEligibilityForm().run(CollectingDispatcher(), tracker, {}) == []


async def test_correction_after_the_result_updates_it(loaded_store) -> None:
    dispatcher = CollectingDispatcher()
    slots = {**ALL_YES, "step2ck_passed": "no", "eligibility_status": "in_progress"}
    events = await ActionCorrectEligibility().run(dispatcher, result_tracker(slots, "actually I did pass CK"), {})
    assert events == [SlotSet("step2ck_passed", "yes"), SlotSet("eligibility_status", "meets_requirements"),
                      SlotSet("eligibility_missing", [])]
    assert [m["response"] for m in dispatcher.messages] == [
        "utter_eligibility_correction_noted", "utter_eligibility_result_meets_requirements",
        "utter_eligibility_disclaimer"]


async def test_correction_that_makes_new_questions_matter_reopens_the_form(loaded_store) -> None:
    slots = {**ALL_YES, "step2cs_passed": "yes", "pathway_met": None, "oet_passed": None,
             "eligibility_status": "meets_requirements"}
    events = await ActionCorrectEligibility().run(CollectingDispatcher(),
                                                  result_tracker(slots, "actually I never passed CS"), {})
    assert events == [SlotSet("step2cs_passed", "no"), SlotSet("eligibility_status", None),
                      FollowupAction("eligibility_form")]


async def test_correction_before_any_check_offers_one(loaded_store) -> None:
    dispatcher = CollectingDispatcher()
    assert await ActionCorrectEligibility().run(dispatcher, result_tracker({}, "actually I passed CK"), {}) == []
    assert [m["response"] for m in dispatcher.messages] == ["utter_eligibility_no_check_yet"]


def test_stop_words_only_count_in_a_short_message() -> None:
    assert all(wants_to_stop(t) for t in ["stop", "Stop!", "ok cancel", "never mind thanks", "i want to quit this",
                                          "hmm actually never mind, I'll do it another day", "ugh later, my shift is starting",
                                          "stop, I need to find my score report first", "forget it",
                                          "ok this is too much for today, let's stop here",
                                          "can we continue later? I need to ask my school about the attestation"])
    assert not any(wants_to_stop(t) for t in ["will the attempt limit stop me from taking step 1 again",
                                               "yes", "I quit my job and passed step 1 last year in march",
                                               "not yet, I'll take CK later this year"])


async def test_an_empty_store_ends_the_check_with_an_apology_not_a_traceback(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("BOT_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    dispatcher = CollectingDispatcher()
    events = await ValidateEligibilityForm().run(dispatcher, form_tracker("yes", {"requested_slot": "graduated"}), {})
    assert events == [SlotSet("eligibility_status", "cancelled"), SlotSet("requested_slot", None)]
    assert [m["response"] for m in dispatcher.messages] == ["utter_something_went_wrong"]
