"""Hands one user message to Rasa through the input guard and says what came back."""
from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.channels.guard import InputGuard, RejectedInput
from bot.channels.replies import Replies

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
Status = Literal["answered", "rejected", "failed"]


@dataclass(frozen=True)
class Outcome:
    """The messages for the user: the bot's answer, or one polite reply standing in for it."""

    status: Status
    messages: list[dict[str, Any]]
    rejection: RejectedInput | None = field(default=None, compare=False)


async def ask_bot(on_new_message: OnNewMessage, guard: InputGuard, replies: Replies, sender_id: str,
                  text: str, channel: str, metadata: dict[str, Any] | None = None) -> Outcome:
    """Never raises for a bad message or a failing bot: the outcome says which it was."""
    try:
        cleaned = guard.admit(sender_id, text)
    except RejectedInput as rejection:
        logger.info("%s message from %s not passed on: %s", channel, sender_id, rejection)
        return Outcome("rejected", [polite(sender_id, replies.for_rejection(rejection, guard.limits))], rejection)
    collector = CollectingOutputChannel()
    try:
        await on_new_message(UserMessage(cleaned, collector, sender_id, input_channel=channel, metadata=metadata))
    except Exception:  # LockError, tracker store down, a bug: the user must hear, not get silence
        logger.exception("%s message from %s failed", channel, sender_id)
        return Outcome("failed", [polite(sender_id, replies.unavailable)])
    if not collector.messages:
        # Every turn of ours says something, so silence means a part failed after the message was
        # recorded (the action server is down, say): tell the user instead of leaving them waiting.
        # Not "failed": the turn is in the tracker, and a client retrying it would say it twice.
        logger.warning("%s message from %s got no reply from the bot", channel, sender_id)
        return Outcome("answered", [polite(sender_id, replies.unavailable)])
    return Outcome("answered", collector.messages)


def polite(sender_id: str, text: str) -> dict[str, Any]:
    return {"recipient_id": sender_id, "text": text}


class BadRequest(ValueError):
    """A request a platform or client sent that we cannot read; the message says what is wrong."""


def parse_json_body(body: bytes) -> Any:
    """The request body as JSON, or BadRequest naming why it is not."""
    try:
        return json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as err:
        raise BadRequest(f"the request body is not valid UTF-8 (byte {err.start})") from err
    except ValueError as err:
        raise BadRequest(f"the request body is not valid JSON ({err})") from err


def as_mapping(value: Any) -> dict[str, Any]:
    """value if it is a JSON object, else {}: platform payloads are read without trusting their shape."""
    return value if isinstance(value, dict) else {}
