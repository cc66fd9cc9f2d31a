"""Starts the action server and `rasa run` on free loopback ports with their own store and tracker."""
from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from bot.api_auth import TOKEN_VARIABLE
from bot.paths import PROJECT_ROOT
from bot.serve import RunningBot, fetch_tracker, free_port, send_message, start_bot
from tests.e2e.widget_browser import DESKTOP, PHONE, Visitor, launch_chromium
from tests.fake_platform import FakePlatform

TELEGRAM_SECRET = "e2e-telegram-secret"
SLACK_SIGNING_SECRET = "e2e-slack-signing-secret"


def run_bot_command(*args: str, env: dict[str, str]) -> str:
    result = subprocess.run([sys.executable, "-m", "bot", *args], cwd=PROJECT_ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="session", autouse=True)
def bot_api_token() -> Iterator[str]:
    """The HTTP API token of every bot these tests start and of every client they run, so that no test
    reads or writes the checkout's own var/api-token."""
    with pytest.MonkeyPatch.context() as patch:
        token = secrets.token_urlsafe(32)
        patch.setenv(TOKEN_VARIABLE, token)
        yield token


@pytest.fixture(scope="session")
def e2e_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("e2e")


def store_env(bot_env: dict[str, str]) -> dict[str, str]:
    """The part of bot_env a started bot needs: the private knowledge folder and store."""
    return {k: bot_env[k] for k in ("BOT_KNOWLEDGE_DIR", "BOT_DATABASE_URL")}


@pytest.fixture(scope="session")
def bot_env(e2e_dir: Path) -> dict[str, str]:
    """A private copy of knowledge/ and a private store, so tests may edit both freely."""
    knowledge = e2e_dir / "knowledge"
    shutil.copytree(PROJECT_ROOT / "knowledge", knowledge)
    env = {**os.environ, "BOT_KNOWLEDGE_DIR": str(knowledge),
           "BOT_DATABASE_URL": f"sqlite:///{e2e_dir / 'bot.db'}"}
    run_bot_command("load-db", env=env)
    return env


@pytest.fixture(scope="session")
def fake_telegram() -> Iterator[FakePlatform]:
    fake = FakePlatform().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def fake_slack() -> Iterator[FakePlatform]:
    fake = FakePlatform().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def channel_env(fake_telegram: FakePlatform, fake_slack: FakePlatform) -> dict[str, str]:
    """Telegram and Slack switched on, their APIs pointed at the local fakes."""
    return {"TELEGRAM_BOT_TOKEN": "123:e2e", "TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET,
            "TELEGRAM_API_URL": fake_telegram.url, "SLACK_BOT_TOKEN": "xoxb-e2e",
            "SLACK_SIGNING_SECRET": SLACK_SIGNING_SECRET, "SLACK_API_URL": f"{fake_slack.url}/api"}


@pytest.fixture(scope="session")
def running_bot(bot_env: dict[str, str], e2e_dir: Path, channel_env: dict[str, str]) -> Iterator[RunningBot]:
    models = sorted((PROJECT_ROOT / "models").glob("*.tar.gz"))
    assert models, "No trained model in models/: run `make train` first (make test does it)."
    bot = start_bot(free_port(), free_port(), e2e_dir / "run",
                    env={**store_env(bot_env), **channel_env})
    yield bot
    bot.stop()


class Conversation:
    """One user talking to the bot over the REST channel."""

    def __init__(self, bot: RunningBot) -> None:
        self.bot = bot
        self.sender = f"e2e-{uuid.uuid4().hex[:10]}"

    def say(self, text: str) -> list[dict]:
        return send_message(self.bot.url, self.sender, text)

    def tracker(self) -> dict:
        return fetch_tracker(self.bot.url, self.sender)

    def last_bot_actions(self) -> list[str]:
        """utter names of the bot messages after the latest user message."""
        events = self.tracker()["events"]
        last_user = max(i for i, e in enumerate(events) if e["event"] == "user")
        return [e.get("metadata", {}).get("utter_action", "") for e in events[last_user:] if e["event"] == "bot"]


@pytest.fixture
def conversation(running_bot: RunningBot) -> Conversation:
    return Conversation(running_bot)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's chromium for the widget tests (Playwright's own browser download cannot work here)."""
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def visitor(browser: Browser, running_bot: RunningBot) -> Iterator[Visitor]:
    """A desktop tab; it fails the test if the page raised a dialog or logged an error."""
    context = browser.new_context(viewport=DESKTOP)
    tab = Visitor(context.new_page(), running_bot)
    yield tab
    context.close()
    assert tab.dialogs == [] and tab.errors == []


@pytest.fixture
def phone(browser: Browser, running_bot: RunningBot) -> Iterator[Visitor]:
    """A 375 px phone tab, checked the same way."""
    context = browser.new_context(**PHONE)
    tab = Visitor(context.new_page(), running_bot)
    yield tab
    context.close()
    assert tab.dialogs == [] and tab.errors == []
