"""The eligibility check: eligibility_form's validation, the result, corrections and restarts.

The questions, their order, which ones are skipped and what each requirement needs all come from
knowledge/eligibility.yml through the knowledge store; this module only applies them.
"""
from __future__ import annotations

import logging
import re
from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from bot.answering import link_label
from bot.eligibility.answers import UNSURE, read_answer, read_facts
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
# A message that asks one of these is a question first, whatever answer it seems to carry.
QUESTION_INTENTS = {"faq", "nlu_fallback"}
# Phrases that end the check wherever they stand in a short message ...
STOP_PHRASES = re.compile(
    r"\b(?:cancel|never ?mind|nvm|quit (?:it|this|the check)|abort|forget (?:it|about it|this)|end (?:the check|this)|leave it|"
    r"stop (?:it|this|that|here|now|the check|for now|please|asking)|let'?s stop|i (?:want|wanna|would like) to stop|"
    r"(?:do|finish|continue|check) (?:it|this|that) later|(?:continue|finish|resume|carry on|come back to (?:it|this)) later|another (?:time|day)|some other time|not now|"
    r"skip (?:this|the check)|i'?m done|no more questions|(?:don'?t|do not) want to (?:do|continue)|not interested|"
    r"too much for today)\b")
# ... and words that do so only at its start or end: "stop", "later pls", "ugh later, my shift is starting".
STOP_AT_EDGE = re.compile(r"^(?:ok |okay |pls |please |ugh |hmm |no |maybe )?(?:stop|later|enough|quit|exit)\b"
                          r"|\b(?:stop|later|quit)$")
# A check asked for again mid-check continues, keeping the answers, unless the user asks to start over.
RESTART_PHRASES = re.compile(r"\b(?:restart|re-?start|start (?:over|again|afresh|from scratch|a new)|redo|re-do|from scratch|"
                             r"begin again|new check|again from the (?:start|beginning))\b")
MAX_STOP_WORDS = 14  # a long message that merely contains "stop" ("will the attempt limit stop me ...") is not one
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
    """"stop", "ok cancel", "never mind, I'll do it another day", "ugh later, my shift is starting"."""
    words = " ".join(re.sub(r"[^\w'\s]", " ", text.lower().replace("\u2019", "'")).split())
    if len(words.split()) > MAX_STOP_WORDS:
        return False
    return bool(STOP_PHRASES.search(words) or STOP_AT_EDGE.search(words))


def is_new_message(tracker: Tracker) -> bool:
    """True when the form runs right after the user spoke, False when it resumes after a digression."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return True
        if event.get("event") == "action" and event.get("name") not in SAME_TURN_ACTIONS:
            return False
    return False


def unanswered_messages_before(tracker: Tracker, asked: str) -> int:
    """Messages before this one sent while `asked` was the open question, since it last became so (or the
    check began). One that only corrected other answers counts too, so "yes, Pathway 6 accepted" to the
    Step 2 CS question twice does not bring a third ask."""
    count, open_question = 0, None
    users = [i for i, event in enumerate(tracker.events) if event.get("event") == "user"]
    for event in tracker.events[: users[-1]] if users else []:
        kind, name = event.get("event"), event.get("name")
        if kind == "slot" and name == REQUESTED_SLOT:
            if event.get("value") != open_question:
                count, open_question = 0, event.get("value")
        elif (kind == "slot" and name == asked and event.get("value") is not None) or \
                (kind == "active_loop" and name == FORM):
            count = 0
        elif kind == "user" and open_question == asked:
            count += 1
    return count


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
            if reading.asks and intent in QUESTION_INTENTS and not reading.corrections:
                return []  # "what is CS? never heard of it": the question is answered, then this one asked again
            if reading.answer is None:
                if not reading.corrections and intent in DIGRESSION_INTENTS and not (reading.scores_incomplete
                                                                                     or reading.score_only):
                    return []  # the form rejects; a rule answers, then the form asks again
                if unanswered_messages_before(tracker, asked) >= 1:  # never the same question a third time
                    dispatcher.utter_message(response="utter_eligibility_taken_as_unsure", label=rules.question(asked).label,
                                             explanation=rules.question(asked).how_to_find_out)
                    answers[asked] = UNSURE
                    events.append(SlotSet(asked, UNSURE))
                elif not reading.corrections:
                    hint = ("utter_eligibility_all_oet_parts" if reading.scores_incomplete
                            else "utter_eligibility_score_needs_result" if reading.score_only
                            else "utter_eligibility_not_understood")
                    dispatcher.utter_message(response=hint)
                    events.append(SlotSet(asked, None))
            for slot, value in reading.corrections.items():
                if answers.get(slot) is None:
                    dispatcher.utter_message(response="utter_eligibility_volunteered_noted",
                                             label=rules.question(slot).label, answer=spoken(value))
                elif answers[slot] != value:
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


class ActionStartEligibility(Action):
    """Clears earlier answers, then keeps what the opening message already says
    ("2022 grad, passed Step 1 and CK, am I eligible?") and tells the user what it took from it.
    Asked again during a check, it keeps the answers unless the user asks to start over."""

    def name(self) -> str:
        return "action_start_eligibility"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        text = tracker.latest_message.get("text") or ""
        if tracker.get_slot(REQUESTED_SLOT) and not RESTART_PHRASES.search(text.lower()):
            # "am I eligible now?" halfway through: the answers so far stay and the check goes on.
            dispatcher.utter_message(response="utter_eligibility_continues")
            events = []
        else:
            dispatcher.utter_message(response="utter_eligibility_intro")
            events = [SlotSet(slot, None) for slot in (*SLOTS, STATUS_SLOT, MISSING_SLOT, REQUESTED_SLOT)]
        rules = rules_or_apology(dispatcher, tracker)
        if rules is None:
            return events
        facts = read_facts(text, rules.questions)
        if facts:
            noted = "; ".join(f"{rules.question(slot).label}: {spoken(value)}" for slot, value in facts.items())
            dispatcher.utter_message(response="utter_eligibility_noted_from_opener", noted=noted)
        return events + [SlotSet(slot, value) for slot, value in facts.items()]


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
        changes = read_facts(tracker.latest_message.get("text") or "", rules.questions)
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
