"""Removes contact details and ID numbers from what users typed, before anything is stored.

Kept on purpose: years (2019), year ranges (2019-2021), dates, fees (US$985, $1,095), scores
(245), attempt counts and short codes like DS-2019 — staff need them to understand a question.
"""
from __future__ import annotations

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# USMLE/ECFMG IDs are written 0-123-456-7; MyIntealth and other account numbers are digit runs.
DASHED_ID = re.compile(r"(?<![\w-])\d-\d{3}-\d{3}-\d(?![\w-])")
# Passports: one or two letters then 6 to 9 digits (A12345678, AB1234567), or a number after the word.
PASSPORT = re.compile(r"(?<!\w)[A-Za-z]{1,2}\d{6,9}(?!\w)")
PASSPORT_AFTER_WORD = re.compile(r"(passport\s*(?:no\.?|number|num|#)?\s*(?:is|:)?\s*)([A-Za-z0-9-]{5,12})",
                                 re.IGNORECASE)
# A phone number: optional +, digits in groups separated by spaces, dots, dashes or brackets.
PHONE_CANDIDATE = re.compile(r"(?<![\w$])\+?\(?\d[\d\s().-]{5,}\d(?![\w%])")
LONG_DIGIT_RUN = re.compile(r"(?<!\d)\d{7,}(?!\d)")
DATE_LIKE = re.compile(r"^(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})$")
YEAR = re.compile(r"^(?:19|20)\d\d$")

EMAIL_MARK = "[email]"
PHONE_MARK = "[phone]"
ID_MARK = "[id number]"
PASSPORT_MARK = "[passport number]"


def redact(text: str) -> str:
    """text with emails, phone numbers, passport and ID numbers replaced by [email], [phone], …"""
    text = EMAIL.sub(EMAIL_MARK, text)
    text = DASHED_ID.sub(ID_MARK, text)
    text = PASSPORT_AFTER_WORD.sub(_passport_after_word, text)
    text = PASSPORT.sub(PASSPORT_MARK, text)
    text = PHONE_CANDIDATE.sub(_phone_or_keep, text)
    return LONG_DIGIT_RUN.sub(ID_MARK, text)


def _passport_after_word(match: re.Match[str]) -> str:
    value = match.group(2)
    if not any(ch.isdigit() for ch in value):
        return match.group(0)
    return match.group(1) + PASSPORT_MARK


def _phone_or_keep(match: re.Match[str]) -> str:
    found = match.group(0)
    candidate = found.rstrip(" .-)")
    if candidate.count("(") > candidate.count(")"):
        candidate = found.rstrip(" .-")
    rest = found[len(candidate):]
    if re.fullmatch(r"\d{8}", candidate):
        return ID_MARK + rest  # USMLE, ECFMG and MyIntealth IDs are eight digits
    if _looks_like_phone(candidate):
        return PHONE_MARK + rest
    return found


def _looks_like_phone(candidate: str) -> bool:
    groups = re.findall(r"\d+", candidate)
    digits = "".join(groups)
    if not 7 <= len(digits) <= 15 or DATE_LIKE.match(candidate.strip("()")):
        return False
    if all(YEAR.match(g) for g in groups):
        return False  # "2019 - 2021", "2024 2025"
    if candidate.startswith("+") or "(" in candidate:
        return True
    if re.fullmatch(r"\d{3}-\d{4}", candidate):
        return True  # a local number without area code
    # "scores 245 250 260" or "245 2019" are not phone numbers: those have 9+ digits, one group of 4+.
    return len(digits) >= 9 and any(len(g) >= 4 for g in groups)
