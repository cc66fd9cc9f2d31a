"""action_answer_faq with a real CollectingDispatcher against a real (temporary) knowledge store."""
from __future__ import annotations

from datetime import date

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.faq import ActionAnswerFaq
from bot.kb.validate import load_checked
from bot.store.db import make_session
from bot.store.load import create_schema, replace_knowledge
from bot.store.user_data import AnswerFeedback, UnansweredQuestion


def faq_parse(ranking: list[tuple[str, float]], text: str = "question") -> dict:
    return {
        "text": text, "intent": {"name": "faq", "confidence": 0.95},
        "intent_ranking": [{"name": "faq", "confidence": 0.95}], "entities": [],
        "response_selector": {"faq": {"ranking": [
            {"intent_response_key": f"faq/{i}", "confidence": c} for i, c in ranking]}},
    }


async def test_confident_answer_has_source_date_and_related_buttons(loaded_store, make_tracker) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerFaq().run(dispatcher, make_tracker(faq_parse([("fee_a", 0.93)])), {})
    assert events == [SlotSet("last_faq_id", "fee_a"), SlotSet("answered_faq_ids", ["fee_a"])]
    message, feedback = dispatcher.messages
    assert message["response"] == "utter_faq_answer"
    assert message["answer"].startswith("The application costs US$160 (as of January 2022; check ecfmg.org).")
    assert message["sources"] == "[ecfmg.org/fees](https://www.ecfmg.org/fees/)"
    assert message["dated"] == "Reviewed: 1 November 2026"  # the test entry has no facts date
    assert message["buttons"] == [{"title": "What is visa_b?", "payload": '/faq{"faq_id": "visa_b"}'}]
    assert (feedback["response"], feedback["entry_id"], feedback["buttons"]) == ("utter_feedback_prompt", "fee_a", [])
    assert stored_questions(loaded_store) == []


def stored_questions(url: str) -> list[tuple[str, str, str | None, str]]:
    with make_session(url) as session:
        rows = session.scalars(select(UnansweredQuestion).order_by(UnansweredQuestion.id))
        return [(q.kind, q.text, q.nearest_entry, q.candidates) for q in rows]


async def test_close_call_offers_entries_by_question(loaded_store, make_tracker) -> None:
    dispatcher = CollectingDispatcher()
    parse = faq_parse([("fee_a", 0.18), ("visa_b", 0.17)], "fee for ecfmg? mail me at x.y@mail.com")
    await ActionAnswerFaq().run(dispatcher, make_tracker(parse), {})
    [message] = dispatcher.messages
    assert message["response"] == "utter_did_you_mean"
    assert message["buttons"] == [
        {"title": "What is fee_a?", "payload": '/faq{"faq_id": "fee_a"}'},
        {"title": "What is visa_b?", "payload": '/faq{"faq_id": "visa_b"}'},
    ]
    assert stored_questions(loaded_store) == [
        ("did_you_mean", "fee for ecfmg? mail me at [email]", "fee_a", '[["fee_a", 0.18], ["visa_b", 0.17]]')]


async def test_no_match_offers_topics(loaded_store, make_tracker) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerFaq().run(dispatcher, make_tracker(faq_parse([("fee_a", 0.05)])), {})
    assert events == [SlotSet("last_faq_id", None)]
    [message] = dispatcher.messages
    assert message["response"] == "utter_no_answer"
    assert [b["title"] for b in message["buttons"]] == ["Fees", "Visa"]
    assert message["buttons"][0]["payload"] == '/faq{"faq_id": "fee_a"}'
    assert stored_questions(loaded_store) == [("no_match", "question", "fee_a", '[["fee_a", 0.05]]')]


async def test_entry_removed_since_training_is_no_match(loaded_store, make_tracker) -> None:
    dispatcher = CollectingDispatcher()
    await ActionAnswerFaq().run(dispatcher, make_tracker(faq_parse([("gone_entry", 0.97)])), {})
    assert dispatcher.messages[0]["response"] == "utter_no_answer"
    assert stored_questions(loaded_store) == [("no_match", "question", "gone_entry", '[["gone_entry", 0.97]]')]


async def test_button_payload_opens_exactly_that_entry(loaded_store, make_tracker) -> None:
    dispatcher = CollectingDispatcher()
    picked = {"intent": {"name": "faq", "confidence": 1.0}, "entities": [{"entity": "faq_id", "value": "visa_b"}]}
    await ActionAnswerFaq().run(dispatcher, make_tracker(picked), {})
    assert dispatcher.messages[0]["answer"] == "It takes 4 to 6 weeks."


async def test_a_question_is_answered_even_when_it_cannot_be_logged(loaded_store, make_tracker) -> None:
    with make_session(loaded_store) as session, session.begin():
        UnansweredQuestion.__table__.drop(session.get_bind())
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerFaq().run(dispatcher, make_tracker(faq_parse([("fee_a", 0.05)])), {})
    assert events == [SlotSet("last_faq_id", None)]
    assert dispatcher.messages[0]["response"] == "utter_no_answer"


async def test_feedback_buttons_and_typed_feedback_are_stored_per_entry(loaded_store, make_tracker) -> None:
    from actions.feedback import ActionRecordFeedback

    button = {"intent": {"name": "rate_answer_unhelpful"}, "entities": [{"entity": "faq_id", "value": "visa_b"}]}
    typed = {"intent": {"name": "rate_answer_helpful"}, "entities": [], "text": "great answer"}
    replies = []
    for parse, slots in ((button, {"last_faq_id": "fee_a"}), (typed, {"last_faq_id": "fee_a"}), (typed, {})):
        dispatcher = CollectingDispatcher()
        assert await ActionRecordFeedback().run(dispatcher, make_tracker(parse, slots), {}) == []
        replies += [m["response"] for m in dispatcher.messages]
    assert replies == ["utter_feedback_sorry", "utter_feedback_thanks", "utter_feedback_thanks"]
    with make_session(loaded_store) as session:
        votes = session.scalars(select(AnswerFeedback).order_by(AnswerFeedback.id))
        assert [(v.entry_id, v.helpful) for v in votes] == [("visa_b", 0), ("fee_a", 1)]


async def test_out_of_scope_question_is_stored_with_its_category(loaded_store, make_tracker) -> None:
    from actions.out_of_scope import ActionRecordOutOfScope

    parse = {**faq_parse([("visa_b", 0.02)], "my passport A1234567 expired, what antibiotic for flu"),
             "intent": {"name": "out_of_scope", "confidence": 0.9}}
    parse["response_selector"]["out_of_scope"] = {
        "response": {"intent_response_key": "out_of_scope/medical_advice", "confidence": 0.8}}
    dispatcher = CollectingDispatcher()
    assert await ActionRecordOutOfScope().run(dispatcher, make_tracker(parse), {}) == []
    assert dispatcher.messages == []  # the reply is utter_out_of_scope, sent by the rule before this action
    with make_session(loaded_store) as session:
        [question] = session.scalars(select(UnansweredQuestion))
        assert (question.kind, question.detail, question.text, question.channel) == (
            "out_of_scope", "medical_advice", "my passport [passport number] expired, what antibiotic for flu",
            "unknown")


async def test_missing_store_gives_a_polite_message_not_a_traceback(tmp_path, monkeypatch, make_tracker) -> None:
    monkeypatch.setenv("BOT_DATABASE_URL", f"sqlite:///{tmp_path / 'never-loaded.db'}")
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerFaq().run(dispatcher, make_tracker(faq_parse([("fee_a", 0.93)])), {})
    assert events == []
    assert dispatcher.messages == [{
        "text": None, "buttons": [], "elements": [], "custom": {}, "template": "utter_something_went_wrong",
        "response": "utter_something_went_wrong", "image": None, "attachment": None,
    }]


async def test_answer_shows_the_facts_date_once_the_entry_has_one(knowledge_dir, tmp_path, monkeypatch,
                                                                  make_tracker) -> None:
    fees = knowledge_dir / "faq" / "fees.yml"
    fees.write_text(fees.read_text().replace("    checked: 2026-11-01", "    facts_as_of: 2022-01\n    checked: 2026-11-01", 1))
    url = f"sqlite:///{tmp_path / 'dated.db'}"
    with make_session(url) as session, session.begin():
        create_schema(session)
        replace_knowledge(session, load_checked(knowledge_dir, date(2026, 11, 22)), "fingerprint")
    monkeypatch.setenv("BOT_DATABASE_URL", url)
    dispatcher = CollectingDispatcher()
    await ActionAnswerFaq().run(dispatcher, make_tracker(faq_parse([("fee_a", 0.93)])), {})
    assert dispatcher.messages[0]["dated"].startswith("Facts as of: January 2022")
