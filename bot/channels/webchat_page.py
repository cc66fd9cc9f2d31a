"""The widget's files, served by the bot: /chat (the chat), /chat/example (a host page with the chat bubble;
?mode=container shows the chat in a container), scripts and styles."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from sanic import Blueprint, response
from sanic.exceptions import NotFound
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.paths import PROJECT_ROOT

STATIC_DIR = Path(__file__).with_name("static")
# From the npm registry at set-up (package-lock.json, `make web-assets`), never from a CDN.
VENDOR_FILES = {"socket.io.min.js": PROJECT_ROOT / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"}
PAGES = {"": "chat.html", "example": "example.html"}
# /chat/example shows the default embed, the chat bubble; ?mode=container the other one. Other modes: the default.
PAGE_MODES = {("example", "container"): "example-container.html"}
# The pages load no inline script and nothing from elsewhere, so injected markup could not run even if
# a rendering bug let it in (the widget builds messages with textContent; this is a second fence).
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
                               "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class MissingWidgetAssetsError(RuntimeError):
    """The npm packages the widget needs are not installed."""


def check_assets() -> None:
    missing = [str(path.relative_to(PROJECT_ROOT)) for path in VENDOR_FILES.values() if not path.is_file()]
    if missing:
        raise MissingWidgetAssetsError(f"{', '.join(missing)} is missing, so the website widget cannot load. "
                                       "Run `make web-assets` (npm ci) and start the bot again.")


def add_page_routes(bp: Blueprint) -> None:
    for path in PAGES:
        bp.add_route(_page_handler(path), f"/{path}", methods=["GET"], name=f"page_{path or 'chat'}")
    bp.add_route(_static, "/static/<name>", methods=["GET"])
    bp.add_route(_vendor, "/vendor/<name>", methods=["GET"])
    bp.add_route(_health, "/health", methods=["GET"])


def _page_handler(path: str) -> Callable[[Request], Awaitable[HTTPResponse]]:
    async def page_handler(request: Request) -> HTTPResponse:
        filename = PAGE_MODES.get((path, request.args.get("mode")), PAGES[path])
        return await response.file(STATIC_DIR / filename, headers=PAGE_HEADERS, mime_type="text/html; charset=utf-8")
    return page_handler


async def _static(_: Request, name: str) -> HTTPResponse:
    # Only files directly in static/: a name is never a path, so nothing outside can be reached.
    files = {p.name: p for p in STATIC_DIR.iterdir() if p.suffix in {".js", ".css", ".svg"}}
    if name not in files:
        raise NotFound(f"/chat/static/{name} does not exist")
    return await response.file(files[name], headers={"X-Content-Type-Options": "nosniff"})


async def _vendor(_: Request, name: str) -> HTTPResponse:
    if name not in VENDOR_FILES:
        raise NotFound(f"/chat/vendor/{name} does not exist")
    return await response.file(VENDOR_FILES[name], headers={"X-Content-Type-Options": "nosniff"})


async def _health(_: Request) -> HTTPResponse:
    return response.json({"status": "ok"})
