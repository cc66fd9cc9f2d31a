"""The lexical ranker: re-ranking a ResponseSelector's faq ranking, and selecting alone for out_of_scope."""
from __future__ import annotations

from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.lexical_ranker import LexicalResponseRanker

EXAMPLES = {
    "out_of_scope/medical_advice": ["what dose of paracetamol for fever", "which antibiotic for pneumonia"],
    "out_of_scope/cheating_or_fraud": ["where can i buy a fake diploma", "someone to sit my exam for me"],
    "out_of_scope/chitchat_unrelated": ["tell me a joke", "what is the weather today"],
}


def trained_ranker(tmp_path: Path, **config: object) -> LexicalResponseRanker:
    (tmp_path / "storage").mkdir()
    storage = LocalModelStorage(tmp_path / "storage")
    context = ExecutionContext(GraphSchema({}), "test")
    settings = {**LexicalResponseRanker.get_default_config(), "retrieval_intent": "out_of_scope", **config}
    resource = Resource("ranker")
    messages = [Message(data={"text": text, "intent": "out_of_scope", "intent_response_key": key})
                for key, texts in EXAMPLES.items() for text in texts]
    responses = {f"utter_{key}": [{"text": f"reply for {key}"}] for key in EXAMPLES}
    LexicalResponseRanker.create(settings, storage, resource, context).train(
        TrainingData(training_examples=messages, responses=responses))
    return LexicalResponseRanker.load(settings, storage, resource, context)


def selected(ranker: LexicalResponseRanker, text: str, selectors: dict | None = None) -> dict:
    message = Message(data={"text": text, "response_selector": selectors or {}})
    ranker.process([message])
    return message.get("response_selector")["out_of_scope"]


def test_selects_alone_with_rasas_response_shape(tmp_path: Path) -> None:
    ranker = trained_ranker(tmp_path, lexical_weight=1.0)
    result = selected(ranker, "can I buy a diploma online")
    assert result["response"]["intent_response_key"] == "out_of_scope/cheating_or_fraud"
    assert result["response"]["utter_action"] == "utter_out_of_scope/cheating_or_fraud"
    assert result["response"]["responses"] == [{"text": "reply for out_of_scope/cheating_or_fraud"}]
    assert result["ranking"][0] == {"intent_response_key": "out_of_scope/cheating_or_fraud",
                                    "confidence": pytest.approx(result["response"]["confidence"])}
    assert result["response"]["confidence"] > result["ranking"][1]["confidence"]


def test_unseen_words_get_the_default_response(tmp_path: Path) -> None:
    ranker = trained_ranker(tmp_path, lexical_weight=1.0, default_response="out_of_scope/chitchat_unrelated")
    result = selected(ranker, "🤷 zxqv")
    assert result["response"]["intent_response_key"] == "out_of_scope/chitchat_unrelated"
    assert result["response"]["confidence"] == 0.0


def test_blends_with_a_learned_ranking_and_leaves_messages_without_one(tmp_path: Path) -> None:
    ranker = trained_ranker(tmp_path, lexical_weight=0.5)
    learned = {"out_of_scope": {"response": {}, "ranking": [
        {"intent_response_key": "out_of_scope/chitchat_unrelated", "confidence": 0.6},
        {"intent_response_key": "out_of_scope/medical_advice", "confidence": 0.4}]}}
    result = selected(ranker, "which antibiotic dose for fever", learned)
    assert result["response"]["intent_response_key"] == "out_of_scope/medical_advice"
    assert [item["intent_response_key"] for item in result["ranking"]][:2] == [
        "out_of_scope/medical_advice", "out_of_scope/chitchat_unrelated"]
    untouched = Message(data={"text": "which antibiotic", "response_selector": {}})
    ranker.process([untouched])
    assert untouched.get("response_selector") == {}
