"""Every message staff can get from `python -m bot check`, asserted whole: file, line, problem and fix."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.errors import KnowledgeError
from bot.kb.validate import find_problems, load_checked

TODAY = date(2026, 11, 22)
VISA = "faq/visa.yml"
FEES = "faq/fees.yml"
VISA_META = "    checked: 2026-11-01\n    related: [fee_a]"


def problems_after_edit(root: Path, file: str, old: str, new: str) -> list[str]:
    path = root / file
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))
    return [str(p) for p in find_problems(root, TODAY)[1]]


def test_valid_knowledge_loads_without_problems(knowledge_dir: Path) -> None:
    knowledge = load_checked(knowledge_dir, TODAY)
    assert sorted(knowledge.entries) == ["fee_a", "visa_b"]
    assert [t.id for t in knowledge.topics] == ["fees", "visa"]
    assert knowledge.entries["visa_b"].related == ("fee_a",)
    assert knowledge.entries["fee_a"].checked == date(2026, 11, 1)


def test_load_checked_raises_with_every_problem(knowledge_dir: Path) -> None:
    (knowledge_dir / "glossary.yml").unlink()
    with pytest.raises(KnowledgeError) as raised:
        load_checked(knowledge_dir, TODAY)
    assert str(raised.value) == ("knowledge/glossary.yml:1: the file is missing. Create it with a 'terms:' list. "
                                 "Copy the layout of the example in knowledge/README.md.")


CASES = [
    pytest.param(VISA, "    question: What is visa_b?", "    question: 'What is visa_b?", [
        "knowledge/faq/visa.yml:6: a quote opened on this line is never closed. "
        "Check the indentation, dashes and quotes on this line and the line above.",
    ], id="unclosed-quote"),
    pytest.param(VISA, "    question: What is visa_b?\n", "    question: What is visa_b?\n  bad indent: x\n", [
        "knowledge/faq/visa.yml:7: the file is not valid YAML (expected <block end>, but found '?'). "
        "Check the indentation, dashes and quotes on this line and the line above.",
    ], id="bad-indentation"),
    pytest.param(VISA, "    answer: |\n      It takes 4 to 6 weeks.\n", "", [
        "knowledge/faq/visa.yml:5: entry 'visa_b' has no 'answer'. "
        "Add 'answer:' followed by the answer text (use 'answer: |' and indent the text below).",
    ], id="missing-answer"),
    pytest.param(VISA, "    answer: |\n      It takes 4 to 6 weeks.\n", "    answer: ''\n", [
        "knowledge/faq/visa.yml:20: entry 'visa_b' has an empty 'answer'. Write the answer after 'answer:'.",
    ], id="empty-answer"),
    pytest.param(VISA, "  - id: visa_b", "  - id: fee_a", [
        "knowledge/faq/fees.yml:25: entry 'fee_a' lists the related entry 'visa_b', which does not exist. "
        "Correct it (use an id from knowledge/faq/) or remove it.",
        "knowledge/faq/visa.yml:1: 'start_with' names 'visa_b', which is not an entry in this file. "
        "Use the id of one of the entries below.",
        "knowledge/faq/visa.yml:5: id 'fee_a' is already used at knowledge/faq/fees.yml:5. "
        "Pick a new id, e.g. 'fee_a_2'.",
    ], id="duplicate-id"),
    pytest.param(VISA, "  - id: visa_b", "  - id: Visa B", [
        "knowledge/faq/fees.yml:25: entry 'fee_a' lists the related entry 'visa_b', which does not exist. "
        "Correct it (use an id from knowledge/faq/) or remove it.",
        "knowledge/faq/visa.yml:1: 'start_with' names 'visa_b', which is not an entry in this file. "
        "Use the id of one of the entries below.",
        "knowledge/faq/visa.yml:5: 'id' is 'Visa B', which is not a valid id. "
        "Use lowercase letters, digits and underscores, e.g. 'visa_b'.",
    ], id="invalid-id"),
    pytest.param(VISA, "      - how long is the j1 processing time 0\n      - how long is the j1 processing time 1\n", "", [
        "knowledge/faq/visa.yml:7: entry 'visa_b' has 10 phrasings under 'also_asked'; at least 12 are needed. "
        "Add 2 more ways users ask this question.",
    ], id="too-few-phrasings"),
    pytest.param(VISA, "      - how long is the j1 processing time 1\n", "      - How long is the J1 processing time 0?\n", [
        "knowledge/faq/visa.yml:9: entry 'visa_b' lists the phrasing 'How long is the J1 processing time 0?' twice. "
        "Remove one of them.",
    ], id="phrasing-twice-in-entry"),
    pytest.param(VISA, "      - how long is the j1 processing time 1\n", "      - How much is the ECFMG application fee 3?\n", [
        "knowledge/faq/visa.yml:9: the phrasing 'How much is the ECFMG application fee 3?' of entry 'visa_b' is also "
        "used by entry 'fee_a' (knowledge/faq/fees.yml:11). Keep it under the one entry it belongs to.",
    ], id="phrasing-in-two-entries"),
    pytest.param(VISA, "It takes 4 to 6 weeks.", "It takes " + "very " * 118 + "long.", [
        "knowledge/faq/visa.yml:20: entry 'visa_b' has an answer of 121 words; the limit is 120. "
        "Shorten it, or move the detail into a related entry.",
    ], id="answer-too-long"),
    pytest.param(FEES, "{fee_application}", "{fee_aplication}", [
        "knowledge/faq/fees.yml:20: entry 'fee_a' uses the figure '{fee_aplication}', which is not in "
        "knowledge/figures.yml. Did you mean '{fee_application}'? Use a name from knowledge/figures.yml, "
        "or add the figure there.",
    ], id="unknown-figure"),
    pytest.param(FEES, "{fee_application}", "{fee_application} {oops", [
        "knowledge/faq/fees.yml:20: entry 'fee_a' has a '{' or '}' that is not part of a figure name. "
        "Write figures as {name} with a name from knowledge/figures.yml, or remove the brace.",
    ], id="stray-brace"),
    pytest.param(FEES, "[the fee page](https://www.ecfmg.org/fees/)", "[the fee page](https://www.ecfmg.org/fees/", [
        "knowledge/faq/fees.yml:20: entry 'fee_a' has a broken link '[the fee page](https://www.ecfmg.org/fees/.'. "
        "Write links as [text shown](https://address) with no spaces inside the brackets.",
    ], id="broken-link"),
    pytest.param(FEES, "[the fee page](https://www.ecfmg.org/fees/)", "[the fee page](http://www.ecfmg.org/fees/)", [
        "knowledge/faq/fees.yml:20: entry 'fee_a' links 'the fee page' to 'http://www.ecfmg.org/fees/', which is "
        "not an https web address. Use the full official address, starting with https://.",
    ], id="http-link"),
    pytest.param(VISA, "      - https://www.ecfmg.org/fees/\n" + VISA_META, "      - www.ecfmg.org/fees\n" + VISA_META, [
        "knowledge/faq/visa.yml:22: entry 'visa_b' has the source 'www.ecfmg.org/fees', which is not an https "
        "web address. Write the full official address, starting with https://.",
    ], id="source-not-url"),
    pytest.param(VISA, VISA_META, VISA_META.replace("2026-11-01", "2026-13-01"), [
        "knowledge/faq/visa.yml:24: 'checked' is '2026-13-01', not a date. Use YYYY-MM-DD, e.g. 2026-11-01.",
    ], id="impossible-date"),
    pytest.param(VISA, VISA_META, VISA_META.replace("2026-11-01", "2027-01-05"), [
        "knowledge/faq/visa.yml:24: entry 'visa_b' has 'checked' 2027-01-05, which is in the future. "
        "Use the date you last checked the answer against its sources (today or earlier).",
    ], id="future-date"),
    pytest.param(VISA, "related: [fee_a]", "related: [fee_aa]", [
        "knowledge/faq/visa.yml:25: entry 'visa_b' lists the related entry 'fee_aa', which does not exist. "
        "Correct it (did you mean 'fee_a') or remove it.",
    ], id="unknown-related"),
    pytest.param(VISA, "related: [fee_a]", "related: [visa_b]", [
        "knowledge/faq/visa.yml:25: entry 'visa_b' lists itself under 'related'. Remove its own id from 'related'.",
    ], id="related-to-itself"),
    pytest.param(VISA, "start_with: visa_b", "start_with: visa_c", [
        "knowledge/faq/visa.yml:1: 'start_with' names 'visa_c', which is not an entry in this file. "
        "Use the id of one of the entries below.",
    ], id="unknown-start-with"),
    pytest.param(VISA, "    question: What is visa_b?\n", "    question: What is visa_b?\n    anwser: hi\n", [
        "knowledge/faq/visa.yml:7: entry 'visa_b' has an unknown field 'anwser'. Remove it or correct the "
        "spelling; the fields are: id, question, also_asked, answer, sources, checked, related.",
    ], id="unknown-field"),
    pytest.param(VISA, "    also_asked:\n      - how long is the j1 processing time 0\n",
                 "    also_asked: how long\n    extra:\n      - how long is the j1 processing time 0\n", [
        "knowledge/faq/visa.yml:7: entry 'visa_b': 'also_asked' must be a list. "
        "Put each phrasing on its own line starting with '- ', under 'also_asked:'.",
        "knowledge/faq/visa.yml:8: entry 'visa_b' has an unknown field 'extra'. Remove it or correct the "
        "spelling; the fields are: id, question, also_asked, answer, sources, checked, related.",
    ], id="phrasings-not-a-list"),
    pytest.param(VISA, "topic: visa\n", "", [
        "knowledge/faq/visa.yml:1: the topic file has no 'topic'. Add 'topic:' with the topic id, e.g. 'topic: fees'.",
    ], id="missing-topic"),
    pytest.param(VISA, "topic: visa\n", "topic: fees\n", [
        "knowledge/faq/visa.yml:1: the topic 'fees' is already used by knowledge/faq/fees.yml. "
        "Give each topic file its own topic id.",
    ], id="duplicate-topic"),
    pytest.param("figures.yml", "    value: US$160\n", "", [
        "knowledge/figures.yml:2: figure 'fee_application' has no 'value'. "
        "Add 'value:' with the figure as users should read it, e.g. 'value: US$220'.",
    ], id="figure-without-value"),
    pytest.param("figures.yml", "    checked: 2026-11-01\n", "    checked: 2026-11-31\n", [
        "knowledge/figures.yml:7: 'checked' is '2026-11-31', not a date. Use YYYY-MM-DD, e.g. 2026-11-01.",
    ], id="figure-bad-date"),
    pytest.param("glossary.yml", "    label: exam\n", "    label: exams\n", [
        "knowledge/glossary.yml:2: term 'step2ck' has the label 'exams'. "
        "Use one of: document, exam, organization, portal, program, term, visa.",
    ], id="glossary-label"),
    pytest.param("glossary.yml", "    variants: [step 2 ck, ck]\n",
                 "    variants: [step 2 ck, ck]\n  - id: ck_other\n    label: exam\n    name: Other\n    variants: [ck]\n", [
        "knowledge/glossary.yml:6: the variant 'ck' of term 'ck_other' is also a variant of 'step2ck'. "
        "Keep it under one term only.",
    ], id="glossary-variant-twice"),
]


@pytest.mark.parametrize(("file", "old", "new", "expected"), CASES)
def test_problem_message(knowledge_dir: Path, file: str, old: str, new: str, expected: list[str]) -> None:
    assert problems_after_edit(knowledge_dir, file, old, new) == expected


def test_every_problem_is_reported_in_one_run(knowledge_dir: Path) -> None:
    problems_after_edit(knowledge_dir, VISA, "related: [fee_a]", "related: [visa_b]")
    problems = problems_after_edit(knowledge_dir, FEES, "{fee_application}", "{nope}")
    assert len(problems) == 2
    assert problems[0].startswith("knowledge/faq/fees.yml:20: ")
    assert problems[1].startswith("knowledge/faq/visa.yml:25: ")


def test_no_topic_files(knowledge_dir: Path) -> None:
    for path in (knowledge_dir / "faq").glob("*.yml"):
        path.unlink()
    assert [str(p) for p in find_problems(knowledge_dir, TODAY)[1]] == [
        "knowledge/faq:1: there are no topic files (*.yml) here. "
        "Add at least one topic file, e.g. knowledge/faq/fees.yml."
    ]
