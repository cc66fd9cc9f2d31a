"""The trained model loaded the quick way (bot/nlu/model_loading.py) answers exactly as Rasa's own load."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from rasa.core.agent import Agent
from rasa.utils.tensorflow.models import RasaModel
from ruamel.yaml import YAML

from bot.nlu import model_loading

PROJECT_ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = 40


def rankings(agent: Agent, texts: list[str]) -> list[dict]:
    """Intent and response-selector rankings, rounded past float noise."""
    async def parse_all() -> list[dict]:
        return [await agent.parse_message(text) for text in texts]

    return [{"intent": [(i["name"], round(i["confidence"], 5)) for i in parsed["intent_ranking"]],
             "faq": [(r["intent_response_key"], round(r["confidence"], 5))
                     for r in parsed["response_selector"]["faq"]["ranking"]]}
            for parsed in asyncio.run(parse_all())]


def test_quick_load_gives_rasas_predictions(monkeypatch: pytest.MonkeyPatch) -> None:
    models = sorted((PROJECT_ROOT / "models").glob("*.tar.gz"))
    assert models, "No trained model in models/: run `make train` first (make test does it)."
    questions = YAML(typ="safe").load((PROJECT_ROOT / "bench" / "heldout.yml").read_text(encoding="utf-8"))
    texts = [q["text"] for q in questions["questions"][:QUESTIONS]]

    monkeypatch.setattr(RasaModel, "load", RasaModel.__dict__["load"])  # restored after the test
    quick = rankings(Agent.load(str(models[-1])), texts)
    assert RasaModel.load.__func__ is model_loading.load_for_inference  # the model's ServingSetup installed it

    monkeypatch.setattr(model_loading, "install", lambda: None)
    monkeypatch.setattr(RasaModel, "load", classmethod(model_loading._rasa_load))
    rasas = rankings(Agent.load(str(models[-1])), texts)
    assert quick == rasas
