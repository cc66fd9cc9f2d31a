"""The Rasa HTTP API's token: BOT_API_TOKEN, or on one machine the checkout's own in var/api-token."""
from __future__ import annotations

import os
import secrets
import urllib.parse
from collections.abc import Mapping

from bot import paths

TOKEN_VARIABLE = "BOT_API_TOKEN"
MIN_TOKEN_CHARS = 16


def api_token(env: Mapping[str, str] | None = None) -> str | None:
    """The token clients send: BOT_API_TOKEN, else the one `make run` made; None if there is neither."""
    env = os.environ if env is None else env
    if env.get(TOKEN_VARIABLE):
        return env[TOKEN_VARIABLE]
    try:
        return paths.api_token_file().read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def ensure_api_token(env: Mapping[str, str] | None = None) -> str:
    """The token a bot started here requires: api_token(), or a new one kept in var/api-token (owner-only)."""
    token = api_token(env)
    if token:
        return token
    path = paths.api_token_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(32)
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    with os.fdopen(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as handle:
        handle.write(token + "\n")
    try:
        os.link(draft, path)  # appears whole, and if two starts race, the first one's token is everyone's
    except FileExistsError:
        token = api_token(env) or token
    finally:
        draft.unlink()
    return token


def api_url(url: str, path: str, token: str | None = None) -> str:
    """url + path with the token as Rasa reads it (the `token` query parameter); path may carry a query."""
    token = token or api_token()
    if not token:
        return f"{url}{path}"  # Rasa answers 401, which the caller reports
    separator = "&" if "?" in path else "?"
    return f"{url}{path}{separator}token={urllib.parse.quote(token, safe='')}"
