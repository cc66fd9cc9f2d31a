"""`python -m bot telegram-webhook`: tells Telegram where to deliver updates, and with which secret."""
from __future__ import annotations

from bot.channels.settings import TelegramSettings
from bot.errors import ConfigError


async def register_webhook(settings: TelegramSettings) -> str:
    """Points Telegram at TELEGRAM_WEBHOOK_URL with the secret token; returns what to tell the operator."""
    if not settings.webhook_url:
        raise ConfigError("TELEGRAM_WEBHOOK_URL is not set. Set it to this bot's public address, e.g. "
                          "https://bot.example.org/webhooks/telegram/webhook.")
    api = settings.api()
    try:
        reply = await api.call("setWebhook", {"url": settings.webhook_url, "secret_token": settings.secret,
                                              "allowed_updates": ["message", "callback_query"]})
    finally:
        await api.close()
    if reply is None:
        raise ConfigError(f"Could not reach the Telegram Bot API at {settings.api_url}. Check the network, or "
                          "TELEGRAM_API_URL if you set it.")
    if not reply.get("ok"):
        raise ConfigError(f"Telegram refused the webhook: {reply.get('description')}. Check TELEGRAM_BOT_TOKEN "
                          "(from @BotFather) and that TELEGRAM_WEBHOOK_URL is reachable over HTTPS.")
    return f"Telegram now sends this bot's updates to {settings.webhook_url}"
