"""Intent classifier and response selector in one TF-IDF linear model, ranking each question of a message.

One model learns every label: plain intents (`greet`, `check_eligibility`) and retrieval responses
(`faq/attempt_limit`, `out_of_scope/medical_advice`). Its output has the shape Rasa's
DIETClassifier + ResponseSelector give (`intent`, `intent_ranking`, `response_selector`), so rules,
retrieval actions and FallbackClassifier work unchanged. It also adds `parts`: the questions found in
the message (bot/nlu/parts.py), each with its own ranking, for answering several questions at once.
Messages the safety gate has already declined are left as they are.
"""
from __future__ import annotations

import logging
import time
from typing import Any, Dict, List, Optional, Sequence, Text

import joblib
import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.linear_model import LinearTextModel
from bot.nlu.parts import split_parts
from bot.nlu.safety_gate import GATE_KEY

logger = logging.getLogger(__name__)
MODEL_FILE = "linear_classifier.joblib"
PARTS_KEY = "parts"
RESPONSE_SELECTOR = "response_selector"


def glossary_terms(message: Message, text: Text) -> List[Text]:
    """One token per glossary term the entity ruler found inside `text`, so "S1" and "Step 1" match."""
    doc = message.get(SPACY_DOCS[TEXT])
    if doc is None:
        return []
    lowered = text.lower()
    return [f"term_{ent.ent_id_}" for ent in doc.ents if ent.ent_id_ and ent.text.lower() in lowered]


def joined(text: Text, terms: Sequence[Text]) -> Text:
    return " ".join([text, *terms]).lower()


def model_text(message: Message, text: Text) -> Text:
    return joined(text, glossary_terms(message, text))


def part_texts(message: Message, parts: List[Text]) -> List[Text]:
    """Each question's model text. One that names no glossary term ("and how much is it?") is about the
    subject of the question before it, so it borrows that question's terms."""
    texts: List[Text] = []
    previous: List[Text] = []
    for part in parts:
        previous = glossary_terms(message, part) or previous
        texts.append(joined(part, previous))
    return texts


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LinearIntentClassifier(GraphComponent):
    """TF-IDF word + character n-grams and logistic regression, trained in seconds without TensorFlow."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # part_weight: how much a question's own ranking counts against the whole message's
        # (the story around it); chosen on the blind dev set.
        # leading_intents: a part with one of these intents decides the message's intent (see _message_row).
        # word_min_df, max_iter: see LinearTextModel.fit.
        return {"C": 20.0, "ranking_length": 10, "part_weight": 0.7, "leading_intents": ["check_eligibility"],
                "leading_confidence": 0.4, "word_min_df": 2, "max_iter": 50}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 model: Optional[LinearTextModel] = None,
                 responses: Optional[Dict[Text, List[Dict[Text, Any]]]] = None) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._model = model
        self._responses = responses or {}

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "LinearIntentClassifier":
        return cls(config, model_storage, resource)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "LinearIntentClassifier":
        try:
            with model_storage.read_from(resource) as directory:
                model, responses = joblib.load(directory / MODEL_FILE)
        except (ValueError, FileNotFoundError):  # trained without any intent examples
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, model, responses)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(INTENT)]
        if not examples:
            return self._resource
        started = time.monotonic()
        texts = [model_text(m, m.get(TEXT) or "") for m in examples]
        labels = [m.get(INTENT_RESPONSE_KEY) or m.get(INTENT) for m in examples]
        model = LinearTextModel.fit(texts, labels, c=self._config["C"], word_min_df=self._config["word_min_df"],
                                    max_iter=self._config["max_iter"],
                                    progress=lambda step: print(f"  LinearIntentClassifier: {step} ...", flush=True))
        responses = {label: training_data.responses.get(f"utter_{label}", []) for label in model.labels if "/" in label}
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump((model, responses), directory / MODEL_FILE)
        print(f"  LinearIntentClassifier: trained in {time.monotonic() - started:.0f} s", flush=True)
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        if self._model is None:
            return messages
        for message in messages:
            if not message.get(GATE_KEY):
                self._classify(message)
        return messages

    def _classify(self, message: Message) -> None:
        text = message.get(TEXT) or ""
        parts = split_parts(text)
        rows = self._model.probabilities([model_text(message, text), *part_texts(message, parts)])
        whole, own = rows[0], rows[1:]
        weight = self._config["part_weight"] if parts != [text] else 1.0
        blended = [weight * row + (1 - weight) * whole for row in own]
        self._set_message_output(message, self._message_row(list(own), blended) if blended else whole)
        message.set(PARTS_KEY, [{"text": p, **self._summary(row)} for p, row in zip(parts, blended)],
                    add_to_output=True)

    def _message_row(self, own: List[np.ndarray], blended: List[np.ndarray]) -> np.ndarray:
        """The mean of the parts (each blended with the whole message), unless one part on its own asks to
        run a dialogue ("... so am I eligible?"): that part leads, since the dialogue reads the story itself."""
        for row in own:
            intents = self._grouped(row)
            best = max(intents, key=intents.get)
            if best in self._config["leading_intents"] and intents[best] >= self._config["leading_confidence"]:
                return row
        return np.mean(blended, axis=0)

    def _grouped(self, row: np.ndarray) -> Dict[Text, float]:
        """Probability of each intent: a retrieval intent sums over its responses."""
        totals: Dict[Text, float] = {}
        for label, probability in zip(self._model.labels, row):
            intent = label.split("/", 1)[0]
            totals[intent] = totals.get(intent, 0.0) + float(probability)
        return totals

    def _responses_of(self, row: np.ndarray, intent: Text) -> List[Dict[Text, Any]]:
        """The intent's responses best first, with confidences relative to the intent (they sum to 1)."""
        scored = [(label, float(p)) for label, p in zip(self._model.labels, row) if label.startswith(f"{intent}/")]
        total = sum(p for _, p in scored) or 1.0
        scored.sort(key=lambda pair: pair[1], reverse=True)
        return [{INTENT_RESPONSE_KEY: label, "confidence": p / total}
                for label, p in scored[: self._config["ranking_length"]]]

    def _summary(self, row: np.ndarray) -> Dict[Text, Any]:
        intents = self._grouped(row)
        best = max(intents, key=intents.get)
        ranking = self._responses_of(row, "faq")
        return {"intent": {"name": best, "confidence": intents[best]},
                "faq_ranking": [{"id": r[INTENT_RESPONSE_KEY].split("/", 1)[1], "confidence": r["confidence"]}
                                for r in ranking[:5]]}

    def _set_message_output(self, message: Message, row: np.ndarray) -> None:
        intents = self._grouped(row)
        ranked = sorted(intents, key=intents.get, reverse=True)[: self._config["ranking_length"]]
        message.set(INTENT, {"name": ranked[0], "confidence": intents[ranked[0]]}, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [{"name": name, "confidence": intents[name]} for name in ranked],
                    add_to_output=True)
        selectors = message.get(RESPONSE_SELECTOR) or {}
        for intent in sorted({label.split("/", 1)[0] for label in self._model.labels if "/" in label}):
            ranking = self._responses_of(row, intent)
            top = ranking[0]
            selectors[intent] = {
                "response": {INTENT_RESPONSE_KEY: top[INTENT_RESPONSE_KEY], "confidence": top["confidence"],
                             "utter_action": f"utter_{top[INTENT_RESPONSE_KEY]}",
                             "responses": self._responses.get(top[INTENT_RESPONSE_KEY], [])},
                "ranking": ranking,
            }
        message.set(RESPONSE_SELECTOR, selectors, add_to_output=True)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
