"""Website widget: Rasa's socket.io channel with persistent sessions, the input guard and the widget page."""
from __future__ import annotations

import logging
import os
import re
import uuid
from dataclasses import dataclass
from typing import Any

from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint
from socketio import AsyncServer

from bot.channels.guard import InputGuard, Limits, as_typed_text
from bot.channels.relay import OnNewMessage, ask_bot
from bot.channels.replies import Replies, load_replies
from bot.channels.webchat_page import add_page_routes, check_assets

logger = logging.getLogger(__name__)

# Long enough to be unguessable, short enough to keep out junk; uuid4().hex is what we issue.
SESSION_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")
REPLY_COMPLETE_EVT = "reply_complete"  # the widget hides its typing indicator on this


class WebChatOutput(SocketIOOutput):
    """One bubble per bot message: Rasa's own output splits text at blank lines, parting an answer from its source."""

    async def _send_message(self, socket_id: str, response: Any) -> None:
        # Every tab in the session gets each message; the id lets them store it once.
        await super()._send_message(socket_id, {**response, "id": uuid.uuid4().hex})

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._send_message(recipient_id, {"text": text})

    async def send_text_with_buttons(self, recipient_id: str, text: str, buttons: list[dict[str, Any]],
                                     **kwargs: Any) -> None:
        replies = [{"content_type": "text", "title": b["title"], "payload": b["payload"]} for b in buttons]
        await self._send_message(recipient_id, {"text": text, "quick_replies": replies})

    async def send_collected(self, recipient_id: str, message: dict[str, Any]) -> None:
        """A message as CollectingOutputChannel holds it; the widget shows text and buttons."""
        if message.get("buttons"):
            await self.send_text_with_buttons(recipient_id, message.get("text") or "", message["buttons"])
        elif message.get("text"):
            await self.send_text_message(recipient_id, message["text"])


@dataclass(frozen=True)
class WidgetMessage:
    text: str
    from_button: bool  # a button's payload, which Rasa may read as an intent; typed text never is


class WebChatInput(SocketIOInput):
    """socket.io on /socket.io/ (events user_uttered, bot_uttered); the widget page under /chat."""

    def __init__(self, limits: Limits, replies: Replies, allowed_origins: str | list[str] | None) -> None:
        super().__init__(session_persistence=True)
        self.guard = InputGuard(limits)
        self.replies = replies
        self.allowed_origins = allowed_origins

    @classmethod
    def name(cls) -> str:
        return "webchat"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WebChatInput:
        check_assets()
        return cls(Limits.from_env(), load_replies(), allowed_origins(os.environ.get("BOT_WIDGET_ORIGINS", "")))

    def url_prefix(self) -> str:
        return "/chat"  # Rasa joins this to /webhooks/; an absolute path puts the page at /chat

    def get_output_channel(self) -> WebChatOutput | None:
        return WebChatOutput(self.sio, self.bot_message_evt) if self.sio else None

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=self.allowed_origins)
        self.sio = sio
        bp = SocketBlueprint(sio, self.socketio_path, "webchat", __name__)
        add_page_routes(bp)

        # *args: a client may send any number of arguments, and a missing one must not raise.
        @sio.on("session_request")
        async def session_request(sid: str, *args: Any) -> None:
            await self._confirm_session(sid, requested_session_id(args))

        @sio.on(self.user_message_evt)
        async def user_uttered(sid: str, *args: Any) -> None:
            session_id = await self._session_of(sid)
            try:
                await self._answer(session_id, widget_message(args), on_new_message)
            finally:
                await sio.emit(REPLY_COMPLETE_EVT, {}, room=session_id)

        return bp

    async def _answer(self, session_id: str, message: WidgetMessage | None, on_new_message: OnNewMessage) -> None:
        """The bot's messages, or one polite reply in their place, to every tab of the session."""
        output = WebChatOutput(self.sio, self.bot_message_evt)
        if message is None:
            await output.send_text_message(session_id, self.replies.not_text)
            return
        text = message.text if message.from_button else as_typed_text(message.text)
        outcome = await ask_bot(on_new_message, self.guard, self.replies, session_id, text, self.name())
        for reply in outcome.messages:
            await output.send_collected(session_id, reply)

    async def _confirm_session(self, sid: str, session_id: str | None) -> str:
        """Puts the socket in its session's room (a new session unless it asked for a valid one)."""
        session_id = session_id or uuid.uuid4().hex
        previous = (await self.sio.get_session(sid)).get("session_id")
        if previous and previous != session_id:
            self.sio.leave_room(sid, previous)
        self.sio.enter_room(sid, session_id)
        await self.sio.save_session(sid, {"session_id": session_id})
        await self.sio.emit("session_confirm", session_id, room=sid)
        return session_id

    async def _session_of(self, sid: str) -> str:
        """The session this socket confirmed; the session_id inside a message is not trusted."""
        session_id = (await self.sio.get_session(sid)).get("session_id")
        return session_id or await self._confirm_session(sid, None)


def requested_session_id(args: tuple[Any, ...]) -> str | None:
    """The session a reconnecting widget asks to continue, if it is one we could have issued."""
    data = args[0] if args else None
    session_id = data.get("session_id") if isinstance(data, dict) else None
    return session_id if isinstance(session_id, str) and SESSION_ID.fullmatch(session_id) else None


def widget_message(args: tuple[Any, ...]) -> WidgetMessage | None:
    """A user_uttered payload ({"message": "...", "button": true|absent}); None if it carries no text."""
    data = args[0] if len(args) == 1 else None
    text = data.get("message") if isinstance(data, dict) else None
    if not isinstance(text, str):
        logger.info("webchat: a user_uttered payload without a text message: %.200s", args)
        return None
    return WidgetMessage(text, data.get("button") is True)


def allowed_origins(setting: str) -> str | list[str] | None:
    """BOT_WIDGET_ORIGINS: unset means only pages served by the bot itself; '*' or a comma-separated list."""
    origins = [o.strip().rstrip("/") for o in setting.split(",") if o.strip()]
    if not origins:
        return None
    return "*" if "*" in origins else origins
