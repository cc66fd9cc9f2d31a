"""REST channel at Rasa's own address (/webhooks/rest/webhook), with clear errors instead of 500s or silence.

Rasa's RestInput answers 200 `[]` when a message is lost (e.g. a LockError) and 500 on a body it
cannot read; this one answers 4xx for bad requests, 429 when rate-limited and 503 when the bot
failed, each with a reason the client can show or act on.
"""
from __future__ import annotations

import logging
from typing import Any

from rasa.core.channels.channel import InputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.guard import InputGuard, Limits
from bot.channels.relay import BadRequest, OnNewMessage, ask_bot, parse_json_body
from bot.channels.render import render_rest
from bot.channels.replies import Replies, load_replies
from bot.errors import ConfigError

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
MAX_SENDER_CHARS = 255  # the SQL tracker store's sender_id column
# Telegram and Slack conversations are keyed "telegram:<chat>" and "slack:<team>:..."; a REST
# client must not be able to write into them.
RESERVED_SENDER_PREFIXES = ("telegram:", "slack:")
UNAVAILABLE_RETRY_AFTER_S = 5


class RestChannel(InputChannel):
    """POST {"sender": "...", "message": "..."} → the bot's messages as JSON (Rasa's format)."""

    def __init__(self, limits: Limits, replies: Replies) -> None:
        self.guard = InputGuard(limits)
        self.replies = replies

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> RestChannel:
        if credentials:
            raise ConfigError("credentials.yml: bot.channels.rest.RestChannel takes no settings "
                              f"(got {', '.join(sorted(credentials))}). Remove them; the input limits come from "
                              "BOT_MAX_MESSAGE_CHARS and BOT_MESSAGES_PER_MINUTE.")
        return cls(Limits.from_env(), load_replies())

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        bp = Blueprint("hardened_rest", __name__)

        @bp.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                sender_id, text, metadata = read_request(request.body)
            except BadRequest as err:
                status = 413 if len(request.body) > MAX_BODY_BYTES else 400
                return response.json({"error": str(err)}, status=status)
            outcome = await ask_bot(on_new_message, self.guard, self.replies, sender_id, text, self.name(), metadata)
            messages = [render_rest(m) for m in outcome.messages]
            if outcome.status == "failed":
                return response.json(messages, status=503, headers={"Retry-After": str(UNAVAILABLE_RETRY_AFTER_S)})
            if outcome.rejection is not None and outcome.rejection.reason == "rate_limited":
                return response.json(messages, status=429, headers={"Retry-After": str(outcome.rejection.retry_after)})
            return response.json(messages)

        return bp


def read_request(body: bytes) -> tuple[str, str, dict[str, Any] | None]:
    """(sender, message, metadata) from a request body, or BadRequest saying what to send instead."""
    if len(body) > MAX_BODY_BYTES:
        raise BadRequest(f"the request body has {len(body)} bytes; send at most {MAX_BODY_BYTES}")
    data = parse_json_body(body)
    if not isinstance(data, dict):
        raise BadRequest('the request body must be a JSON object like {"sender": "me", "message": "hello"}')
    sender, text, metadata = data.get("sender"), data.get("message"), data.get("metadata")
    if not isinstance(sender, str) or not sender.strip():
        raise BadRequest('"sender" must be a non-empty string that names the conversation')
    if len(sender) > MAX_SENDER_CHARS or not sender.isprintable():
        raise BadRequest(f'"sender" must be at most {MAX_SENDER_CHARS} printable characters')
    if sender.startswith(RESERVED_SENDER_PREFIXES):
        raise BadRequest(f'"sender" must not start with {" or ".join(RESERVED_SENDER_PREFIXES)}: '
                         "those conversations belong to the Telegram and Slack channels")
    if not isinstance(text, str):
        raise BadRequest('"message" must be a string (the text the user typed, or a button payload)')
    if metadata is not None and not isinstance(metadata, dict):
        raise BadRequest('"metadata" must be a JSON object when given')
    return sender, text, metadata
