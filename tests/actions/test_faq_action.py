"""action_answer_faq with a real CollectingDispatcher against a real (temporary) knowledge store."""
from __future__ import annotations

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.faq import ActionAnswerFaq


def faq_parse(ranking: list[tuple[str, float]]) -> dict:
    return {
        "text": "question", "intent": {"name": "faq", "confidence": 0.95},
        "intent_ranking": [{"name": "faq", "confidence": 0.95}], "entities": [],
        "response_selector": {"faq": {"ranking": [
            {"intent_response_key": f"faq/{i}", "confidence": c} for i, c in ranking]}},
    }


async def test_confident_answer_has_source_date_and_related_buttons(loaded_store, make_tracker) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerFaq().run(dispatcher, make_tracker(faq_parse([("fee_a", 0.93)])), {})
    assert events == [SlotSet("last_faq_id", "fee_a")]
    [message] = dispatcher.messages
    assert message["response"] == "utter_faq_answer"
    assert message["answer"].startswith("The application costs US$160 (as of January 2022; check ecfmg.org).")
    assert message["sources"] == "[ecfmg.org/fees](https://www.ecfmg.org/fees/)"
    assert message["checked"] == "1 November 2026"
    assert message["buttons"] == [{"title": "What is visa_b?", "payload": '/faq{"faq_id": "visa_b"}'}]


async def test_close_call_offers_entries_by_question(loaded_store, make_tracker) -> None:
    dispatcher = CollectingDispatcher()
    await ActionAnswerFaq().run(dispatcher, make_tracker(faq_parse([("fee_a", 0.22), ("visa_b", 0.21)])), {})
    [message] = dispatcher.messages
    assert message["response"] == "utter_did_you_mean"
    assert message["buttons"] == [
        {"title": "What is fee_a?", "payload": '/faq{"faq_id": "fee_a"}'},
        {"title": "What is visa_b?", "payload": '/faq{"faq_id": "visa_b"}'},
    ]


async def test_no_match_offers_topics(loaded_store, make_tracker) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerFaq().run(dispatcher, make_tracker(faq_parse([("fee_a", 0.05)])), {})
    assert events == [SlotSet("last_faq_id", None)]
    [message] = dispatcher.messages
    assert message["response"] == "utter_no_answer"
    assert [b["title"] for b in message["buttons"]] == ["Fees", "Visa"]
    assert message["buttons"][0]["payload"] == '/faq{"faq_id": "fee_a"}'


async def test_entry_removed_since_training_is_no_match(loaded_store, make_tracker) -> None:
    dispatcher = CollectingDispatcher()
    await ActionAnswerFaq().run(dispatcher, make_tracker(faq_parse([("gone_entry", 0.97)])), {})
    assert dispatcher.messages[0]["response"] == "utter_no_answer"


async def test_button_payload_opens_exactly_that_entry(loaded_store, make_tracker) -> None:
    dispatcher = CollectingDispatcher()
    picked = {"intent": {"name": "faq", "confidence": 1.0}, "entities": [{"entity": "faq_id", "value": "visa_b"}]}
    await ActionAnswerFaq().run(dispatcher, make_tracker(picked), {})
    assert dispatcher.messages[0]["answer"] == "It takes 4 to 6 weeks."


async def test_missing_store_gives_a_polite_message_not_a_traceback(tmp_path, monkeypatch, make_tracker) -> None:
    monkeypatch.setenv("BOT_DATABASE_URL", f"sqlite:///{tmp_path / 'never-loaded.db'}")
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerFaq().run(dispatcher, make_tracker(faq_parse([("fee_a", 0.93)])), {})
    assert events == []
    assert dispatcher.messages == [{
        "text": None, "buttons": [], "elements": [], "custom": {}, "template": "utter_something_went_wrong",
        "response": "utter_something_went_wrong", "image": None, "attachment": None,
    }]
