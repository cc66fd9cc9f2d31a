"""One answer with a link and buttons, rendered for each channel and compared whole with its snapshot;
plus the rules each platform's format needs (escaping, splitting, button tokens)."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from bot.channels.render import (
    TELEGRAM_CALLBACK_LIMIT, decode_button, encode_button, render_rest, render_slack, render_telegram,
    slack_mrkdwn, split_markdown, telegram_html, telegram_plain,
)

SNAPSHOTS = Path(__file__).with_name("snapshots")
# What action_answer_faq sends (utter_faq_answer with related-entry buttons), with the characters
# each format must escape.
ANSWER = {
    "recipient_id": "user-1",
    "text": ("The ECFMG Certification application costs US$160 (as of January 2022) & you pay it once, "
             "in MyIntealth. Fees <change>: check before paying.\n\n"
             "Source: [ecfmg.org/fees](https://www.ecfmg.org/fees/?tab=1&lang=en) · "
             "[ecfmg.org/certification](https://www.ecfmg.org/certification/)\n"
             "Checked: 1 November 2026"),
    "buttons": [
        {"title": "How long does ECFMG Certification take?", "payload": '/faq{"faq_id": "certification_timeline"}'},
        {"title": "Which fees do I pay for USMLE Step 1 and Step 2 CK, and who do I pay them to?",
         "payload": '/faq{"faq_id": "fees_overview"}'},
        {"title": "Check my eligibility", "payload": "/eligibility_form"},
    ],
}
RENDERERS = {
    "telegram": lambda: render_telegram(ANSWER, 4242),
    "slack": lambda: render_slack(ANSWER, "C0GENERAL", "1764576000.000100"),
    "rest": lambda: render_rest(ANSWER),
}


@pytest.mark.parametrize("channel", sorted(RENDERERS))
def test_answer_with_link_and_buttons_matches_the_snapshot(channel: str) -> None:
    rendered = json.dumps(RENDERERS[channel](), indent=2, ensure_ascii=False) + "\n"
    snapshot = SNAPSHOTS / f"{channel}.json"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        snapshot.write_text(rendered, encoding="utf-8")
    assert snapshot.exists(), f"{snapshot} is missing; write it with UPDATE_SNAPSHOTS=1 and review it"
    assert rendered == snapshot.read_text(encoding="utf-8")


def test_telegram_html_escapes_user_visible_text_and_links() -> None:
    assert telegram_html('<script>alert("x")</script> & [a <b>](https://x.org/?q="1"&r=2)') == \
        '&lt;script&gt;alert("x")&lt;/script&gt; &amp; <a href="https://x.org/?q=&quot;1&quot;&amp;r=2">a &lt;b&gt;</a>'


def test_only_well_formed_http_links_become_links() -> None:
    assert telegram_html("[x](javascript:alert(1)) [y](ftp://h) [z]()") == "[x](javascript:alert(1)) [y](ftp://h) [z]()"


def test_telegram_plain_undoes_the_markup() -> None:
    assert telegram_plain(telegram_html("a & b [c](https://d.org/?e=1&f=2)")) == "a & b c (https://d.org/?e=1&f=2)"


def test_slack_mrkdwn_escapes_control_characters_and_writes_links_slack_style() -> None:
    assert slack_mrkdwn("a < b & c > d [the | page](https://x.org/a|b?c=1&d=2)") == \
        "a &lt; b &amp; c &gt; d <https://x.org/a%7Cb?c=1&amp;d=2|the ¦ page>"


def sizes(pieces: list[str], render: Any) -> list[int]:
    return [len(render(p)) for p in pieces]


def test_split_prefers_paragraphs_then_lines_then_sentences_then_words() -> None:
    text = "One two. Three four.\nFive six.\n\nSeven eight."
    assert split_markdown(text, 100, len) == [text]
    assert split_markdown(text, 30, len) == ["One two. Three four.\nFive six.", "Seven eight."]
    assert split_markdown(text, 20, len) == ["One two. Three four.", "Five six.", "Seven eight."]
    assert split_markdown(text, 12, len) == ["One two.", "Three four.", "Five six.", "Seven eight."]
    assert split_markdown(text, 6, len) == ["One", "two.", "Three", "four.", "Five", "six.", "Seven", "eight."]


def test_split_never_cuts_a_link_and_counts_the_rendered_size() -> None:
    link = "[the official ECFMG fee page](https://www.ecfmg.org/fees/)"
    text = " ".join(["See", link, "now."] * 3)
    pieces = split_markdown(text, 120, lambda s: len(telegram_html(s)))
    assert "".join(pieces).replace(" ", "") == text.replace(" ", "")
    assert all(size <= 120 for size in sizes(pieces, telegram_html))
    assert sum(p.count(link) for p in pieces) == 3


def test_split_cuts_text_without_spaces_but_keeps_escapes_whole() -> None:
    text = "考试费用" * 30 + "&&&&" * 10
    pieces = split_markdown(text, 50, lambda s: len(telegram_html(s)))
    assert "".join(pieces) == text
    assert all(size <= 50 for size in sizes(pieces, telegram_html))
    assert all(not re.search(r"&(?!amp;)", telegram_html(p)) for p in pieces)


def test_telegram_limit_counts_utf16_units_so_emoji_count_twice() -> None:
    sends = render_telegram({"text": "👍" * 3000}, 1)
    assert [len(s["text"]) for s in sends] == [2048, 952]


def test_telegram_skips_messages_without_text() -> None:
    assert render_telegram({"image": "https://x.org/a.png"}, 1) == []
    assert render_slack({"custom": {"a": 1}}, "C", None) is None


def test_slack_truncates_long_button_titles_and_splits_long_text_into_sections() -> None:
    message = {"text": ("word " * 700 + "\n\n") * 2, "buttons": [{"title": "x" * 100, "payload": "/greet"}] * 30}
    params = render_slack(message, "C", None)
    assert params is not None
    sections = [b for b in params["blocks"] if b["type"] == "section"]
    actions = [b for b in params["blocks"] if b["type"] == "actions"]
    assert len(sections) == 4 and all(len(b["text"]["text"]) <= 3000 for b in sections)  # two per paragraph
    assert [len(b["elements"]) for b in actions] == [25, 5]
    assert len({e["action_id"] for b in actions for e in b["elements"]}) == 30
    assert actions[0]["elements"][0]["text"]["text"] == "x" * 74 + "…"


@pytest.mark.parametrize("payload, token", [
    ('/faq{"faq_id": "certification_no_residency_guarantee"}', "f:certification_no_residency_guarantee"),
    ("/eligibility_form", "p:/eligibility_form"),
    ('/inform{"school_listed": "yes"}', 'p:/inform{"school_listed": "yes"}'),
])
def test_button_tokens_fit_telegram_and_decode_to_the_payload(payload: str, token: str) -> None:
    assert encode_button(payload, "title", TELEGRAM_CALLBACK_LIMIT) == token
    choice = decode_button(token)
    assert choice.is_payload
    assert choice.text == payload


def test_payload_too_long_for_telegram_falls_back_to_the_title_as_text() -> None:
    payload = '/faq{"faq_id": "' + "a_very_long_entry_id_" * 4 + '"}'
    token = encode_button(payload, "Wie lange dauert die Zertifizierung für Ärztinnen und Ärzte?", 64)
    assert len(token.encode()) <= 64
    choice = decode_button(token)
    assert not choice.is_payload
    assert "Wie lange dauert die Zertifizierung für" in choice.text


@pytest.mark.parametrize("token", ["/restart", "x:/restart", "p:restart", "f:", "garbage"])
def test_forged_tokens_are_read_as_typed_text(token: str) -> None:
    assert not decode_button(token).is_payload


def test_every_knowledge_entry_fits_a_telegram_button() -> None:
    from bot.answering import faq_payload
    from bot.kb.loader import load_knowledge
    from bot.paths import knowledge_dir

    knowledge, _ = load_knowledge(knowledge_dir())
    too_long = [e.id for e in knowledge.entries.values() if decode_button(
        encode_button(faq_payload(e.id), e.question, TELEGRAM_CALLBACK_LIMIT)).text != faq_payload(e.id)]
    assert knowledge.entries and too_long == []
