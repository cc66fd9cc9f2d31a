"""bot.rasa_server: BOT_API_TOKEN reaches Rasa as --auth-token, and an open API off loopback never starts."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bot.paths import PROJECT_ROOT
from bot.rasa_server import ApiExposedError, locked_argv

TOKEN = "t" * 32
MAKE_TOKEN = "export BOT_API_TOKEN=\"$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')\""


def test_the_token_from_the_environment_becomes_rasas_auth_token() -> None:
    argv = ["run", "--enable-api", "-i", "127.0.0.1", "-p", "5005", "-m", "models"]
    assert locked_argv(argv, {"BOT_API_TOKEN": TOKEN}) == [*argv, "--auth-token", TOKEN]


def test_on_every_address_the_token_is_passed_on() -> None:
    assert locked_argv(["run", "--enable-api"], {"BOT_API_TOKEN": TOKEN}) == [
        "run", "--enable-api", "--auth-token", TOKEN]


@pytest.mark.parametrize(("argv", "interface"), [
    (["run", "--enable-api"], "0.0.0.0"),  # rasa run's default
    (["run", "--enable-api", "-i", "0.0.0.0"], "0.0.0.0"),
    (["run", "-p", "5005", "--interface=10.0.0.5", "--enable-api"], "10.0.0.5"),
    (["run", "--enable-api", "-i", "::"], "::"),
    (["run", "--enable-api", "-i", "bot.internal"], "bot.internal"),
])
def test_an_api_off_loopback_without_a_token_is_refused_naming_the_variable(argv: list[str], interface: str) -> None:
    with pytest.raises(ApiExposedError) as err:
        locked_argv(argv, {})
    assert str(err.value) == (
        f"The Rasa HTTP API (--enable-api) would listen on {interface} without a token: anyone who reaches it "
        "could read and rewrite every conversation and replace the model. Set BOT_API_TOKEN to a long random "
        f"secret, e.g. {MAKE_TOKEN}, or listen on 127.0.0.1 (-i 127.0.0.1).")


@pytest.mark.parametrize("interface", ["127.0.0.1", "localhost", "::1"])
def test_an_api_on_loopback_may_start_without_a_token(interface: str) -> None:
    argv = ["run", "--enable-api", "-i", interface]
    assert locked_argv(argv, {}) == argv


@pytest.mark.parametrize("argv", [["run", "actions", "--actions", "actions"], ["run", "-i", "0.0.0.0"],
                                  ["train", "--fixed-model-name", "x"], ["--version"]])
def test_commands_without_the_api_pass_through(argv: list[str]) -> None:
    assert locked_argv(argv, {}) == argv


def test_a_short_token_is_refused() -> None:
    with pytest.raises(ApiExposedError) as err:
        locked_argv(["run", "--enable-api", "-i", "127.0.0.1"], {"BOT_API_TOKEN": "rasaToken"})
    assert str(err.value) == ("BOT_API_TOKEN is only 9 characters long, short enough to guess. Set it to at least "
                              f"16 random characters, e.g. {MAKE_TOKEN}")


def test_the_helm_charts_default_arguments_are_refused() -> None:
    chart_args = ["run", "--enable-api", "--port", "5005", "--cors", "*", "--jwt-method", "HS256",
                  "--jwt-secret", "UNSET", "--auth-token", "rasaToken"]
    with pytest.raises(ApiExposedError) as err:
        locked_argv(chart_args, {"BOT_API_TOKEN": TOKEN})
    assert str(err.value).startswith("--auth-token is only 9 characters long, short enough to guess. Remove it "
                                     "and set BOT_API_TOKEN instead")


def test_an_explicit_long_auth_token_is_left_as_given() -> None:
    argv = ["run", "--enable-api", "--auth-token", TOKEN]
    assert locked_argv(argv, {}) == argv


def test_the_image_starts_rasa_through_the_lock() -> None:
    """deploy/Dockerfile's default command, run as the image runs it, is refused without BOT_API_TOKEN."""
    lines = (PROJECT_ROOT / "deploy" / "Dockerfile").read_text().splitlines()
    entrypoint, cmd = (json.loads(next(line for line in lines if line.startswith(word)).split(" ", 1)[1])
                       for word in ("ENTRYPOINT", "CMD"))
    assert entrypoint == ["python", "-m", "bot.rasa_server"]
    with pytest.raises(ApiExposedError):
        locked_argv(cmd, {})


def test_the_module_refuses_before_loading_rasa() -> None:
    # 192.0.2.1 is a documentation address: nothing is ever bound, even if the check regressed.
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(PROJECT_ROOT)}
    result = subprocess.run([sys.executable, "-m", "bot.rasa_server", "run", "--enable-api", "-i", "192.0.2.1"],
                            cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.startswith("ERROR: The Rasa HTTP API (--enable-api) would listen on 192.0.2.1 without a "
                                    "token")
    assert "Set BOT_API_TOKEN" in result.stderr
