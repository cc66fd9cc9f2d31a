"""Redaction of what users type: contact details and ID numbers go, facts about their case stay."""
from __future__ import annotations

import pytest

from bot.redact import redact

REDACTED = [
    ("my email is dr.ahmed+ecfmg@gmail.com, reply there", "my email is [email], reply there"),
    ("contact me at priya_sharma@yahoo.co.in please", "contact me at [email] please"),
    ("MAIL: J.Okafor@UNILAG.EDU.NG", "MAIL: [email]"),
    ("call me on +234 803 123 4567.", "call me on [phone]."),
    ("+1 (555) 123-4567 is my cell", "[phone] is my cell"),
    ("call (555) 123-4567 now", "call [phone] now"),
    ("my number is 0803-123-4567", "my number is [phone]"),
    ("whatsapp 03001234567 for details", "whatsapp [phone] for details"),
    ("UK mobile 020 7946 0958", "UK mobile [phone]"),
    ("555.123.4567", "[phone]"),
    ("+91-98765-43210 (India)", "[phone] (India)"),
    ("+20 10 1234 5678", "[phone]"),
    ("office 123-4567", "office [phone]"),
    ("my USMLE ID is 5-123-456-7, can you check it", "my USMLE ID is [id number], can you check it"),
    ("ECFMG ID: 0-123-456-7", "ECFMG ID: [id number]"),
    ("USMLE ID 51234567", "USMLE ID [id number]"),
    ("my MyIntealth ID is 12345678 and i paid", "my MyIntealth ID is [id number] and i paid"),
    ("invoice 1234567890123456789", "invoice [id number]"),
    ("passport A12345678", "passport [passport number]"),
    ("AB1234567 is my passport", "[passport number] is my passport"),
    ("passport number is K1234567", "passport number is [passport number]"),
    ("passport no. 123456789", "passport no. [passport number]"),
    ("Passport #: 987654321 expires soon", "Passport #: [passport number] expires soon"),
    ("my passport is P-1234567", "my passport is [passport number]"),
    ("i am ali@x.com, +44 7700 900123, USMLE 1-234-567-8",
     "i am [email], [phone], USMLE [id number]"),
]

KEPT = [
    "I graduated in 2019 from Cairo University",
    "between 2019-2021 I did my internship",
    "from 2019 to 2021",
    "2024 2025 match cycle",
    "I scored 245 on step 1",
    "scored 245 250 260 in my NBMEs",
    "I got 245 2019",
    "is the fee US$985 or $1,095 now",
    "i paid 1,000 dollars for step 2 ck",
    "the SEVIS fee is US$220",
    "DS-2019 form from ECFMG",
    "form I-94 and DS-2019",
    "checked on 2026-11-01",
    "exam on 12.05.2026",
    "my exam is on 01/11/2026",
    "OET 350 in each sub-test",
    "Step 1 attempt 2 of 4",
    "My passport expired in 2025",
    "is my passport valid until 2027",
    "99.5% pass rate",
    "the match is at 12:00 ET",
    "H-1B or J-1 visa",
    "Pathway 1, 2, 3, 4, 5 or 6",
    "step 2 ck score 250, step 1 pass",
]


@pytest.mark.parametrize(("typed", "stored"), REDACTED)
def test_contact_details_and_id_numbers_are_redacted(typed: str, stored: str) -> None:
    assert redact(typed) == stored


@pytest.mark.parametrize("typed", KEPT)
def test_years_dates_fees_scores_and_form_names_are_kept(typed: str) -> None:
    assert redact(typed) == typed
