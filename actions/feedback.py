"""action_record_feedback: stores a 👍 or 👎 on the answer it was given for."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.analytics import log_feedback
from bot.answering import picked_entry

HELPFUL_INTENT = "rate_answer_helpful"


class ActionRecordFeedback(Action):
    """The entry comes from the button's payload, or, for typed feedback, from the last answer given."""

    def name(self) -> str:
        return "action_record_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        helpful = (tracker.latest_message.get("intent") or {}).get("name") == HELPFUL_INTENT
        entry_id = picked_entry(tracker.latest_message) or tracker.get_slot("last_faq_id")
        if entry_id:
            log_feedback(entry_id, helpful, tracker.get_latest_input_channel())
        dispatcher.utter_message(response="utter_feedback_thanks" if helpful else "utter_feedback_sorry")
        return []
