"""The eligibility check: eligibility_form's validation, the result, corrections and restarts.

The questions, their order, which ones are skipped and what each requirement needs all come from
knowledge/eligibility.yml through the knowledge store; this module only applies them.
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from bot.answering import link_label
from bot.eligibility.answers import UNSURE, read_answer, read_correction
from bot.eligibility.rules import SLOTS, EligibilityRules, evaluate, next_question
from bot.errors import StoreNotReadyError
from bot.store.db import make_session
from bot.store.queries import eligibility_rules
from bot.store.user_data import create_user_tables, record_eligibility_outcome

logger = logging.getLogger(__name__)

FORM = "eligibility_form"
REQUESTED_SLOT = "requested_slot"
STATUS_SLOT = "eligibility_status"
MISSING_SLOT = "eligibility_missing"
# Messages that are not an answer and that a rule handles while the form waits (then it asks again).
DIGRESSION_INTENTS = {"faq", "out_of_scope", "bot_challenge", "ask_capabilities", "check_eligibility"}
STOP_WORDS = ("stop", "cancel", "never mind", "nevermind", "quit", "exit", "forget it", "abort",
              "end the check", "end this", "leave it", "i don't want to continue", "i dont want to continue")
# Actions that may run between the user's message and the form's validation in the same turn.
SAME_TURN_ACTIONS = {"action_listen", "action_extract_slots", FORM, f"validate_{FORM}"}


def rules_or_apology(dispatcher: CollectingDispatcher, tracker: Tracker) -> EligibilityRules | None:
    """The rules from the knowledge store, or None after telling the user something went wrong."""
    try:
        with make_session() as session:
            return eligibility_rules(session)
    except (StoreNotReadyError, SQLAlchemyError):
        logger.exception("eligibility rules unavailable for sender %s", tracker.sender_id)
        dispatcher.utter_message(response="utter_something_went_wrong")
        return None


def answers_of(tracker: Tracker) -> dict[str, str | None]:
    return {slot: tracker.get_slot(slot) for slot in SLOTS}


def wants_to_stop(text: str) -> bool:
    """"stop", "ok cancel", "never mind thanks", "i want to quit this": short and saying only that.
    A long message that merely contains "stop" ("will the attempt limit stop me ...") is not a stop."""
    words = " ".join(text.lower().replace("\u2019", "'").replace("!", " ").replace(".", " ").split())
    return len(words.split()) <= 6 and any(f" {w} " in f" {words} " for w in STOP_WORDS)


def is_new_message(tracker: Tracker) -> bool:
    """True when the form runs right after the user spoke, False when it resumes after a digression."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return True
        if event.get("event") == "action" and event.get("name") not in SAME_TURN_ACTIONS:
            return False
    return False


class ValidateEligibilityForm(FormValidationAction):
    """Reads each answer in the user's own words and picks the next question that still matters."""

    def name(self) -> str:
        return f"validate_{FORM}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        rules = rules_or_apology(dispatcher, tracker)
        if rules is None:
            return [SlotSet(STATUS_SLOT, "cancelled"), SlotSet(REQUESTED_SLOT, None)]
        asked = tracker.get_slot(REQUESTED_SLOT)
        answers = answers_of(tracker)
        events: list[dict[str, Any]] = []
        if asked and is_new_message(tracker):
            text = tracker.latest_message.get("text") or ""
            intent = (tracker.latest_message.get("intent") or {}).get("name")
            if wants_to_stop(text):
                return [SlotSet(STATUS_SLOT, "cancelled"), SlotSet(REQUESTED_SLOT, None)]
            reading = read_answer(text, asked, rules.questions, intent)
            if reading.answer is None and not reading.corrections:
                if intent in DIGRESSION_INTENTS and not reading.scores_incomplete:
                    return []  # the form rejects; a rule answers, then the form asks again
                hint = "utter_eligibility_all_oet_parts" if reading.scores_incomplete else "utter_eligibility_not_understood"
                dispatcher.utter_message(response=hint)
                events.append(SlotSet(asked, None))
            for slot, value in reading.corrections.items():
                if answers.get(slot) is not None and answers[slot] != value:
                    dispatcher.utter_message(response="utter_eligibility_correction_noted",
                                             label=rules.question(slot).label, answer=spoken(value))
                answers[slot] = value
                events.append(SlotSet(slot, value))
            if reading.answer is not None:
                answers[asked] = reading.answer
                events.append(SlotSet(asked, reading.answer))
                if reading.answer == UNSURE:
                    dispatcher.utter_message(response="utter_eligibility_how_to_find_out",
                                             explanation=rules.question(asked).how_to_find_out)
        events.append(SlotSet(REQUESTED_SLOT, next_question(rules, answers)))
        return events


def spoken(answer: str) -> str:
    return {"unsure": "not sure"}.get(answer, answer)


def report(dispatcher: CollectingDispatcher, tracker: Tracker, rules: EligibilityRules,
           answers: dict[str, str | None]) -> list[dict[str, Any]]:
    """Says where the answers leave the user, with each open requirement's next step, fee and link."""
    outcome = evaluate(rules, answers)
    dispatcher.utter_message(response=f"utter_eligibility_result_{outcome.status}",
                             open_count=len(outcome.missing), total=len(rules.requirements))
    for requirement in (r for r in rules.requirements if r.id in outcome.missing):
        dispatcher.utter_message(response="utter_eligibility_open_requirement", title=requirement.title,
                                 next_step=requirement.next_step, fee=requirement.fee, link=requirement.link,
                                 link_label=link_label(requirement.link))
    dispatcher.utter_message(response="utter_eligibility_disclaimer")
    save_outcome(outcome.status, list(outcome.missing), tracker)
    return [SlotSet(STATUS_SLOT, outcome.status), SlotSet(MISSING_SLOT, list(outcome.missing))]


def save_outcome(status: str, missing: list[str], tracker: Tracker) -> None:
    """Statistics for staff: status, open ids, channel and time; nothing the user typed."""
    channel = tracker.get_latest_input_channel() or "unknown"
    try:
        with make_session() as session, session.begin():
            create_user_tables(session)
            record_eligibility_outcome(session, status, missing, channel, datetime.now(timezone.utc))
    except SQLAlchemyError:
        logger.exception("could not record an eligibility outcome for sender %s", tracker.sender_id)


class ActionReportEligibility(Action):
    """Runs when eligibility_form ends: the result, or a polite stop if the user cancelled."""

    def name(self) -> str:
        return "action_report_eligibility"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        if tracker.get_slot(STATUS_SLOT) == "cancelled":
            dispatcher.utter_message(response="utter_eligibility_cancelled")
            save_outcome("cancelled", [], tracker)
            return [SlotSet(MISSING_SLOT, [])]
        rules = rules_or_apology(dispatcher, tracker)
        return [] if rules is None else report(dispatcher, tracker, rules, answers_of(tracker))


class ActionResetEligibility(Action):
    """Clears every answer, so the check can be run again from the start at any time."""

    def name(self) -> str:
        return "action_reset_eligibility"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        return [SlotSet(slot, None) for slot in (*SLOTS, STATUS_SLOT, MISSING_SLOT, REQUESTED_SLOT)]


class ActionCorrectEligibility(Action):
    """"Actually I did pass CK" after the result: updates the answer and the result, or asks what is now needed."""

    def name(self) -> str:
        return "action_correct_eligibility"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        if tracker.get_slot(STATUS_SLOT) in (None, "cancelled"):
            dispatcher.utter_message(response="utter_eligibility_no_check_yet")
            return []
        rules = rules_or_apology(dispatcher, tracker)
        if rules is None:
            return []
        answers = answers_of(tracker)
        changes = read_correction(tracker.latest_message.get("text") or "", rules.questions)
        if not changes:
            dispatcher.utter_message(response="utter_eligibility_not_understood")
            return []
        events = []
        for slot, value in changes.items():
            dispatcher.utter_message(response="utter_eligibility_correction_noted",
                                     label=rules.question(slot).label, answer=spoken(value))
            answers[slot] = value
            events.append(SlotSet(slot, value))
        if next_question(rules, answers) is not None:  # e.g. no valid Step 2 CS after all: Pathway and OET now matter
            return events + [SlotSet(STATUS_SLOT, None), FollowupAction(FORM)]
        return events + report(dispatcher, tracker, rules, answers)
