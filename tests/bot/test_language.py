"""Telling another language from English written with exam jargon (lingua plus the bot's own words)."""
from __future__ import annotations

import pytest

from bot.nlu.language import Verdict, identify

KNOWN = frozenset("ecfmg ck fee usmle attempt limit son needed step certificate oet j pls sir help me waiver "
                  "incomplete counts what is the".split())


@pytest.mark.parametrize("text", [
    "ck fee 2027", "son needed?", "usmle attempt limit", "incomplete attempt counts?", "pls sir help me j1 waiver",
    "ecfmg certificate kab milega", "my school gave me wrong info what to do now",
])
def test_english_with_jargon_and_typos_is_english(text: str) -> None:
    assert identify(text, KNOWN).english


@pytest.mark.parametrize(("text", "language"), [
    ("ما هي رسوم ECFMG", "arabic"),
    ("cuanto cuesta el examen step 1", "spanish"),
    ("Сколько стоит сертификация ECFMG", "russian"),
    ("Bonjour, combien coûte le Step 2 CK ?", "french"),
    ("Phí thi Step 1 là bao nhiêu?", "vietnamese"),
])
def test_other_languages_are_named(text: str, language: str) -> None:
    assert identify(text, KNOWN) == Verdict(False, language)


def test_a_message_without_words_is_not_english() -> None:
    assert identify("😭😭🙏", KNOWN) == Verdict(False, None)
    assert identify("245", KNOWN) == Verdict(True, None)
    assert identify("2019 🎉", KNOWN) == Verdict(True, None)
