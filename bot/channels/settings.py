"""Channel settings from environment variables, checked before anything starts (no Rasa import here)."""
from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from bot.channels.platform_api import PlatformApi
from bot.errors import ConfigError

TELEGRAM_API_URL = "https://api.telegram.org"
SLACK_API_URL = "https://slack.com/api"
SECRET_FORMAT = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what Telegram's setWebhook accepts as secret_token


@dataclass(frozen=True)
class TelegramSettings:
    token: str
    secret: str
    api_url: str = TELEGRAM_API_URL
    webhook_url: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> TelegramSettings | None:
        """None when TELEGRAM_BOT_TOKEN is unset (the channel is then not mounted); ConfigError when half set."""
        token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
        if not token:
            return None
        secret = env.get("TELEGRAM_SECRET_TOKEN", "").strip()
        if not SECRET_FORMAT.fullmatch(secret):
            raise ConfigError("TELEGRAM_SECRET_TOKEN must be set with TELEGRAM_BOT_TOKEN: 1-256 characters from "
                              "A-Z a-z 0-9 _ -. Make one with: "
                              "python -c 'import secrets; print(secrets.token_urlsafe(32))'.")
        webhook_url = env.get("TELEGRAM_WEBHOOK_URL", "").strip() or None
        if webhook_url and not webhook_url.startswith("https://"):
            raise ConfigError(f"TELEGRAM_WEBHOOK_URL must be an https:// address (Telegram only calls HTTPS), got "
                              f"{webhook_url!r}; e.g. https://bot.example.org/webhooks/telegram/webhook.")
        api_url = (env.get("TELEGRAM_API_URL", "").strip() or TELEGRAM_API_URL).rstrip("/")
        return cls(token, secret, api_url, webhook_url)

    def api(self) -> PlatformApi:
        return PlatformApi("Telegram", f"{self.api_url}/bot{self.token}", secret=self.token)


@dataclass(frozen=True)
class SlackSettings:
    token: str
    signing_secret: str
    api_url: str = SLACK_API_URL

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> SlackSettings | None:
        """None when SLACK_BOT_TOKEN is unset (the channel is then not mounted); ConfigError when half set."""
        token = env.get("SLACK_BOT_TOKEN", "").strip()
        if not token:
            return None
        secret = env.get("SLACK_SIGNING_SECRET", "").strip()
        if not secret:
            raise ConfigError("SLACK_SIGNING_SECRET must be set with SLACK_BOT_TOKEN: copy it from your Slack app's "
                              "Basic Information page, under App Credentials.")
        api_url = (env.get("SLACK_API_URL", "").strip() or SLACK_API_URL).rstrip("/")
        return cls(token, secret, api_url)

    def api(self) -> PlatformApi:
        return PlatformApi("Slack", self.api_url, headers={"Authorization": f"Bearer {self.token}"},
                           secret=self.token)


def mounted_channels(env: Mapping[str, str] = os.environ) -> list[str]:
    """Names of the optional channels whose variables are set; ConfigError if one is half configured."""
    settings = {"telegram": TelegramSettings.from_env(env), "slack": SlackSettings.from_env(env)}
    return [name for name, value in settings.items() if value is not None]


def refuse_credentials(channel_class: str, variable_prefix: str, credentials: Mapping[str, object] | None) -> None:
    """Telegram and Slack take secrets from the environment only; values in credentials.yml are a mistake."""
    if credentials:
        raise ConfigError(f"credentials.yml: {channel_class} reads its settings from {variable_prefix}_* "
                          f"environment variables, not from credentials.yml (got {', '.join(sorted(credentials))}). "
                          "Remove them and set the variables instead.")
