"""A JSON-over-HTTPS client for a platform's bot API (Telegram, Slack), shared by one channel's requests."""
from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp

logger = logging.getLogger(__name__)

REQUEST_TIMEOUT_S = 10
MAX_RETRY_WAIT_S = 5  # a 429 asking for a longer pause is logged, not waited for: the user is waiting


class PlatformApi:
    """POSTs to `<base>/<method>`; returns the decoded reply, or None when the platform could not be reached."""

    def __init__(self, platform: str, base_url: str, headers: dict[str, str] | None = None,
                 secret: str = "") -> None:
        self.platform = platform
        self.base_url = base_url.rstrip("/")
        self.headers = headers or {}
        self.secret = secret  # kept out of every log line
        self._session: aiohttp.ClientSession | None = None

    async def call(self, method: str, params: dict[str, Any]) -> dict[str, Any] | None:
        for attempt in (1, 2):
            reply, retry_after = await self._post(method, params)
            if retry_after is None or attempt == 2 or retry_after > MAX_RETRY_WAIT_S:
                return reply
            await asyncio.sleep(retry_after)
        return None

    async def _post(self, method: str, params: dict[str, Any]) -> tuple[dict[str, Any] | None, float | None]:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S))
        try:
            async with self._session.post(f"{self.base_url}/{method}", json=params, headers=self.headers) as reply:
                body = await reply.json(content_type=None)
                status, retry_header = reply.status, reply.headers.get("Retry-After")
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as err:
            logger.error("%s %s failed: %s: %s", self.platform, method, type(err).__name__, self._redact(str(err)))
            return None, None
        if not isinstance(body, dict):
            logger.error("%s %s answered HTTP %s with a body that is not a JSON object", self.platform, method, status)
            return None, None
        if status == 429:
            wait = _seconds((body.get("parameters") or {}).get("retry_after") or retry_header)
            logger.warning("%s %s rate-limited us; retry after %s s", self.platform, method, wait)
            return body, wait
        if not body.get("ok"):
            logger.error("%s %s answered HTTP %s: %s", self.platform, method, status,
                         self._redact(str(body.get("description") or body.get("error"))))
        return body, None

    def _redact(self, text: str) -> str:
        return text.replace(self.secret, "<token>") if self.secret else text

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


def _seconds(value: Any) -> float:
    try:
        return max(0.0, float(value))
    except (TypeError, ValueError):
        return 1.0
