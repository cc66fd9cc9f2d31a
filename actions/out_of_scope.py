"""action_record_out_of_scope: keeps declined questions for staff review (the reply is utter_out_of_scope)."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.analytics import log_unanswered
from bot.answering import faq_ranking

OUT_OF_SCOPE = "out_of_scope"


class ActionRecordOutOfScope(Action):
    """Runs after the out-of-scope reply; stores the category and the nearest FAQ entries."""

    def name(self) -> str:
        return "action_record_out_of_scope"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        parse = tracker.latest_message
        log_unanswered(parse.get("text") or "", "out_of_scope", tracker.get_latest_input_channel(),
                       faq_ranking(parse), detail=out_of_scope_category(parse))
        return []


def out_of_scope_category(parse: dict[str, Any]) -> str:
    """e.g. 'medical_advice', from the out_of_scope selector's pick."""
    selected = (parse.get("response_selector") or {}).get(OUT_OF_SCOPE) or {}
    key = (selected.get("response") or {}).get("intent_response_key") or ""
    return key.split("/", 1)[1] if key.startswith(f"{OUT_OF_SCOPE}/") else ""
