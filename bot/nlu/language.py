"""Tells a message in another language from English, with lingua (a maintained language identifier).

IMGs write English mixed with exam jargon ("ck fee 2027", "usmle attempt limit"), which a language
identifier alone reads as Somali or Norwegian. So words the bot was trained on count as English,
and only what is left is given to lingua; the verdict needs several unknown words and a sure lingua.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from lingua import ConfidenceValue, Language, LanguageDetector, LanguageDetectorBuilder

# The languages our users write besides English (EVAL-BRIEF.md's regions); fewer candidates, fewer mix-ups.
CANDIDATES = (
    Language.ENGLISH, Language.ARABIC, Language.PERSIAN, Language.URDU, Language.HINDI, Language.BENGALI,
    Language.MARATHI, Language.PUNJABI, Language.TAMIL, Language.SPANISH, Language.PORTUGUESE, Language.FRENCH,
    Language.RUSSIAN, Language.UKRAINIAN, Language.POLISH, Language.ROMANIAN, Language.GEORGIAN,
    Language.ARMENIAN, Language.VIETNAMESE, Language.TAGALOG, Language.INDONESIAN, Language.MALAY,
    Language.TURKISH, Language.CHINESE, Language.KOREAN, Language.JAPANESE, Language.GERMAN, Language.ITALIAN,
    Language.SWAHILI, Language.YORUBA, Language.HEBREW, Language.THAI,
)
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
LATIN = re.compile(r"[a-z]", re.IGNORECASE)
DIGIT = re.compile(r"\d")
MIN_UNKNOWN_WORDS = 2
MIN_CONFIDENCE = 0.6
MAX_KNOWN_SHARE = 0.4


@dataclass(frozen=True)
class Verdict:
    english: bool
    language: str | None = None  # lower-case lingua name ("spanish") when not English


@lru_cache(maxsize=1)
def detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(*CANDIDATES).with_minimum_relative_distance(0.0).build()


def identify(text: str, known_words: frozenset[str]) -> Verdict:
    """English unless most words are unknown to the bot and lingua is sure they are another language.

    A message with no letters at all (emoji, "???") has no language: it is not called English. Digits are
    the exception: "245" or "2019" answers a question about a score or a year.
    """
    words = WORD.findall(text.lower())
    if not words:
        return Verdict(DIGIT.search(text) is not None, None)
    foreign_script = [w for w in words if not LATIN.search(w)]
    if len(foreign_script) * 2 >= len(words):  # mostly Arabic, Cyrillic, Devanagari ... script
        return Verdict(False, _best(" ".join(foreign_script)).language.name.lower())
    unknown = [w for w in words if w not in known_words]
    if len(unknown) < MIN_UNKNOWN_WORDS or (len(words) - len(unknown)) / len(words) > MAX_KNOWN_SHARE:
        return Verdict(True)
    best = _best(" ".join(unknown))
    if best.language == Language.ENGLISH or best.value < MIN_CONFIDENCE:
        return Verdict(True)
    return Verdict(False, best.language.name.lower())


def _best(text: str) -> ConfidenceValue:
    return detector().compute_language_confidence_values(text)[0]
