"""action_answer_faq: answers from the knowledge store, offers "did you mean", or admits no match."""
from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.analytics import log_unanswered
from bot.answering import Decision, date_line, decide, faq_payload, faq_ranking, source_links
from bot.errors import StoreNotReadyError
from bot.store.db import make_session
from bot.store.queries import answer_card, ensure_store_ready, questions_for, topic_choices

logger = logging.getLogger(__name__)
NOT_ANSWERED = SlotSet("last_faq_id", None)
ELIGIBILITY_MENTION = re.compile(r"\b(?:eligib\w*|elegib\w*|qualif(?:y|ied)|am i ready|what am i missing)\b")


class ActionAnswerFaq(Action):
    """Reads the ResponseSelector ranking and the knowledge store on every request."""

    def name(self) -> str:
        return "action_answer_faq"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        decision = decide(tracker.latest_message)
        try:
            with make_session() as session:
                ensure_store_ready(session)
                if decision.kind == "answer":
                    events = answer_all(dispatcher, session, decision)
                    if asks_about_own_eligibility(tracker):
                        dispatcher.utter_message(response="utter_offer_eligibility_check")
                elif decision.kind == "did_you_mean":
                    events = did_you_mean(dispatcher, session, list(decision.entry_ids))
                else:
                    events = no_match(dispatcher, session)
        except (StoreNotReadyError, SQLAlchemyError):
            logger.exception("knowledge store unavailable for sender %s", tracker.sender_id)
            dispatcher.utter_message(response="utter_something_went_wrong")
            return []
        if NOT_ANSWERED in events:  # staff review every question the user did not get an answer to
            shown = decision.kind if decision.kind != "answer" else "no_match"  # entry removed since training
            log_unanswered(tracker.latest_message.get("text") or "", shown, tracker.get_latest_input_channel(),
                           _candidates(tracker, decision))
        return events


def asks_about_own_eligibility(tracker: Tracker) -> bool:
    """"Am I eligible for a J-1?" gets its entry, and an offer to run the check unless it is running."""
    text = (tracker.latest_message.get("text") or "").lower()
    return bool(ELIGIBILITY_MENTION.search(text)) and not (tracker.active_loop or {}).get("name")


def _candidates(tracker: Tracker, decision: Decision) -> list[tuple[str, float]]:
    """The entries offered (did you mean) or, for no match, the nearest ones anyway."""
    ranking = faq_ranking(tracker.latest_message)
    if decision.kind == "did_you_mean":
        confidence = dict(ranking)
        return [(entry_id, confidence.get(entry_id, 0.0)) for entry_id in decision.entry_ids]
    return ranking


def answer_all(dispatcher: CollectingDispatcher, session: Session, decision: Decision) -> list[dict[str, Any]]:
    """One message per answered question, each with its own source and date; then a plain line for
    every question of the message it could not answer, and one feedback prompt for the first answer."""
    cards = [card for card in (answer_card(session, entry_id) for entry_id in decision.entry_ids) if card]
    if not cards:  # the model knows entries that staff have since removed
        return no_match(dispatcher, session)
    several = len(cards) > 1
    for card in cards:
        dispatcher.utter_message(
            response="utter_faq_answer_titled" if several else "utter_faq_answer", question=card.question,
            answer=card.answer, sources=source_links(card.sources), dated=date_line(card.facts_as_of, card.checked),
            buttons=[] if several else [{"title": q, "payload": faq_payload(rid)} for rid, q in card.related],
        )
    for part in decision.unanswered_parts:
        dispatcher.utter_message(response="utter_part_not_answered", part=part)
    dispatcher.utter_message(response="utter_feedback_prompt", entry_id=cards[0].id)
    return [SlotSet("last_faq_id", cards[0].id), SlotSet("answered_faq_ids", [card.id for card in cards])]


def did_you_mean(dispatcher: CollectingDispatcher, session: Session, entry_ids: list[str]) -> list[dict[str, Any]]:
    questions = questions_for(session, entry_ids)
    buttons = [{"title": questions[eid], "payload": faq_payload(eid)} for eid in entry_ids if eid in questions]
    if not buttons:
        return no_match(dispatcher, session)
    dispatcher.utter_message(response="utter_did_you_mean", buttons=buttons)
    return [NOT_ANSWERED]


def no_match(dispatcher: CollectingDispatcher, session: Session) -> list[dict[str, Any]]:
    buttons = [{"title": t.title, "payload": faq_payload(t.start_with)} for t in topic_choices(session)]
    dispatcher.utter_message(response="utter_no_answer", buttons=buttons)
    return [NOT_ANSWERED]
