"""Channel blueprints in a real Sanic server on a free loopback port, with a stub bot behind them."""
from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Sanic

from bot.serve import free_port
from tests.fake_platform import FakePlatform

ANSWER_TEXT = ("The ECFMG application costs US$160 & is paid once <online>.\n\n"
               "Source: [ecfmg.org/fees](https://www.ecfmg.org/fees/?a=1&b=2)\nChecked: 1 November 2026")
ANSWER_BUTTONS = [
    {"title": "How long does certification take?", "payload": '/faq{"faq_id": "certification_timeline"}'},
    {"title": "Start the eligibility check", "payload": "/eligibility_form"},
]


class StubBot:
    """Stands in for Rasa's agent: records each message and answers with ANSWER_TEXT and buttons,
    or raises `fail_with` (e.g. a LockError, as Rasa's lock store does)."""

    def __init__(self) -> None:
        self.received: list[UserMessage] = []
        self.fail_with: Exception | None = None
        self.silent = False  # as Rasa is when the action server is down: the turn runs, nothing is said
        self.answer_text = ANSWER_TEXT

    async def __call__(self, message: UserMessage) -> None:
        self.received.append(message)
        if self.fail_with is not None:
            raise self.fail_with
        if self.silent:
            return
        await message.output_channel.send_text_with_buttons(message.sender_id, self.answer_text, ANSWER_BUTTONS)

    @property
    def texts(self) -> list[str]:
        return [m.text or "" for m in self.received]


@asynccontextmanager
async def serve_channel(channel: InputChannel, bot: StubBot) -> AsyncIterator[str]:
    """The channel's blueprint at /webhooks/<name>/ as Rasa mounts it; yields the server's base URL."""
    Sanic.test_mode = True
    app = Sanic(f"channel_test_{uuid.uuid4().hex[:8]}")
    app.blueprint(channel.blueprint(bot), url_prefix=f"/webhooks/{channel.name()}")
    port = free_port()
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True)
    assert server is not None
    await server.startup()
    await server.before_start()
    await server.after_start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await server.before_stop()
        server.close()
        await server.wait_closed()
        await server.after_stop()


@pytest.fixture
def stub_bot() -> StubBot:
    return StubBot()


@pytest.fixture
def fake_api() -> Iterator[FakePlatform]:
    fake = FakePlatform().start()
    yield fake
    fake.stop()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def post(http: aiohttp.ClientSession, url: str, body: bytes | str, headers: dict[str, str] | None = None
               ) -> tuple[int, dict[str, str], Any]:
    """(status, headers, decoded JSON body) of a POST."""
    async with http.post(url, data=body if isinstance(body, bytes) else body.encode(), headers=headers or {}) as reply:
        return reply.status, dict(reply.headers), await reply.json(content_type=None)
