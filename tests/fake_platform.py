"""A fake Telegram Bot API / Slack Web API on 127.0.0.1 that records every call, for channel tests."""
from __future__ import annotations

import asyncio
import json
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

from aiohttp import web

from bot.serve import free_port


@dataclass(frozen=True)
class Call:
    method: str  # the last path segment: sendMessage, chat.postMessage, ...
    path: str
    headers: dict[str, str]
    params: dict[str, Any]


class FakePlatform:
    """Answers every POST with {"ok": true, ...} unless told otherwise; runs in its own thread,
    so both async tests and the e2e bot (another process) can use it."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.calls: list[Call] = []
        self.scripted: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        self._changed = threading.Condition()
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def start(self) -> FakePlatform:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._serve(), self._loop).result(timeout=10)
        return self

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    def answer_next(self, method: str, status: int, body: dict[str, Any]) -> None:
        """The next call of `method` gets this reply instead of ok."""
        self.scripted.setdefault(method, []).append((status, body))

    def calls_of(self, method: str) -> list[Call]:
        with self._changed:
            return [c for c in self.calls if c.method == method]

    def clear(self) -> None:
        with self._changed:
            self.calls.clear()

    def wait_for(self, method: str, count: int = 1, timeout: float = 60,
                 where: Callable[[Call], bool] = lambda call: True) -> list[Call]:
        """Blocks until `count` calls of `method` (matching `where`) arrived; for callers outside the app's loop."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(matching := [c for c in self.calls if c.method == method and where(c)]) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{count} matching call(s) of {method} expected within {timeout:.0f} s; "
                                         f"got {[c.method for c in self.calls]}")
                self._changed.wait(left)
            return matching

    async def wait_for_async(self, method: str, count: int = 1, timeout: float = 10) -> list[Call]:
        """wait_for for a test whose own loop runs the app under test (it must keep running)."""
        deadline = time.monotonic() + timeout
        while len(self.calls_of(method)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{count} call(s) of {method} expected within {timeout:.0f} s; got "
                                     f"{[c.method for c in self.calls]}")
            await asyncio.sleep(0.02)
        return self.calls_of(method)

    async def _serve(self) -> None:
        app = web.Application()
        app.router.add_post("/{path:.*}", self._record)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def _record(self, request: web.Request) -> web.Response:
        raw = await request.read()
        try:
            params = json.loads(raw) if raw else {}
        except ValueError:
            params = {"_raw": raw.decode(errors="replace")}
        method = request.path.rsplit("/", 1)[-1]
        with self._changed:
            self.calls.append(Call(method, request.path, dict(request.headers), params))
            self._changed.notify_all()
        scripted = self.scripted.get(method)
        if scripted:
            status, body = scripted.pop(0)
            return web.json_response(body, status=status)
        result: Any = True if method in ("answerCallbackQuery", "setWebhook") else {"message_id": len(self.calls)}
        return web.json_response({"ok": True, "result": result, "ts": f"{time.time():.6f}"})
