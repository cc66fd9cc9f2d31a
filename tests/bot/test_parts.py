"""Finding the questions in a message: numbered items, joined questions, greetings and biography."""
from __future__ import annotations

import pytest

from bot.nlu.parts import split_parts, story_of


@pytest.mark.parametrize(("text", "parts"), [
    ("Respected sir, I am from Lahore, graduated 2019, failed CK once. 1) how many attempts are left "
     "2) what is the fee now?", ["how many attempts are left", "what is the fee now?"]),
    ("who do I pay for USMLE now, and how much is it?", ["who do I pay for USMLE now", "how much is it?"]),
    ("Nigerian grad here (UNN 2019). I passed Step 1 in 2019. Do I still need OET?", ["Do I still need OET?"]),
    ("ck fee 2027", ["ck fee 2027"]),
    ("I want to know the fee for step 1. Thanks in advance", ["I want to know the fee for step 1."]),
    ("Dear sir. 1. fee for ck? 2. j1 docs?", ["fee for ck?", "j1 docs?"]),
    ("what is the step 1 fee? and ck?", ["what is the step 1 fee? and ck?"]),
    ("q1: is cs still needed q2: what replaced it q3: oet score? q4: what is the deadline?",
     ["is cs still needed", "what replaced it", "oet score?"]),
])
def test_questions_of_a_message(text: str, parts: list[str]) -> None:
    assert split_parts(text) == parts


def test_a_greeting_alone_is_kept_as_the_message() -> None:
    assert split_parts("hello sir") == ["hello sir"]


def test_the_story_is_what_does_not_ask() -> None:
    assert story_of("I am from Lahore. I failed CK once. How many attempts are left?") == \
        "I am from Lahore. I failed CK once."
