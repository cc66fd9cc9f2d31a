"""Telegram Bot API webhook: POST /webhooks/telegram/webhook, settings from TELEGRAM_* variables.

Unlike Rasa's own connector it checks Telegram's secret-token header, answers 200 to updates it
does not handle (a 500 makes Telegram redeliver the update forever), escapes answers for Telegram's
HTML mode, splits long answers, and turns buttons into inline keyboards.
"""
from __future__ import annotations

import hmac
import logging
import re
from dataclasses import dataclass
from typing import Any

from rasa.core.channels.channel import InputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.guard import InputGuard, Limits, RejectedInput, as_typed_text
from bot.channels.recent import RecentIds
from bot.channels.platform_api import PlatformApi
from bot.channels.relay import BadRequest, OnNewMessage, as_mapping, ask_bot, parse_json_body
from bot.channels.render import decode_button, render_telegram, telegram_plain
from bot.channels.replies import Replies, load_replies
from bot.channels.settings import TelegramSettings, refuse_credentials

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Telegram's built-in commands, as the intents our bot has for them; other typed commands are read as text.
COMMANDS = {"start": "/greet", "help": "/ask_capabilities"}
_COMMAND = re.compile(r"^/([A-Za-z0-9_]+)(@\w+)?(\s|$)")
NOT_TEXT_KINDS = ("sticker", "photo", "voice", "video", "video_note", "audio", "document", "animation",
                  "location", "contact", "poll", "dice")


@dataclass(frozen=True)
class TelegramMessage:
    """One user turn read from an update: who, what, and the button press to acknowledge, if any."""

    chat_id: int | str
    text: str
    callback_query_id: str | None = None

    @property
    def sender_id(self) -> str:
        return f"telegram:{self.chat_id}"


@dataclass(frozen=True)
class Ignored:
    reason: str
    not_text_chat: int | str | None = None  # a private chat sent something we cannot read: tell them


def read_update(update: dict[str, Any]) -> TelegramMessage | Ignored:
    """What to do with one update; never raises, whatever Telegram (or an impostor) sends."""
    callback = update.get("callback_query")
    if isinstance(callback, dict):
        return _read_callback(callback)
    message = update.get("message")
    if not isinstance(message, dict):
        kinds = sorted(k for k in update if k != "update_id")
        return Ignored(f"update of kind {', '.join(kinds) or 'unknown'}")
    chat = as_mapping(message.get("chat"))
    chat_id = chat.get("id")
    if not _is_chat_id(chat_id):
        return Ignored("message without a chat")
    if as_mapping(message.get("from")).get("is_bot"):
        return Ignored("message from a bot")
    text = message.get("text")
    if isinstance(text, str):
        return TelegramMessage(chat_id, typed_command_or_text(text))
    if chat.get("type") == "private" and any(kind in message for kind in NOT_TEXT_KINDS):
        return Ignored("message without text", not_text_chat=chat_id)
    return Ignored("service message or message without text")


def _read_callback(callback: dict[str, Any]) -> TelegramMessage | Ignored:
    chat_id = as_mapping(as_mapping(callback.get("message")).get("chat")).get("id")
    data, query_id = callback.get("data"), callback.get("id")
    if not isinstance(query_id, str) or not _is_chat_id(chat_id) or not isinstance(data, str):
        return Ignored("callback query without a chat or data")
    choice = decode_button(data)
    return TelegramMessage(chat_id, choice.text if choice.is_payload else as_typed_text(choice.text), query_id)


def _is_chat_id(value: Any) -> bool:
    return isinstance(value, (int, str)) and not isinstance(value, bool) and value != ""


def typed_command_or_text(text: str) -> str:
    """/start and /help as our intents; anything else typed is text, never an intent payload."""
    match = _COMMAND.match(text)
    if match and match.group(1).lower() in COMMANDS:
        return COMMANDS[match.group(1).lower()]
    return as_typed_text(text)


def secret_matches(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


class TelegramInput(InputChannel):
    """Mounted only when TELEGRAM_BOT_TOKEN is set; see the README's Channels section."""

    def __init__(self, settings: TelegramSettings | None, limits: Limits, replies: Replies) -> None:
        self.settings = settings
        self.guard = InputGuard(limits)
        self.replies = replies
        self.seen = RecentIds()

    @classmethod
    def name(cls) -> str:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TelegramInput:
        refuse_credentials("bot.channels.telegram.TelegramInput", "TELEGRAM", credentials)
        settings = TelegramSettings.from_env()
        if settings is None:
            logger.info("Telegram channel not mounted: TELEGRAM_BOT_TOKEN is not set")
        return cls(settings, Limits.from_env(), load_replies())

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        bp = Blueprint("telegram_webhook", __name__)
        if self.settings is None:
            return bp
        settings, api = self.settings, self.settings.api()

        @bp.listener("after_server_stop")
        async def close_client(*_: Any) -> None:
            await api.close()

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            given = request.headers.get(SECRET_HEADER)
            if not secret_matches(given, settings.secret):
                logger.warning("Telegram webhook call with a %s secret token", "missing" if given is None else "wrong")
                return response.json({"error": f"missing or wrong {SECRET_HEADER} header"},
                                     status=401 if given is None else 403)
            try:
                update = parse_json_body(request.body)
                if not isinstance(update, dict):
                    raise BadRequest("an update must be a JSON object")
            except BadRequest as err:
                return response.json({"error": str(err)}, status=400)
            update_id = update.get("update_id")
            if isinstance(update_id, int) and not self.seen.first_time(str(update_id)):
                return response.json({"ok": True, "ignored": "update already handled"})
            incoming = read_update(update)
            if isinstance(incoming, Ignored):
                await self._tell_not_text(api, incoming)
                return response.json({"ok": True, "ignored": incoming.reason})
            await self._answer(api, on_new_message, incoming)
            return response.json({"ok": True})

        return bp

    async def _tell_not_text(self, api: PlatformApi, ignored: Ignored) -> None:
        if ignored.not_text_chat is None:
            return
        try:  # a flood of stickers must not become a flood of replies
            self.guard.limiter.check(TelegramMessage(ignored.not_text_chat, "").sender_id)
        except RejectedInput:
            return
        await api.call("sendMessage", {"chat_id": ignored.not_text_chat, "text": self.replies.not_text})

    async def _answer(self, api: PlatformApi, on_new_message: OnNewMessage, incoming: TelegramMessage) -> None:
        if incoming.callback_query_id:  # first, so the button stops spinning even if the answer is slow
            await api.call("answerCallbackQuery", {"callback_query_id": incoming.callback_query_id})
        outcome = await ask_bot(on_new_message, self.guard, self.replies, incoming.sender_id, incoming.text,
                                self.name())
        try:
            for message in outcome.messages:
                for params in render_telegram(message, incoming.chat_id):
                    await send_message(api, params)
        except Exception:  # answering 500 would make Telegram redeliver this update forever
            logger.exception("Telegram reply to %s could not be sent", incoming.sender_id)



async def send_message(api: PlatformApi, params: dict[str, Any]) -> None:
    """sendMessage; if Telegram cannot parse our HTML after all, the same text without markup."""
    reply = await api.call("sendMessage", params)
    if reply is not None and not reply.get("ok") and "parse" in str(reply.get("description", "")).lower():
        plain = {key: value for key, value in params.items() if key != "parse_mode"}
        plain["text"] = telegram_plain(params["text"])
        await api.call("sendMessage", plain)
