"""A socket.io client that talks to the website widget's channel the way the widget does."""
from __future__ import annotations

import asyncio
from typing import Any

import socketio

REPLY_TIMEOUT_S = 60


class WidgetClient:
    """One browser tab: connects, asks for a session, sends user_uttered and collects bot_uttered."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.sio = socketio.AsyncClient(reconnection=False)
        self.session_id: str | None = None
        self._messages: list[dict[str, Any]] = []
        self._complete = asyncio.Event()
        self._confirmed = asyncio.Event()
        self.sio.on("bot_uttered", self._on_bot_uttered)
        self.sio.on("reply_complete", self._on_reply_complete)
        self.sio.on("session_confirm", self._on_session_confirm)

    async def _on_bot_uttered(self, data: dict[str, Any]) -> None:
        self._messages.append(data)

    async def _on_reply_complete(self, *_: Any) -> None:
        self._complete.set()

    async def _on_session_confirm(self, session_id: str) -> None:
        self.session_id = session_id
        self._confirmed.set()

    async def connect(self, session_request: Any = None) -> str:
        """Connects and returns the session id the bot confirmed for this session_request payload."""
        # Long polling: python-engineio 4.15's websocket client needs a newer aiohttp than Rasa allows.
        # The browser tests cover the websocket transport.
        await self.sio.connect(self.url, transports=["polling"], wait_timeout=20)
        return await self.request_session(session_request)

    async def request_session(self, payload: Any = None) -> str:
        """Emits session_request (None: with no argument, a tuple: several) and waits for session_confirm."""
        self._confirmed.clear()
        await self.sio.emit("session_request", payload)
        await asyncio.wait_for(self._confirmed.wait(), REPLY_TIMEOUT_S)
        assert self.session_id is not None
        return self.session_id

    async def send(self, payload: Any) -> list[dict[str, Any]]:
        """Emits user_uttered (None: with no argument, a tuple: several); the bot messages until reply_complete."""
        self._messages = []
        self._complete.clear()
        await self.sio.emit("user_uttered", payload)
        await asyncio.wait_for(self._complete.wait(), REPLY_TIMEOUT_S)
        return self._messages

    async def say(self, text: str) -> list[dict[str, Any]]:
        return await self.send({"message": text, "session_id": self.session_id})

    async def close(self) -> None:
        await self.sio.disconnect()
        await self.sio.wait()  # let the polling tasks end before the test's event loop closes


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)
