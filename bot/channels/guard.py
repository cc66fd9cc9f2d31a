"""Checks on what a user typed, shared by every channel: clean text, length cap, rate limit."""
from __future__ import annotations

import math
import os
import re
import time
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass

DEFAULT_MAX_CHARS = 1000
DEFAULT_MESSAGES_PER_MINUTE = 20
# C0/C1 control characters and bidi overrides, except tab and newline: they garble logs and
# the widget, and no question needs them. Lone surrogates (JSON allows "\ud800") cannot be
# stored as UTF-8 by the tracker store.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_PAYLOAD_PREFIX = re.compile(r"^\s*/+")


class RejectedInput(ValueError):
    """The message cannot be processed; `reason` names which rule it broke."""

    def __init__(self, reason: str, detail: str, retry_after: int | None = None) -> None:
        self.reason = reason  # empty | too_long | rate_limited
        self.retry_after = retry_after  # whole seconds until the sender may write again
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
    if not text:
        raise RejectedInput("empty", "the message is empty")
    if len(text) > limits.max_chars:
        raise RejectedInput("too_long", f"the message has {len(text)} characters; the limit is {limits.max_chars}")
    return text


def as_typed_text(raw: str) -> str:
    """Text a person typed, never read as an intent payload: Rasa treats a leading '/' as one.

    On Telegram and Slack buttons arrive separately from typed text, so a typed `/eligibility_form`
    or `/faq{"faq_id": ...}` must not start a form or fill slots; without the slash NLU reads it.
    """
    return _PAYLOAD_PREFIX.sub("", raw)


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
            wait = max(1, math.ceil(stamps[0] + 60 - now))
            raise RejectedInput("rate_limited", f"more than {self.per_minute} messages a minute", retry_after=wait)
        stamps.append(now)
        self._recent[sender_id] = stamps
        while len(self._recent) > self.max_senders:  # forget the longest-quiet senders first
            self._recent.popitem(last=False)


class InputGuard:
    """The rate limit, then the text rules, for one channel."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.limiter = RateLimiter(limits.messages_per_minute)

    def admit(self, sender_id: str, raw: str, now: float | None = None) -> str:
        """The cleaned text; RejectedInput if the sender is over the limit or the text breaks a rule."""
        self.limiter.check(sender_id, now)  # counted first, so a flood of empty messages is limited too
        return clean_text(raw, self.limits)
