"""The polite replies channels send instead of a bot answer, read from replies.yml."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.channels.guard import Limits, RejectedInput
from bot.errors import ConfigError
from bot.kb.yamlfile import key_line, read_yaml
from bot.paths import PROJECT_ROOT

REPLIES_FILE = Path(__file__).with_name("replies.yml")
_PLACEHOLDERS = {"too_long": {"max_chars": 1000}}


@dataclass(frozen=True)
class Replies:
    empty: str
    too_long: str
    rate_limited: str
    unavailable: str
    not_text: str

    def for_rejection(self, rejection: RejectedInput, limits: Limits) -> str:
        if rejection.reason == "too_long":
            return self.too_long.format(max_chars=limits.max_chars)
        return getattr(self, rejection.reason)


def load_replies(path: Path = REPLIES_FILE) -> Replies:
    """The replies, or ConfigError naming the line to fix."""
    shown = _shown_name(path)
    data, problems = read_yaml(path, shown)
    if problems:
        raise ConfigError(str(problems[0]))
    if not hasattr(data, "get"):
        raise ConfigError(f"{shown}:1: the file is not a mapping of reply names to texts. "
                          f"Write one 'name: text' line per reply, e.g. 'empty: Your message looks empty.'")
    texts = {}
    for name in Replies.__dataclass_fields__:
        text = data.get(name)
        line = key_line(data, name, 1)
        if not isinstance(text, str) or not text.strip():
            raise ConfigError(f"{shown}:{line}: the reply '{name}' is missing or empty. "
                              f"Write its text after '{name}:'.")
        try:
            text.format(**_PLACEHOLDERS.get(name, {}))
        except (KeyError, IndexError, ValueError) as err:
            allowed = ", ".join(f"{{{p}}}" for p in _PLACEHOLDERS.get(name, {})) or "none"
            raise ConfigError(f"{shown}:{line}: the reply '{name}' has a placeholder or brace it cannot fill "
                              f"({err}). Use only these placeholders: {allowed}; write other braces as {{{{ }}}}.") \
                from err
        texts[name] = text.strip()
    return Replies(**texts)


def _shown_name(path: Path) -> str:
    try:
        return str(path.relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)
