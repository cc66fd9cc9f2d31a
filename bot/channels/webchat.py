"""Website widget: Rasa's socket.io channel with persistent sessions, the input guard and the widget page."""
from __future__ import annotations

import logging
import os
import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint
from socketio import AsyncServer

from bot.channels.guard import Limits, RateLimiter, RejectedInput, clean_text, polite_reply
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


class WebChatInput(SocketIOInput):
    """socket.io on /socket.io/ (events user_uttered, bot_uttered); the widget page under /chat."""

    def __init__(self, limits: Limits, allowed_origins: str | list[str] | None) -> None:
        super().__init__(session_persistence=True)
        self.limits = limits
        self.allowed_origins = allowed_origins
        self.rate_limiter = RateLimiter(limits.messages_per_minute)

    @classmethod
    def name(cls) -> str:
        return "webchat"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WebChatInput:
        check_assets()
        return cls(Limits.from_env(), allowed_origins(os.environ.get("BOT_WIDGET_ORIGINS", "")))

    def url_prefix(self) -> str:
        return "/chat"  # Rasa joins this to /webhooks/; an absolute path puts the page at /chat

    def get_output_channel(self) -> WebChatOutput | None:
        return WebChatOutput(self.sio, self.bot_message_evt) if self.sio else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
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
            output = WebChatOutput(sio, self.bot_message_evt)
            try:
                await self._handle(session_id, args, output, on_new_message)
            finally:
                await sio.emit(REPLY_COMPLETE_EVT, {}, room=session_id)

        return bp

    async def _handle(self, session_id: str, args: tuple[Any, ...], output: WebChatOutput,
                      on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        try:
            self.rate_limiter.check(session_id)
            text = clean_text(typed_text(args), self.limits)
        except RejectedInput as err:
            logger.info("webchat: message from %s not passed on: %s", session_id, err)
            await output.send_text_message(session_id, polite_reply(err.reason, self.limits))
            return
        try:
            await on_new_message(UserMessage(text, output, session_id, input_channel=self.name()))
        except Exception:  # noqa: BLE001 - the user gets a reply instead of silence; the log keeps the detail
            logger.exception("webchat: the bot failed on a message from %s", session_id)
            await output.send_text_message(session_id, polite_reply("unavailable", self.limits))

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


def typed_text(args: tuple[Any, ...]) -> str:
    """The text of a user_uttered payload ({"message": "..."}); RejectedInput if it has none."""
    data = args[0] if len(args) == 1 else None
    message = data.get("message") if isinstance(data, dict) else None
    if not isinstance(message, str):
        raise RejectedInput("unreadable", f"a user_uttered payload without a text message: {str(args)[:200]}")
    return message


def allowed_origins(setting: str) -> str | list[str] | None:
    """BOT_WIDGET_ORIGINS: unset means only pages served by the bot itself; '*' or a comma-separated list."""
    origins = [o.strip().rstrip("/") for o in setting.split(",") if o.strip()]
    if not origins:
        return None
    return "*" if "*" in origins else origins
