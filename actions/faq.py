"""action_answer_faq: answers from the knowledge store, offers "did you mean", or admits no match."""
from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.analytics import log_unanswered
from bot.answering import Decision, checked_on, decide, faq_payload, faq_ranking, source_links
from bot.errors import StoreNotReadyError
from bot.store.db import make_session
from bot.store.queries import answer_card, ensure_store_ready, questions_for, topic_choices

logger = logging.getLogger(__name__)
NOT_ANSWERED = SlotSet("last_faq_id", None)


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
                    events = answer(dispatcher, session, decision.entry_ids[0])
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


def _candidates(tracker: Tracker, decision: Decision) -> list[tuple[str, float]]:
    """The entries offered (did you mean) or, for no match, the nearest ones anyway."""
    ranking = faq_ranking(tracker.latest_message)
    if decision.kind == "did_you_mean":
        confidence = dict(ranking)
        return [(entry_id, confidence.get(entry_id, 0.0)) for entry_id in decision.entry_ids]
    return ranking


def answer(dispatcher: CollectingDispatcher, session: Session, entry_id: str) -> list[dict[str, Any]]:
    card = answer_card(session, entry_id)
    if card is None:  # the model knows an entry that staff have since removed
        return no_match(dispatcher, session)
    dispatcher.utter_message(
        response="utter_faq_answer", answer=card.answer, sources=source_links(card.sources),
        checked=checked_on(card.checked),
        buttons=[{"title": question, "payload": faq_payload(rid)} for rid, question in card.related],
    )
    dispatcher.utter_message(response="utter_feedback_prompt", entry_id=card.id)
    return [SlotSet("last_faq_id", card.id)]


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
