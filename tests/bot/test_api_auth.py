"""The HTTP API token: from BOT_API_TOKEN, or made once per checkout and kept out of the repository."""
from __future__ import annotations

import stat
import subprocess
from pathlib import Path

import pytest

from bot import paths
from bot.api_auth import api_token, api_url, ensure_api_token


@pytest.fixture
def token_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "var" / "api-token"
    monkeypatch.setattr(paths, "api_token_file", lambda: path)
    return path


def test_the_environment_wins(token_file: Path) -> None:
    assert ensure_api_token({"BOT_API_TOKEN": "from-the-environment"}) == "from-the-environment"
    assert not token_file.exists()


def test_a_local_token_is_made_once_readable_only_by_its_owner(token_file: Path) -> None:
    assert api_token({}) is None
    token = ensure_api_token({})
    assert len(token) >= 32
    assert token_file.read_text() == token + "\n"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert ensure_api_token({}) == api_token({}) == token  # the next start and every client use the same one
    assert list(token_file.parent.iterdir()) == [token_file]  # no draft left behind


def test_the_token_file_is_ignored_by_git() -> None:
    relative = paths.api_token_file().relative_to(paths.PROJECT_ROOT)
    result = subprocess.run(["git", "check-ignore", "-q", str(relative)], cwd=paths.PROJECT_ROOT)
    assert result.returncode == 0, f"{relative} is not git-ignored: the token must never be committed"


def test_api_url_adds_the_token_as_rasa_reads_it() -> None:
    assert api_url("http://127.0.0.1:5005", "/status", "a/b+c") == "http://127.0.0.1:5005/status?token=a%2Fb%2Bc"
    assert api_url("http://h", "/conversations/x/tracker?include_events=ALL", "t") == (
        "http://h/conversations/x/tracker?include_events=ALL&token=t")


def test_api_url_without_any_token_sends_none(token_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BOT_API_TOKEN", raising=False)
    assert api_url("http://h", "/status") == "http://h/status"
