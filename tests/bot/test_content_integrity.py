"""The real content: passes the check, buttons name real entries, evaluation sets stay out of training."""
from __future__ import annotations

import json
from datetime import date

import pytest
from ruamel.yaml import YAML

from bot.kb.checks import normalise_phrasing
from bot.kb.validate import find_problems
from bot.paths import PROJECT_ROOT

YAML_SAFE = YAML(typ="safe")


@pytest.fixture(scope="module")
def knowledge():
    knowledge, problems = find_problems(PROJECT_ROOT / "knowledge", date.today())
    assert [str(p) for p in problems] == []
    return knowledge


def test_knowledge_covers_every_topic_with_enough_entries(knowledge) -> None:
    assert len(knowledge.entries) >= 90
    assert {t.id for t in knowledge.topics} >= {"about", "requirements", "exams", "clinical_skills", "process",
                                                "fees", "j1_visa", "timelines", "pitfalls", "contact"}


def test_every_entry_shows_users_when_its_facts_were_valid(knowledge) -> None:
    # Without facts_as_of an answer shows only its review day, which users read as "true on that day".
    assert [e.id for e in knowledge.entries.values() if e.facts_as_of is None] == []
    assert [e.id for e in knowledge.entries.values() if e.facts_as_of.first_day > e.checked] == []


def test_the_answer_template_shows_the_facts_date_not_a_checked_date() -> None:
    responses = YAML_SAFE.load((PROJECT_ROOT / "domain.yml").read_text())["responses"]
    for name in ("utter_faq_answer", "utter_faq_answer_titled"):
        [variant] = responses[name]
        assert "{dated}" in variant["text"] and "Checked:" not in variant["text"]


def test_domain_buttons_open_existing_entries_or_send_trained_words(knowledge) -> None:
    """A /faq button names a real entry, an /<intent> button a domain intent; a plain-text button is a training
    example of its intent."""
    domain = YAML_SAFE.load((PROJECT_ROOT / "domain.yml").read_text())
    payloads = [b["payload"] for name, variants in domain["responses"].items() for v in variants
                for b in v.get("buttons", []) if name != "utter_feedback_prompt"]
    examples = {line.strip()[2:] for path in (PROJECT_ROOT / "data" / "nlu").glob("*.yml")
                for line in path.read_text().splitlines() if line.strip().startswith("- ")}
    assert payloads
    for payload in payloads:
        if payload.startswith("/faq"):
            assert json.loads(payload[len("/faq"):])["faq_id"] in knowledge.entries
        elif payload.startswith("/"):  # an intent payload, e.g. /check_eligibility
            assert payload[1:] in domain["intents"]
        else:
            assert payload in examples


def test_feedback_buttons_name_the_answered_entry_once_rasa_fills_them() -> None:
    from rasa.core.nlg.interpolator import interpolate

    domain = YAML_SAFE.load((PROJECT_ROOT / "domain.yml").read_text())
    [prompt] = domain["responses"]["utter_feedback_prompt"]
    buttons = interpolate(prompt["buttons"], {"entry_id": "fee_oet"})
    assert [(b["title"], b["payload"]) for b in buttons] == [
        ("👍 Yes", '/rate_answer_helpful{"faq_id": "fee_oet"}'),
        ("👎 No", '/rate_answer_unhelpful{"faq_id": "fee_oet"}'),
    ]


@pytest.mark.parametrize("question_file", ["bench/heldout.yml", "bench/dev.yml"])
def test_evaluation_questions_are_not_training_phrasings(knowledge, question_file: str) -> None:
    questions = YAML_SAFE.load((PROJECT_ROOT / question_file).read_text())["questions"]
    trained = {normalise_phrasing(p) for e in knowledge.entries.values() for p in (e.question, *e.also_asked)}
    assert {q["expect"] for q in questions} <= set(knowledge.entries) | {"out_of_scope"}
    assert [q["text"] for q in questions if normalise_phrasing(q["text"]) in trained] == []


def test_heldout_set_is_large_enough_and_mixed() -> None:
    questions = YAML_SAFE.load((PROJECT_ROOT / "bench" / "heldout.yml").read_text())["questions"]
    kinds = [q.get("kind", "in_scope") for q in questions]
    assert len(questions) >= 200
    assert kinds.count("out_of_scope") >= 30 and kinds.count("retired_rule") >= 10
