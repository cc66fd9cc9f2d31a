"""Checks on what a user typed, shared by every channel: clean text, length cap, rate limit."""
from __future__ import annotations

import functools
import os
import re
import time
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML

DEFAULT_MAX_CHARS = 1000
DEFAULT_MESSAGES_PER_MINUTE = 20
REPLIES_FILE = Path(__file__).with_name("replies.yml")
# C0/C1 control characters and bidi overrides, except tab and newline: they garble logs and
# the widget, and no question needs them.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Rasa reads a message starting with "/" as an intent. These three, typed by a user, wipe or rewind
# the conversation without a word of reply; without the slash they are just words to the NLU.
_CONVERSATION_CONTROL = re.compile(r"^/(restart|session_start|back)\b", re.IGNORECASE)


class RejectedInput(ValueError):
    """The message cannot be processed; `reason` names which rule it broke."""

    def __init__(self, reason: str, detail: str) -> None:
        self.reason = reason  # empty | too_long | rate_limited | unreadable: a key of replies.yml
        super().__init__(detail)


@dataclass(frozen=True)
class Limits:
    max_chars: int = DEFAULT_MAX_CHARS
    messages_per_minute: int = DEFAULT_MESSAGES_PER_MINUTE  # 0 switches the limit off

    @classmethod
    def from_env(cls) -> Limits:
        return cls(_positive_int("BOT_MAX_MESSAGE_CHARS", DEFAULT_MAX_CHARS, minimum=1),
                   _positive_int("BOT_MESSAGES_PER_MINUTE", DEFAULT_MESSAGES_PER_MINUTE, minimum=0))


def _positive_int(name: str, default: int, minimum: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise ValueError(f"environment variable {name} must be a whole number of at least {minimum} "
                         f"(got {raw!r}), e.g. {name}={default}")
    return value


def clean_text(raw: str, limits: Limits) -> str:
    """The text to hand to Rasa, or RejectedInput for empty or over-long messages."""
    text = _CONTROL.sub(" ", unicodedata.normalize("NFC", raw)).strip()
    text = _CONVERSATION_CONTROL.sub(r"\1", text)
    if not text:
        raise RejectedInput("empty", "the message is empty")
    if len(text) > limits.max_chars:
        raise RejectedInput("too_long", f"the message has {len(text)} characters; the limit is {limits.max_chars}")
    return text


class RateLimiter:
    """Per-sender sliding window, in this process only (each replica counts its own senders)."""

    def __init__(self, per_minute: int, max_senders: int = 50_000) -> None:
        self.per_minute = per_minute
        self.max_senders = max_senders
        self._recent: OrderedDict[str, list[float]] = OrderedDict()

    def check(self, sender_id: str, now: float | None = None) -> None:
        """Counts this message; RejectedInput if the sender is over the limit."""
        if self.per_minute <= 0:
            return
        now = time.monotonic() if now is None else now
        stamps = [t for t in self._recent.pop(sender_id, []) if now - t < 60]
        if len(stamps) >= self.per_minute:
            self._recent[sender_id] = stamps
            raise RejectedInput("rate_limited", f"more than {self.per_minute} messages a minute")
        stamps.append(now)
        self._recent[sender_id] = stamps
        while len(self._recent) > self.max_senders:  # forget the longest-quiet senders first
            self._recent.popitem(last=False)


def polite_reply(reason: str, limits: Limits) -> str:
    """What the user reads when their message is not passed on to the bot (RejectedInput.reason, or 'unavailable')."""
    return _replies()[reason].format(max_chars=limits.max_chars)


@functools.cache
def _replies() -> dict[str, str]:
    return YAML(typ="safe").load(REPLIES_FILE.read_text(encoding="utf-8"))
