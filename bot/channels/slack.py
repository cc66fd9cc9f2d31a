"""Slack app: Events API at POST /webhooks/slack/webhook, buttons at POST /webhooks/slack/interactive.

Every request must carry a valid signing-secret signature no older than five minutes. Slack wants
an answer within 3 s and retries otherwise, so both endpoints acknowledge at once and the bot's
reply is posted with chat.postMessage when it is ready, in the thread the message came from.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import html
import logging
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from rasa.core.channels.channel import InputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.guard import InputGuard, Limits, as_typed_text
from bot.channels.recent import RecentIds
from bot.channels.platform_api import PlatformApi
from bot.channels.relay import BadRequest, OnNewMessage, as_mapping, ask_bot, parse_json_body
from bot.channels.render import decode_button, render_slack
from bot.channels.replies import Replies, load_replies
from bot.channels.settings import SlackSettings, refuse_credentials

logger = logging.getLogger(__name__)

MAX_REQUEST_AGE_S = 300
# Slack retries when we took over 3 s; we acknowledge at once, so such a retry is a delivery that
# already reached us (maybe another replica). Retries for other reasons may be the first delivery.
ALREADY_DELIVERED_RETRY_REASONS = {"http_timeout"}
_USER_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")
_SPECIAL = re.compile(r"<[!#][^|>]*(?:\|([^>]*))?>")  # <!here>, <#C123|general>
_LINK = re.compile(r"<([a-z][a-z0-9+.-]*:[^|>]*)(?:\|([^>]*))?>")


def signature_problem(headers: Mapping[str, str], body: bytes, secret: str, now: float) -> str | None:
    """Why a request is not from Slack, or None if its v0 signature is valid and fresh."""
    timestamp, signature = headers.get("X-Slack-Request-Timestamp"), headers.get("X-Slack-Signature")
    if not timestamp or not signature:
        return "missing X-Slack-Signature or X-Slack-Request-Timestamp header"
    try:
        age = abs(now - int(timestamp))
    except ValueError:
        return "X-Slack-Request-Timestamp is not a number"
    if age > MAX_REQUEST_AGE_S:
        return "the request is more than 5 minutes old (or the clocks disagree)"
    digest = hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(f"v0={digest}".encode(), signature.encode()):
        return "the signature does not match"
    return None


@dataclass(frozen=True)
class SlackMessage:
    """One user turn from an event or a button press, and where the reply goes."""

    team: str
    channel: str
    text: str
    thread_ts: str | None  # None: reply in the channel itself (a direct message's main view)
    dedupe_key: str | None = None

    @property
    def sender_id(self) -> str:
        thread = f":{self.thread_ts}" if self.thread_ts else ""
        return f"slack:{self.team}:{self.channel}{thread}"


@dataclass(frozen=True)
class Ignored:
    reason: str


def read_event(envelope: dict[str, Any]) -> SlackMessage | Ignored:
    """The user turn in an event_callback, or why it is not one (our own posts included: no loops)."""
    event = envelope.get("event")
    if not isinstance(event, dict):
        return Ignored("event_callback without an event")
    kind = event.get("type")
    if kind not in ("message", "app_mention"):
        return Ignored(f"event of type {kind}")
    if event.get("subtype") or event.get("bot_id") or event.get("bot_profile"):
        return Ignored("bot message or message subtype (edit, join, ...)")
    if not isinstance(event.get("user"), str) or event["user"] in _bot_user_ids(envelope):
        return Ignored("our own message, or one without a user")
    if kind == "message" and event.get("channel_type") != "im":
        return Ignored("channel message without a mention (mentions arrive as app_mention)")
    text, channel, ts = event.get("text"), event.get("channel"), event.get("ts")
    team = envelope.get("team_id") or event.get("team")
    if not all(isinstance(v, str) and v for v in (text, channel, ts, team)):
        return Ignored("message without text, channel, ts or team")
    thread = event.get("thread_ts") if isinstance(event.get("thread_ts"), str) else None
    reply_thread = thread or (ts if kind == "app_mention" else None)  # in a channel, answer in a thread
    return SlackMessage(team, channel, as_typed_text(slack_user_text(text)), reply_thread, f"{channel}:{ts}")


def read_block_action(payload: dict[str, Any]) -> SlackMessage | Ignored:
    """The button press in a block_actions payload, in the conversation of the message it sits under."""
    actions = payload.get("actions")
    if payload.get("type") != "block_actions" or not isinstance(actions, list) or not actions:
        return Ignored(f"interaction of type {payload.get('type')}")
    value = as_mapping(actions[0]).get("value")
    channel = as_mapping(payload.get("channel")).get("id")
    team = as_mapping(payload.get("team")).get("id")
    if not all(isinstance(v, str) and v for v in (value, channel, team)):
        return Ignored("button press without a value, channel or team")
    thread = (as_mapping(payload.get("message")).get("thread_ts")
              or as_mapping(payload.get("container")).get("thread_ts"))
    choice = decode_button(value)
    text = choice.text if choice.is_payload else as_typed_text(choice.text)
    return SlackMessage(team, channel, text, thread if isinstance(thread, str) else None)


def _bot_user_ids(envelope: dict[str, Any]) -> set[str]:
    authorizations = envelope.get("authorizations")
    if not isinstance(authorizations, list):
        return set()
    return {a["user_id"] for a in map(as_mapping, authorizations)
            if a.get("is_bot") and isinstance(a.get("user_id"), str)}


def slack_user_text(text: str) -> str:
    """What the user wrote, without Slack's markup: mentions dropped, links as their labels, &amp; decoded."""
    text = _USER_MENTION.sub(" ", text)
    text = _SPECIAL.sub(lambda m: m.group(1) or " ", text)
    text = _LINK.sub(lambda m: m.group(2) or m.group(1), text)
    return html.unescape(text).strip()


def read_interaction(body: bytes) -> dict[str, Any]:
    """The JSON in an interactivity request's form field `payload`, or BadRequest."""
    try:
        fields = parse_qs(body.decode("utf-8"), strict_parsing=True)
    except (UnicodeDecodeError, ValueError) as err:
        raise BadRequest("the request body is not a UTF-8 form (payload=...)") from err
    if len(fields.get("payload", [])) != 1:
        raise BadRequest("the form must have exactly one field 'payload'")
    payload = parse_json_body(fields["payload"][0].encode())
    if not isinstance(payload, dict):
        raise BadRequest("'payload' must be a JSON object")
    return payload


class SlackInput(InputChannel):
    """Mounted only when SLACK_BOT_TOKEN is set; see the README's Channels section."""

    def __init__(self, settings: SlackSettings | None, limits: Limits, replies: Replies) -> None:
        self.settings = settings
        self.guard = InputGuard(limits)
        self.replies = replies
        self.seen = RecentIds()
        self._tasks: set[asyncio.Task] = set()

    @classmethod
    def name(cls) -> str:
        return "slack"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> SlackInput:
        refuse_credentials("bot.channels.slack.SlackInput", "SLACK", credentials)
        settings = SlackSettings.from_env()
        if settings is None:
            logger.info("Slack channel not mounted: SLACK_BOT_TOKEN is not set")
        return cls(settings, Limits.from_env(), load_replies())

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        bp = Blueprint("slack_events", __name__)
        if self.settings is None:
            return bp
        settings, api = self.settings, self.settings.api()

        @bp.listener("after_server_stop")
        async def close_client(*_: Any) -> None:
            await api.close()

        @bp.route("/webhook", methods=["POST"])
        async def events(request: Request) -> HTTPResponse:
            rejected = unsigned_rejection(request, settings.signing_secret, "events")
            if rejected:
                return rejected
            try:
                envelope = parse_json_body(request.body)
                if not isinstance(envelope, dict):
                    raise BadRequest("an event must be a JSON object")
            except BadRequest as err:
                return response.json({"error": str(err)}, status=400)
            if envelope.get("type") == "url_verification":
                return response.json({"challenge": str(envelope.get("challenge", ""))})
            if envelope.get("type") != "event_callback":
                return _ack(f"request of type {envelope.get('type')}")
            event_id = envelope.get("event_id")
            if isinstance(event_id, str) and not self.seen.first_time(f"event:{event_id}"):
                return _ack("event already handled")
            if request.headers.get("X-Slack-Retry-Num") and \
                    request.headers.get("X-Slack-Retry-Reason") in ALREADY_DELIVERED_RETRY_REASONS:
                return _ack("retry of a delivery that already reached the bot")
            incoming = read_event(envelope)
            if isinstance(incoming, Ignored):
                return _ack(incoming.reason)
            if incoming.dedupe_key and not self.seen.first_time(incoming.dedupe_key):
                return _ack("message already handled")
            self._in_background(api, on_new_message, incoming)
            return _ack(None)

        @bp.route("/interactive", methods=["POST"])
        async def interactive(request: Request) -> HTTPResponse:
            rejected = unsigned_rejection(request, settings.signing_secret, "interactivity")
            if rejected:
                return rejected
            try:
                payload = read_interaction(request.body)
            except BadRequest as err:
                return response.json({"error": str(err)}, status=400)
            incoming = read_block_action(payload)
            if isinstance(incoming, Ignored):
                return _ack(incoming.reason)
            self._in_background(api, on_new_message, incoming)
            return _ack(None)

        return bp

    def _in_background(self, api: PlatformApi, on_new_message: OnNewMessage, incoming: SlackMessage) -> None:
        task = asyncio.create_task(self._answer(api, on_new_message, incoming))
        self._tasks.add(task)  # the loop keeps only weak references to tasks
        task.add_done_callback(self._tasks.discard)

    async def _answer(self, api: PlatformApi, on_new_message: OnNewMessage, incoming: SlackMessage) -> None:
        outcome = await ask_bot(on_new_message, self.guard, self.replies, incoming.sender_id, incoming.text,
                                self.name())
        try:
            for message in outcome.messages:
                params = render_slack(message, incoming.channel, incoming.thread_ts)
                if params is not None:
                    await api.call("chat.postMessage", params)
        except Exception:  # a background task has no caller to report to
            logger.exception("Slack reply to %s could not be sent", incoming.sender_id)


def unsigned_rejection(request: Request, signing_secret: str, endpoint: str) -> HTTPResponse | None:
    """401 for a request Slack did not sign (or signed too long ago); None for a good one."""
    problem = signature_problem(request.headers, request.body, signing_secret, time.time())
    if not problem:
        return None
    logger.warning("Slack %s request rejected: %s", endpoint, problem)
    return response.json({"error": problem}, status=401)


def _ack(ignored: str | None) -> HTTPResponse:
    return response.json({"ok": True, "ignored": ignored} if ignored else {"ok": True})
