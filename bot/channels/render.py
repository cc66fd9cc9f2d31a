"""Turns Rasa bot messages (Markdown-link text + buttons) into each platform's message payloads."""
from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from bot.answering import FAQ_INTENT, PICKED_ENTRY_ENTITY, faq_payload

logger = logging.getLogger(__name__)

# Our answers use only [label](https://...) links; anything else is shown as typed.
MARKDOWN_LINK = re.compile(r"\[([^\[\]\n]+)\]\((https?://[^\s()]+)\)")
_FAQ_PICK = re.compile(rf"^/{FAQ_INTENT}(\{{.*\}})$")
# Preferred places to split a long message, best first, with how far past the match to cut (a
# sentence keeps its full stop); the last resort is any place outside a link.
_SPLIT_AT = ((re.compile(r"\n\n"), 0), (re.compile(r"\n"), 0), (re.compile(r"[.!?] "), 1), (re.compile(r" "), 0))

TELEGRAM_TEXT_LIMIT = 4096  # UTF-16 code units, https://core.telegram.org/bots/api#sendmessage
TELEGRAM_CALLBACK_LIMIT = 64  # bytes of callback_data
SLACK_SECTION_LIMIT = 3000  # characters of a section block's text
SLACK_BUTTON_TEXT_LIMIT = 75
SLACK_BUTTON_VALUE_LIMIT = 2000
SLACK_BUTTONS_PER_BLOCK = 25


@dataclass(frozen=True)
class ButtonChoice:
    """What a pressed button means: a payload for Rasa, or text as if the user had typed it."""

    text: str
    is_payload: bool


def encode_button(payload: str, title: str, limit_bytes: int) -> str:
    """A short, reversible token for a button: `f:<faq id>`, `p:<payload>`, or `t:<title>` as the last resort."""
    entry_id = _picked_entry_id(payload)
    candidates = ([f"f:{entry_id}"] if entry_id else []) + [f"p:{payload}"]
    for token in candidates:
        if len(token.encode()) <= limit_bytes:
            return token
    logger.warning("button payload %r does not fit in %d bytes; the button sends its title instead", payload,
                   limit_bytes)
    return "t:" + _truncate_bytes(title, limit_bytes - 2)


def decode_button(token: str) -> ButtonChoice:
    """The meaning of a token from encode_button; anything else (a forged token) counts as typed text."""
    kind, _, value = token.partition(":")
    if kind == "f" and value:
        return ButtonChoice(faq_payload(value), True)
    if kind == "p" and value.startswith("/"):
        return ButtonChoice(value, True)
    if kind == "t":
        return ButtonChoice(value, False)
    return ButtonChoice(token, False)


def _picked_entry_id(payload: str) -> str | None:
    match = _FAQ_PICK.match(payload)
    if not match:
        return None
    try:
        entities = json.loads(match.group(1))
    except ValueError:
        return None
    if isinstance(entities, dict) and list(entities) == [PICKED_ENTRY_ENTITY] and \
            isinstance(entities[PICKED_ENTRY_ENTITY], str):
        return entities[PICKED_ENTRY_ENTITY]
    return None


def _truncate_bytes(text: str, limit: int) -> str:
    return text.encode()[:limit].decode(errors="ignore")


def _truncate_chars(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def split_markdown(text: str, limit: int, size: Callable[[str], int]) -> list[str]:
    """Pieces of `text` whose rendered size is at most `limit`, cut between paragraphs, lines,
    sentences or words where possible and never inside a link, so no piece breaks a tag."""
    pieces = []
    rest = text.strip()
    while size(rest) > limit:
        cut = _best_cut(rest, limit, size)
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def _best_cut(text: str, limit: int, size: Callable[[str], int]) -> int:
    links = [m.span() for m in MARKDOWN_LINK.finditer(text)]

    def outside_links(pos: int) -> bool:
        return all(not start < pos < end for start, end in links)

    for pattern, offset in _SPLIT_AT:
        cuts = [m.start() + offset for m in pattern.finditer(text)]
        cut = _largest_fitting([c for c in cuts if c > 0 and outside_links(c)], text, limit, size)
        if cut:
            return cut
    cut = _largest_fitting([c for c in range(1, len(text)) if outside_links(c)], text, limit, size)
    return cut or _largest_fitting(list(range(1, len(text))), text, limit, size) or 1


def _largest_fitting(cuts: list[int], text: str, limit: int, size: Callable[[str], int]) -> int | None:
    """The largest cut whose prefix fits (a prefix grows with the cut, so binary search works)."""
    low, high, best = 0, len(cuts) - 1, None
    while low <= high:
        middle = (low + high) // 2
        if size(text[: cuts[middle]].rstrip()) <= limit:
            best, low = cuts[middle], middle + 1
        else:
            high = middle - 1
    return best


def _render_links(text: str, plain: Callable[[str], str], link: Callable[[str, str], str]) -> str:
    out, position = [], 0
    for match in MARKDOWN_LINK.finditer(text):
        out.append(plain(text[position:match.start()]))
        out.append(link(match.group(1), match.group(2)))
        position = match.end()
    out.append(plain(text[position:]))
    return "".join(out)


# Telegram ---------------------------------------------------------------------------------------

def telegram_html(markdown: str) -> str:
    """Text for parse_mode HTML: everything escaped, Markdown links as <a href>."""
    return _render_links(markdown, lambda s: html.escape(s, quote=False),
                         lambda label, url: f'<a href="{html.escape(url)}">{html.escape(label, quote=False)}</a>')


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def render_telegram(message: dict[str, Any], chat_id: int | str) -> list[dict[str, Any]]:
    """sendMessage parameters for one bot message; the buttons go under its last piece."""
    text = message.get("text") or ""
    if not text.strip():
        logger.warning("bot message without text not sent to Telegram: %s", sorted(message))
        return []
    pieces = split_markdown(text, TELEGRAM_TEXT_LIMIT, lambda s: _utf16_length(telegram_html(s)))
    sends = [{"chat_id": chat_id, "text": telegram_html(piece), "parse_mode": "HTML",
              "link_preview_options": {"is_disabled": True}} for piece in pieces]
    buttons = message.get("buttons") or []
    if buttons:
        sends[-1]["reply_markup"] = {"inline_keyboard": [
            [{"text": b["title"], "callback_data": encode_button(b["payload"], b["title"], TELEGRAM_CALLBACK_LIMIT)}]
            for b in buttons]}
    return sends


def telegram_plain(html_text: str) -> str:
    """The same text without markup, for when Telegram refuses our HTML."""
    with_urls = re.sub(r'<a href="([^"]*)">(.*?)</a>', lambda m: f"{m.group(2)} ({m.group(1)})", html_text)
    return html.unescape(re.sub(r"<[^>]+>", "", with_urls))


# Slack ------------------------------------------------------------------------------------------

def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_mrkdwn(markdown: str) -> str:
    """Text for Slack mrkdwn: &, <, > escaped (in link addresses too, as Slack writes them), links as <url|label>."""
    return _render_links(markdown, _slack_escape, lambda label, url: "<{}|{}>".format(
        _slack_escape(quote(url, safe=":/?#[]@!$&'()*+,;=%~-._")), _slack_escape(label).replace("|", "¦")))


def render_slack(message: dict[str, Any], channel: str, thread_ts: str | None) -> dict[str, Any] | None:
    """chat.postMessage parameters for one bot message: mrkdwn sections, then button rows."""
    text = message.get("text") or ""
    if not text.strip():
        logger.warning("bot message without text not sent to Slack: %s", sorted(message))
        return None
    pieces = split_markdown(text, SLACK_SECTION_LIMIT, lambda s: len(slack_mrkdwn(s)))
    blocks: list[dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": slack_mrkdwn(piece)}}
                                    for piece in pieces]
    buttons = message.get("buttons") or []
    for first in range(0, len(buttons), SLACK_BUTTONS_PER_BLOCK):
        row = buttons[first:first + SLACK_BUTTONS_PER_BLOCK]
        blocks.append({"type": "actions", "block_id": f"choices_{first // SLACK_BUTTONS_PER_BLOCK}", "elements": [
            {"type": "button", "action_id": f"choice_{first + n}",
             "text": {"type": "plain_text", "text": _truncate_chars(b["title"], SLACK_BUTTON_TEXT_LIMIT)},
             "value": encode_button(b["payload"], b["title"], SLACK_BUTTON_VALUE_LIMIT)}
            for n, b in enumerate(row)]})
    params: dict[str, Any] = {"channel": channel, "text": slack_mrkdwn(text), "blocks": blocks,
                              "unfurl_links": False, "unfurl_media": False}
    if thread_ts:
        params["thread_ts"] = thread_ts
    return params


# REST -------------------------------------------------------------------------------------------

_REST_KEYS = ("recipient_id", "text", "buttons", "image", "attachment", "custom")


def render_rest(message: dict[str, Any]) -> dict[str, Any]:
    """The REST channel's JSON for one bot message: Rasa's own shape, Markdown left for the client."""
    rendered = {key: message[key] for key in _REST_KEYS if message.get(key) is not None}
    if "buttons" in rendered:
        rendered["buttons"] = [{"title": b["title"], "payload": b["payload"]} for b in rendered["buttons"]]
    return rendered
