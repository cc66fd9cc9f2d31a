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


@pytest.fixture
def knowledge_dir(tmp_path: Path) -> Path:
    """knowledge/ with two topics, one entry each, one figure and one glossary term: no problems."""
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
    return root


@pytest.fixture
def make_tracker() -> Callable[..., Tracker]:
    def make(latest_message: dict[str, Any] | None = None, slots: dict[str, Any] | None = None,
             sender_id: str = "test-user") -> Tracker:
        return Tracker(sender_id, slots or {}, latest_message or {}, [], False, None, {}, "action_listen")
    return make
