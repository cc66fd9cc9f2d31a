"""Starts the eligibility check for any message that asks about its writer's own standing.

"do I qualify?", "check me pls" or "2020 grad, passed Step 1 and CK, am I eligible?" share most of
their words with FAQ entries, so the classifier alone often answers them with an entry. The
patterns of opener_patterns.yml recognise the question itself; a message they match gets intent
`check_eligibility`, and the check reads the facts around it (bot/eligibility/answers.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from ruamel.yaml import YAML

from bot.nlu.safety_gate import GATE_KEY, normalised

CHECK_ELIGIBILITY = "check_eligibility"
PATTERNS_FILE = Path(__file__).with_name("opener_patterns.yml")


@dataclass(frozen=True)
class OpenerPatterns:
    asks: tuple[re.Pattern[str], ...]
    not_about: tuple[re.Pattern[str], ...]

    @classmethod
    def load(cls, path: Path = PATTERNS_FILE) -> "OpenerPatterns":
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
        return cls(tuple(re.compile(p, re.IGNORECASE) for p in data["asks"]),
                   tuple(re.compile(p, re.IGNORECASE) for p in data["not_about"]))

    def asks_own_eligibility(self, text: str) -> bool:
        flat = normalised(text)
        return any(p.search(flat) for p in self.asks) and not any(p.search(flat) for p in self.not_about)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class EligibilityOpener(GraphComponent):
    """Put it after the intent classifier and before FallbackClassifier; gated messages stay declined."""

    def __init__(self, patterns: OpenerPatterns) -> None:
        self._patterns = patterns

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "EligibilityOpener":
        return cls(OpenerPatterns.load())

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if message.get(GATE_KEY) or text.startswith("/") or not self._patterns.asks_own_eligibility(text):
                continue
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != CHECK_ELIGIBILITY]
            message.set(INTENT, {"name": CHECK_ELIGIBILITY, "confidence": 1.0}, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [{"name": CHECK_ELIGIBILITY, "confidence": 1.0}, *ranking],
                        add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
