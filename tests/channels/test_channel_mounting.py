"""Which channels Rasa mounts from the repo's credentials.yml, and the settings each reads from the environment."""
from __future__ import annotations

import uuid
from urllib.parse import urljoin

import pytest
from rasa.core.run import create_http_input_channels
from sanic import Sanic

from bot.channels.rest import RestChannel
from bot.channels.settings import SlackSettings, TelegramSettings, mounted_channels
from bot.channels.slack import SlackInput
from bot.channels.telegram import TelegramInput
from bot.channels.webchat import WebChatInput
from bot.errors import ConfigError
from bot.paths import PROJECT_ROOT
from bot.serve import channel_lines

CHANNEL_VARIABLES = ("TELEGRAM_BOT_TOKEN", "TELEGRAM_SECRET_TOKEN", "TELEGRAM_WEBHOOK_URL", "TELEGRAM_API_URL",
                     "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_API_URL")
TELEGRAM_ENV = {"TELEGRAM_BOT_TOKEN": "1:abc", "TELEGRAM_SECRET_TOKEN": "s3cret_-X"}
SLACK_ENV = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "abc123"}
# The website widget needs no settings, so it is always there.
WIDGET_ROUTES = {"/chat", "/chat/example", "/chat/static/<name:str>", "/chat/vendor/<name:str>", "/chat/health",
                 "/socket.io"}


@pytest.fixture
def no_channel_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in CHANNEL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def mounted_routes() -> set[str]:
    """The webhook paths Rasa would serve with the repo's credentials.yml and the current environment."""
    Sanic.test_mode = True
    app = Sanic(f"mount_test_{uuid.uuid4().hex[:8]}")

    async def on_new_message(message: object) -> None:
        return None

    channels = create_http_input_channels(None, str(PROJECT_ROOT / "credentials.yml"))
    assert [type(c) for c in channels] == [RestChannel, TelegramInput, SlackInput, WebChatInput]
    for channel in channels:  # joined as rasa.core.channels.channel.register does
        app.blueprint(channel.blueprint(on_new_message), url_prefix=urljoin("/webhooks/", channel.url_prefix()))
    app.router.finalize()
    return {"/" + route.path for route in app.router.routes}


def test_with_no_channel_variables_only_rest_is_mounted(no_channel_env: pytest.MonkeyPatch) -> None:
    assert mounted_routes() == {"/webhooks/rest/webhook", "/webhooks/rest", *WIDGET_ROUTES}
    assert mounted_channels() == []


def test_channels_whose_variables_are_set_are_mounted(no_channel_env: pytest.MonkeyPatch) -> None:
    for name, value in {**TELEGRAM_ENV, **SLACK_ENV}.items():
        no_channel_env.setenv(name, value)
    assert mounted_routes() == {"/webhooks/rest/webhook", "/webhooks/rest", "/webhooks/telegram/webhook",
                                "/webhooks/slack/webhook", "/webhooks/slack/interactive", *WIDGET_ROUTES}
    assert mounted_channels() == ["telegram", "slack"]
    assert "POST http://h/webhooks/telegram/webhook" in channel_lines("http://h", ["telegram"])
    assert "not mounted (set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET)" in channel_lines("http://h", ["telegram"])


def test_settings_come_from_the_environment_with_public_api_defaults() -> None:
    assert TelegramSettings.from_env({}) is None
    assert TelegramSettings.from_env(TELEGRAM_ENV) == TelegramSettings("1:abc", "s3cret_-X",
                                                                       "https://api.telegram.org", None)
    assert SlackSettings.from_env({}) is None
    assert SlackSettings.from_env({**SLACK_ENV, "SLACK_API_URL": "http://127.0.0.1:9/api/"}) == \
        SlackSettings("xoxb-1", "abc123", "http://127.0.0.1:9/api")


@pytest.mark.parametrize("env, message", [
    ({"TELEGRAM_BOT_TOKEN": "1:abc"},
     "TELEGRAM_SECRET_TOKEN must be set with TELEGRAM_BOT_TOKEN: 1-256 characters from A-Z a-z 0-9 _ -. "
     "Make one with: python -c 'import secrets; print(secrets.token_urlsafe(32))'."),
    ({**TELEGRAM_ENV, "TELEGRAM_SECRET_TOKEN": "has spaces!"},
     "TELEGRAM_SECRET_TOKEN must be set with TELEGRAM_BOT_TOKEN: 1-256 characters from A-Z a-z 0-9 _ -. "
     "Make one with: python -c 'import secrets; print(secrets.token_urlsafe(32))'."),
    ({**TELEGRAM_ENV, "TELEGRAM_WEBHOOK_URL": "http://bot.example.org/webhooks/telegram/webhook"},
     "TELEGRAM_WEBHOOK_URL must be an https:// address (Telegram only calls HTTPS), got "
     "'http://bot.example.org/webhooks/telegram/webhook'; e.g. https://bot.example.org/webhooks/telegram/webhook."),
    ({"SLACK_BOT_TOKEN": "xoxb-1"},
     "SLACK_SIGNING_SECRET must be set with SLACK_BOT_TOKEN: copy it from your Slack app's Basic Information "
     "page, under App Credentials."),
])
def test_half_configured_channel_is_an_error_that_says_what_to_set(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as err:
        mounted_channels(env)
    assert str(err.value) == message


@pytest.mark.parametrize("channel", [RestChannel, TelegramInput, SlackInput])
def test_settings_in_credentials_yml_are_refused_so_secrets_stay_out_of_it(channel: type) -> None:
    with pytest.raises(ConfigError) as err:
        channel.from_credentials({"access_token": "123"})
    assert "(got access_token)" in str(err.value) and str(err.value).startswith("credentials.yml: ")
