"""The TF-IDF linear classifier as a Rasa component: intents, both retrieval intents, and parts."""
from __future__ import annotations

from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.linear_classifier import LinearIntentClassifier, part_texts
from bot.nlu.safety_gate import GATE_KEY

EXAMPLES = {
    "greet": ["hello", "hi there", "good morning"],
    "faq/fee_step1": ["how much is step 1", "step 1 fee", "what does usmle step 1 cost", "price of step 1 exam"],
    "faq/j1_documents": ["documents for j1 visa", "what papers do i need for the j-1", "j1 application documents",
                         "which documents for ecfmg visa sponsorship"],
    "out_of_scope/medical_advice": ["what dose of paracetamol for fever", "which antibiotic for pneumonia",
                                    "my chest hurts what should i take"],
}


@pytest.fixture(scope="module")
def classifier(tmp_path_factory: pytest.TempPathFactory) -> LinearIntentClassifier:
    directory = tmp_path_factory.mktemp("storage")
    storage = LocalModelStorage(directory)
    context = ExecutionContext(GraphSchema({}), "test")
    resource = Resource("linear")
    messages = [Message(data={"text": text, "intent": label.split("/")[0],
                              **({"intent_response_key": label} if "/" in label else {})})
                for label, texts in EXAMPLES.items() for text in texts]
    responses = {f"utter_{label}": [{"text": label}] for label in EXAMPLES if "/" in label}
    config = LinearIntentClassifier.get_default_config()
    LinearIntentClassifier.create(config, storage, resource, context).train(
        TrainingData(training_examples=messages, responses=responses))
    return LinearIntentClassifier.load(config, storage, resource, context)


def parsed(classifier: LinearIntentClassifier, text: str) -> Message:
    message = Message(data={"text": text})
    classifier.process([message])
    return message


def test_faq_question_gets_intent_and_ranked_entries(classifier: LinearIntentClassifier) -> None:
    message = parsed(classifier, "how much does the step 1 exam cost")
    assert message.get("intent")["name"] == "faq"
    selector = message.get("response_selector")["faq"]
    assert selector["response"]["intent_response_key"] == "faq/fee_step1"
    assert selector["ranking"][0]["confidence"] > selector["ranking"][1]["confidence"]
    assert abs(sum(r["confidence"] for r in selector["ranking"]) - 1.0) < 1e-6


def test_out_of_scope_gets_its_decline(classifier: LinearIntentClassifier) -> None:
    message = parsed(classifier, "what antibiotic dose for my fever")
    assert message.get("intent")["name"] == "out_of_scope"
    assert message.get("response_selector")["out_of_scope"]["response"]["utter_action"] == \
        "utter_out_of_scope/medical_advice"


def test_each_question_of_a_message_is_ranked(classifier: LinearIntentClassifier) -> None:
    message = parsed(classifier, "Hello, I am from Kenya. How much is step 1? And which documents for the j1 visa?")
    parts = message.get("parts")
    assert [p["faq_ranking"][0]["id"] for p in parts] == ["fee_step1", "j1_documents"]
    assert all(p["intent"]["name"] == "faq" for p in parts)


def test_a_message_the_gate_declined_is_left_alone(classifier: LinearIntentClassifier) -> None:
    message = Message(data={"text": "step 1 fee", GATE_KEY: {"category": "cheating"},
                            "intent": {"name": "out_of_scope", "confidence": 1.0}})
    classifier.process([message])
    assert message.get("intent") == {"name": "out_of_scope", "confidence": 1.0}
    assert message.get("parts") is None


def test_untrained_classifier_passes_messages_through(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    classifier = LinearIntentClassifier.load(LinearIntentClassifier.get_default_config(), storage,
                                             Resource("missing"), context)
    message = Message(data={"text": "hello"})
    classifier.process([message])
    assert message.get("intent") is None


class FakeEntity:
    def __init__(self, text: str, ent_id: str) -> None:
        self.text, self.ent_id_ = text, ent_id


class FakeDoc:
    def __init__(self, *ents: FakeEntity) -> None:
        self.ents = ents


def test_a_question_without_a_subject_borrows_the_one_before() -> None:
    message = Message(data={"text": "who do I pay for USMLE now, and how much is it? and the OET fee?",
                            "text_spacy_doc": FakeDoc(FakeEntity("USMLE", "usmle"), FakeEntity("OET", "oet"))})
    texts = part_texts(message, ["who do I pay for USMLE now", "how much is it?", "and the OET fee?"])
    assert texts == ["who do i pay for usmle now term_usmle", "how much is it? term_usmle",
                     "and the oet fee? term_oet"]
