"""Shared fixtures: a small valid knowledge folder, and trackers for action tests."""
from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any, Callable

import pytest
from rasa_sdk import Tracker

PHRASINGS_A = [f"how much is the ecfmg application fee {n}" for n in range(12)]
PHRASINGS_B = [f"how long is the j1 processing time {n}" for n in range(12)]


def entry_yaml(entry_id: str, phrasings: list[str], related: str, answer: str) -> str:
    lines = "\n".join(f"      - {p}" for p in phrasings)
    return (
        f"  - id: {entry_id}\n"
        f"    question: What is {entry_id}?\n"
        f"    also_asked:\n{lines}\n"
        f"    answer: |\n      {answer}\n"
        f"    sources:\n      - https://www.ecfmg.org/fees/\n"
        f"    checked: 2026-11-01\n"
        f"    related: [{related}]\n"
    )


FIGURES = textwrap.dedent("""\
    figures:
      - name: fee_application
        value: US$160
        as_of: January 2022
        caveat: check ecfmg.org
        source: https://www.ecfmg.org/fees/
        checked: 2026-11-01
    """)

GLOSSARY = textwrap.dedent("""\
    terms:
      - id: step2ck
        label: exam
        name: USMLE Step 2 CK
        variants: [step 2 ck, ck]
    """)


ELIGIBILITY = textwrap.dedent("""\
    checked: 2026-11-01
    sources: [https://www.ecfmg.org/certification/requirements-for-certification.html]
    questions:
      - {slot: school_listed, label: your school, ask: Is your school listed?, how_to_find_out: Look it up.,
         mentions: [world directory]}
      - {slot: graduated, label: your graduation, ask: Have you graduated?, how_to_find_out: Ask your school.,
         mentions: [graduated]}
      - {slot: step1_passed, label: Step 1, ask: Passed Step 1?, how_to_find_out: See your transcript., mentions: [step 1]}
      - {slot: step2ck_passed, label: Step 2 CK, ask: Passed Step 2 CK?, how_to_find_out: See your transcript.,
         mentions: [ck]}
      - {slot: step2cs_passed, label: Step 2 CS, ask: Passed Step 2 CS?, how_to_find_out: See your transcript.,
         mentions: [cs]}
      - {slot: pathway_met, label: your Pathway, ask: Pathway accepted?, how_to_find_out: See MyIntealth.,
         mentions: [pathway], skip_if: [{step2cs_passed: "yes"}]}
      - {slot: oet_passed, label: OET, ask: "Passed OET ({fee_application})?", how_to_find_out: See oet.com.,
         mentions: [oet], skip_if: [{step2cs_passed: "yes"}],
         min_scores: {listening: 350, reading: 350, speaking: 350, writing: 300}}
    stops:
      - {when: {school_listed: "no"}, status: not_eligible, missing: [school]}
    requirements:
      - {id: school, title: A listed school, met_if: [{school_listed: "yes"}], next_step: Check it., fee: none,
         link: https://www.wdoms.org}
      - {id: graduation, title: Graduation, met_if: [{graduated: "yes"}], next_step: Graduate., fee: none,
         link: https://www.ecfmg.org/}
      - {id: step1, title: Step 1, met_if: [{step1_passed: "yes"}], next_step: Pass it., fee: "{fee_application}",
         link: https://www.usmle.org/}
      - {id: step2ck, title: Step 2 CK, met_if: [{step2ck_passed: "yes"}], next_step: Pass it., fee: none,
         link: https://www.usmle.org/}
      - {id: clinical_skills, title: Clinical skills, met_if: [{step2cs_passed: "yes"}, {pathway_met: "yes", oet_passed: "yes"}],
         next_step: Apply for a Pathway., fee: none, link: https://www.ecfmg.org/}
      - {id: oet, title: OET, met_if: [{step2cs_passed: "yes"}, {oet_passed: "yes"}], next_step: Take OET., fee: none,
         link: https://www.ecfmg.org/}
    """)


@pytest.fixture
def knowledge_dir(tmp_path: Path) -> Path:
    """knowledge/ with two topics, one entry each, one figure, one glossary term and an eligibility
    check: no problems."""
    root = tmp_path / "knowledge"
    (root / "faq").mkdir(parents=True)
    (root / "faq" / "fees.yml").write_text(
        "topic: fees\ntitle: Fees\nstart_with: fee_a\nentries:\n"
        + entry_yaml("fee_a", PHRASINGS_A, "visa_b",
                     "The application costs {fee_application}. See [the fee page](https://www.ecfmg.org/fees/)."))
    (root / "faq" / "visa.yml").write_text(
        "topic: visa\ntitle: Visa\nstart_with: visa_b\nentries:\n"
        + entry_yaml("visa_b", PHRASINGS_B, "fee_a", "It takes 4 to 6 weeks."))
    (root / "figures.yml").write_text(FIGURES)
    (root / "glossary.yml").write_text(GLOSSARY)
    (root / "eligibility.yml").write_text(ELIGIBILITY)
    return root


@pytest.fixture
def make_tracker() -> Callable[..., Tracker]:
    def make(latest_message: dict[str, Any] | None = None, slots: dict[str, Any] | None = None,
             sender_id: str = "test-user") -> Tracker:
        return Tracker(sender_id, slots or {}, latest_message or {}, [], False, None, {}, "action_listen")
    return make
