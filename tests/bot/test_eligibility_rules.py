"""What a set of answers means, by the rules in the test knowledge folder."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.eligibility.rules import EligibilityRules, Outcome, evaluate, next_question, slots_to_ask
from bot.kb.validate import load_checked

ALL_YES = {"school_listed": "yes", "graduated": "yes", "step1_passed": "yes", "step2ck_passed": "yes",
           "step2cs_passed": "no", "pathway_met": "yes", "oet_passed": "yes"}


@pytest.fixture
def rules(knowledge_dir: Path) -> EligibilityRules:
    loaded = load_checked(knowledge_dir, date(2026, 11, 22)).eligibility
    assert loaded is not None
    return loaded


def test_everything_met_through_a_pathway(rules: EligibilityRules) -> None:
    assert evaluate(rules, ALL_YES) == Outcome("meets_requirements", ())


def test_a_valid_step2cs_pass_skips_pathway_and_oet(rules: EligibilityRules) -> None:
    answers = {**ALL_YES, "step2cs_passed": "yes", "pathway_met": None, "oet_passed": None}
    assert slots_to_ask(rules, answers) == ["school_listed", "graduated", "step1_passed", "step2ck_passed",
                                            "step2cs_passed"]
    assert next_question(rules, answers) is None
    assert evaluate(rules, answers) == Outcome("meets_requirements", ())


def test_a_student_still_has_graduation_and_exams_open(rules: EligibilityRules) -> None:
    answers = {**ALL_YES, "graduated": "no", "step2ck_passed": "unsure", "oet_passed": "no"}
    assert evaluate(rules, answers) == Outcome("in_progress", ("graduation", "step2ck", "clinical_skills", "oet"))


def test_pathway_without_oet_leaves_both_open_and_oet_without_pathway_only_one(rules: EligibilityRules) -> None:
    assert evaluate(rules, {**ALL_YES, "oet_passed": "no"}).missing == ("clinical_skills", "oet")
    assert evaluate(rules, {**ALL_YES, "pathway_met": "no"}).missing == ("clinical_skills",)


def test_a_school_without_a_sponsor_note_ends_the_check_at_once(rules: EligibilityRules) -> None:
    answers = {"school_listed": "no"}
    assert next_question(rules, answers) is None
    assert evaluate(rules, answers) == Outcome("not_eligible", ("school",))


def test_questions_are_asked_in_order(rules: EligibilityRules) -> None:
    assert next_question(rules, {}) == "school_listed"
    assert next_question(rules, {"school_listed": "unsure"}) == "graduated"


def test_rules_survive_the_store_as_json(rules: EligibilityRules) -> None:
    assert EligibilityRules.from_json(rules.to_json()) == rules
