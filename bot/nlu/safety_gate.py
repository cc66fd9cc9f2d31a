"""The first word on every message: declines fraud, impersonation, hidden records, other people's
records, instruction injection and messages not in English, before any classifier can answer them.

A classifier ranks entries by the words a message shares with them, so "can my friend take the OET
speaking test for me" shares most of its words with the OET entry. The narrow patterns of
safety_patterns.yml catch those requests first; the classifier still learns the same categories
from data/nlu/out_of_scope.yml for the phrasings no pattern foresaw. Language comes from lingua
(bot/nlu/language.py). A declined message gets intent `out_of_scope` with the category's response,
so Rasa's retrieval action sends it, and `safety_gate` in the parse data says why.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

import joblib
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from ruamel.yaml import YAML

from bot.nlu.language import WORD, identify

GATE_KEY = "safety_gate"
OUT_OF_SCOPE = "out_of_scope"
NON_ENGLISH = f"{OUT_OF_SCOPE}/non_english"
PATTERNS_FILE = Path(__file__).with_name("safety_patterns.yml")
MODEL_FILE = "safety_gate.joblib"


@dataclass(frozen=True)
class Category:
    name: str
    response: str  # e.g. out_of_scope/cheating_or_fraud
    patterns: tuple[re.Pattern[str], ...]


def load_categories(path: Path = PATTERNS_FILE) -> tuple[Category, ...]:
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    return tuple(Category(c["name"], c["response"], tuple(re.compile(p, re.IGNORECASE) for p in c["patterns"]))
                 for c in data["categories"])


def normalised(text: str) -> str:
    """Curly apostrophes and runs of spaces would let "don’t" or "for   me" slip past a pattern."""
    return " ".join(text.replace("\u2019", "'").replace("\u2018", "'").split())


def unsafe_category(text: str, categories: tuple[Category, ...]) -> Category | None:
    flat = normalised(text)
    return next((c for c in categories if any(p.search(flat) for p in c.patterns)), None)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class SafetyGate(GraphComponent):
    """Put it first among the classifiers; LinearIntentClassifier leaves gated messages alone."""

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 known_words: frozenset[str] = frozenset(), responses: Optional[Dict[Text, List[Any]]] = None,
                 categories: tuple[Category, ...] = ()) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self._known_words = known_words
        self._responses = responses or {}
        self._categories = categories

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SafetyGate":
        return cls(config, model_storage, resource, categories=load_categories())

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "SafetyGate":
        try:
            with model_storage.read_from(resource) as directory:
                known_words, responses = joblib.load(directory / MODEL_FILE)
        except (ValueError, FileNotFoundError):
            known_words, responses = frozenset(), {}
        return cls(config, model_storage, resource, known_words, responses, load_categories())

    def train(self, training_data: TrainingData) -> Resource:
        """Keeps the words of every training example: they count as English when judging a language."""
        words = {w for m in training_data.intent_examples if not (m.get(INTENT_RESPONSE_KEY) or "").startswith(NON_ENGLISH)
                 for w in WORD.findall((m.get(TEXT) or "").lower())}
        responses = {key.removeprefix("utter_"): value for key, value in training_data.responses.items()
                     if key.startswith(f"utter_{OUT_OF_SCOPE}/")}
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump((frozenset(words), responses), directory / MODEL_FILE)
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if not text or text.startswith("/"):  # button payloads such as /faq{"faq_id": ...}
                continue
            category = unsafe_category(text, self._categories)
            if category is not None:
                self._decline(message, category.response, {"category": category.name})
                continue
            verdict = identify(text, self._known_words)
            if not verdict.english:
                specific = f"{NON_ENGLISH}_{verdict.language}"
                response = specific if specific in self._responses else NON_ENGLISH
                self._decline(message, response, {"category": "non_english", "language": verdict.language})
        return messages

    def _decline(self, message: Message, response: Text, reason: Dict[Text, Any]) -> None:
        message.set(GATE_KEY, reason, add_to_output=True)
        message.set(INTENT, {"name": OUT_OF_SCOPE, "confidence": 1.0}, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [{"name": OUT_OF_SCOPE, "confidence": 1.0}], add_to_output=True)
        selectors = message.get("response_selector") or {}
        selectors[OUT_OF_SCOPE] = {
            "response": {INTENT_RESPONSE_KEY: response, "confidence": 1.0, "utter_action": f"utter_{response}",
                         "responses": self._responses.get(response, [])},
            "ranking": [{INTENT_RESPONSE_KEY: response, "confidence": 1.0}],
        }
        message.set("response_selector", selectors, add_to_output=True)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
