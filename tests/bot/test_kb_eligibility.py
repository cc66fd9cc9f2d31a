"""knowledge/eligibility.yml problems, each as `file:line: what is wrong. what to do.`"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.kb.validate import find_problems

TODAY = date(2026, 11, 22)


def problems_after(knowledge_dir: Path, old: str, new: str) -> list[str]:
    path = knowledge_dir / "eligibility.yml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return [str(p) for p in find_problems(knowledge_dir, TODAY)[1]]


def test_the_test_rules_have_no_problems(knowledge_dir: Path) -> None:
    assert find_problems(knowledge_dir, TODAY)[1] == []


def test_a_misspelt_slot_in_a_condition_names_the_fixed_ids(knowledge_dir: Path) -> None:
    assert problems_after(knowledge_dir, 'skip_if: [{step2cs_passed: "yes"}]}', 'skip_if: [{step2_cs: "yes"}]}') == [
        "knowledge/eligibility.yml:14: the question for 'pathway_met' names the slot 'step2_cs', which is not one of the "
        "fixed ids. Did you mean 'step2cs_passed'? Use one of: school_listed, graduated, step1_passed, "
        "step2ck_passed, step2cs_passed, pathway_met, oet_passed."]


def test_an_answer_other_than_yes_no_unsure(knowledge_dir: Path) -> None:
    assert problems_after(knowledge_dir, 'met_if: [{school_listed: "yes"}]', 'met_if: [{school_listed: "maybe"}]') == [
        "knowledge/eligibility.yml:21: the requirement 'school' expects the answer 'maybe', which is not one of the fixed ids. "
        "Use one of: yes, no, unsure."]


def test_a_missing_requirement_and_an_unknown_figure(knowledge_dir: Path) -> None:
    problems = problems_after(knowledge_dir, "  - {id: oet, title: OET,", "  - {id: oet_exam, title: OET,")
    assert problems == [
        "knowledge/eligibility.yml:20: 'requirements' has no item with id 'oet'. Add the requirement 'oet'; "
        "these ids are fixed: school, graduation, step1, step2ck, clinical_skills, oet.",
        "knowledge/eligibility.yml:31: the requirement 'oet_exam' has the id 'oet_exam', which is not one of the fixed ids. "
        "Use one of: school, graduation, step1, step2ck, clinical_skills, oet."]
    path = knowledge_dir / "eligibility.yml"
    path.write_text(path.read_text().replace("{id: oet_exam,", "{id: oet,").replace('"{fee_application}"', '"{fee_aplication}"'))
    assert [str(p) for p in find_problems(knowledge_dir, TODAY)[1]] == [
        "knowledge/eligibility.yml:25: the requirement 'step1' uses the figure '{fee_aplication}', which is not in "
        "knowledge/figures.yml. Did you mean '{fee_application}'? Use a name from knowledge/figures.yml, or add the "
        "figure there."]


def test_future_checked_date_http_link_and_bad_scores(knowledge_dir: Path) -> None:
    path = knowledge_dir / "eligibility.yml"
    path.write_text(path.read_text().replace("checked: 2026-11-01", "checked: 2027-01-01")
                    .replace("link: https://www.ecfmg.org/certification/}", "link: http://www.ecfmg.org/certification/}")
                    .replace("writing: 300}", "writing: high}"))
    assert [str(p) for p in find_problems(knowledge_dir, TODAY)[1]] == [
        "knowledge/eligibility.yml:1: 'checked' is 2027-01-01, which is in the future. Use the date you last checked "
        "these rules against the sources (today or earlier).",
        "knowledge/eligibility.yml:17: the question for 'oet_passed' has 'min_scores' that are not four scores from "
        "0 to 500. Write e.g. 'min_scores: {listening: 350, reading: 350, speaking: 350, writing: 300}'.",
        "knowledge/eligibility.yml:22: the requirement 'school' has the link 'http://www.ecfmg.org/certification/', "
        "which is not a secure https address. Write it as 'https://www.ecfmg.org/certification/'."]


def test_missing_file(knowledge_dir: Path) -> None:
    (knowledge_dir / "eligibility.yml").unlink()
    assert [str(p) for p in find_problems(knowledge_dir, TODAY)[1]] == [
        "knowledge/eligibility.yml:1: the file is missing. Create it with 'questions:' and 'requirements:'. "
        "See the layout in knowledge/README.md (\"The eligibility check\")."]


def test_a_pass_score_must_be_a_three_digit_score(knowledge_dir: Path) -> None:
    assert problems_after(knowledge_dir, "mentions: [step 1]}", "mentions: [step 1], pass_score: 194}") == []
    assert problems_after(knowledge_dir, "pass_score: 194}", "pass_score: pass}") == [
        "knowledge/eligibility.yml:8: the question for 'step1_passed' has a 'pass_score' that is not a three-digit "
        "score. Write the lowest passing score, e.g. 'pass_score: 194', or remove the line."]
