"""Starts the action server and `rasa run` on 127.0.0.1, waits until both answer, warms the model up."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML

from bot import paths
from bot.api_auth import TOKEN_VARIABLE, api_url, ensure_api_token
from bot.channels.guard import Limits
from bot.channels.settings import mounted_channels
from bot.endpoints import EndpointSettingError, child_environment, dump_endpoints, endpoint_settings
from bot.errors import ConfigError
from bot.paths import PROJECT_ROOT
from bot.preflight import StartupCheckError, check_stores

READY_TIMEOUT_S = 180


class BotNotReadyError(RuntimeError):
    """A server did not come up; the message names its log."""


@dataclass
class RunningBot:
    url: str
    actions_url: str
    log_dir: Path
    processes: list[subprocess.Popen]  # the action server, then the Rasa server
    token: str  # what its HTTP API requires (bot/api_auth.py)
    startup_s: dict[str, float] = field(default_factory=dict)  # seconds from launch to each stage

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in self.processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_endpoints(run_dir: Path, actions_port: int, env: Mapping[str, str]) -> Path:
    """endpoints.yml for this run: the repo's settings plus the stores and action server `env` names."""
    yaml = YAML(typ="safe")
    base = yaml.load((PROJECT_ROOT / "endpoints.yml").read_text(encoding="utf-8")) or {}
    try:
        settings = endpoint_settings(base, env, run_dir, f"http://127.0.0.1:{actions_port}/webhook")
    except EndpointSettingError as err:
        raise BotNotReadyError(str(err)) from err
    path = run_dir / "endpoints.yml"
    path.write_text(dump_endpoints(settings), encoding="utf-8")
    return path


def checked_environment(run_dir: Path, env: dict[str, str] | None) -> dict[str, str]:
    """The servers' environment, after checking every store it names answers (BotNotReadyError if not).

    It always carries BOT_API_TOKEN: the given one, or this checkout's own (var/api-token, made on first use).
    """
    child_env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "SANIC_HOST": "127.0.0.1",
                 "TF_CPP_MIN_LOG_LEVEL": "2", **(env or {})}
    try:
        check_stores(child_env, run_dir)
    except StartupCheckError as err:
        raise BotNotReadyError(str(err)) from err
    return {**child_env, **child_environment(child_env), TOKEN_VARIABLE: ensure_api_token(child_env)}


def rasa_server_command(port: int, model: Path, endpoints: Path) -> list[str]:
    """`rasa run` with the HTTP API on 127.0.0.1, through bot.rasa_server, which adds BOT_API_TOKEN."""
    return [sys.executable, "-m", "bot.rasa_server", "run", "--enable-api", "-i", "127.0.0.1", "-p", str(port),
            "-m", str(model), "--endpoints", str(endpoints), "--credentials", str(PROJECT_ROOT / "credentials.yml")]


def start_bot(port: int, actions_port: int, run_dir: Path, env: dict[str, str] | None = None,
              model: Path | None = None) -> RunningBot:
    """Both servers as child processes with logs in run_dir; raises BotNotReadyError if either fails."""
    run_dir.mkdir(parents=True, exist_ok=True)
    child_env = checked_environment(run_dir, env)
    rasa = str(Path(sys.executable).with_name("rasa"))
    endpoints = write_endpoints(run_dir, actions_port, child_env)
    bot = RunningBot(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{actions_port}", run_dir, [],
                     child_env[TOKEN_VARIABLE])
    commands = {
        "actions": [rasa, "run", "actions", "--actions", "actions", "-p", str(actions_port)],
        "rasa": rasa_server_command(port, model or PROJECT_ROOT / "models", endpoints),
    }
    launched = time.monotonic()
    try:
        for name, command in commands.items():
            log = (run_dir / f"{name}.log").open("wb")
            bot.processes.append(subprocess.Popen(command, cwd=PROJECT_ROOT, env=child_env, stdout=log,
                                                  stderr=subprocess.STDOUT, start_new_session=True))
        wait_for(f"{bot.actions_url}/health", run_dir / "actions.log", bot.processes[0])
        wait_for(f"{bot.url}/", run_dir / "rasa.log", bot.processes[1])
        bot.startup_s["servers_ready"] = time.monotonic() - launched
        send_message(bot.url, "warm-up", "hello")  # the first message traces the TensorFlow graphs
        bot.startup_s["first_answer"] = time.monotonic() - launched
    except BaseException:
        bot.stop()
        raise
    return bot


@contextmanager
def bot_url(url: str | None, run_dir_prefix: str) -> Iterator[str]:
    """The given bot's address, or that of a bot started on free ports for the duration."""
    if url:
        yield url
        return
    bot = start_bot(free_port(), free_port(), Path(tempfile.mkdtemp(prefix=run_dir_prefix)))
    try:
        yield bot.url
    finally:
        bot.stop()


def wait_for(url: str, log: Path, process: subprocess.Popen, timeout: float = READY_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BotNotReadyError(f"The server for {url} exited with code {process.returncode}; see {log}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    raise BotNotReadyError(f"No answer from {url} after {timeout:.0f} s; see {log}")


def send_message(url: str, sender: str, text: str, timeout: float = 60) -> list[dict]:
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(f"{url}/webhooks/rest/webhook", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as reply:
        return json.loads(reply.read())


def fetch_tracker(url: str, sender: str) -> dict:
    """GET /conversations/<sender>/tracker from the HTTP API, with the token (BOT_API_TOKEN or var/api-token)."""
    with urllib.request.urlopen(api_url(url, f"/conversations/{sender}/tracker"), timeout=30) as reply:
        return json.loads(reply.read())


def serve_forever(port: int, actions_port: int) -> int:
    """`make run`: start both servers, say how to talk to the bot, stop both on Ctrl-C."""
    run_dir = paths.run_dir()
    try:  # the same checks the channels make when Rasa starts, but as one clear line instead of a traceback
        Limits.from_env()
        channels = mounted_channels()
    except (ConfigError, ValueError) as err:
        print(f"ERROR: {err}", file=sys.stderr)
        return 1
    print(f"Starting the action server on 127.0.0.1:{actions_port} and the bot on 127.0.0.1:{port} "
          f"(logs in {run_dir.relative_to(PROJECT_ROOT)}/) ...", flush=True)
    try:
        bot = start_bot(port, actions_port, run_dir)
    except BotNotReadyError as err:
        print(f"ERROR: {err}", file=sys.stderr)
        return 1
    print(f"""
ECFMG Guide is running.
  Website widget:         {bot.url}/chat      (how a site embeds it: {bot.url}/chat/example)
  Chat in this terminal:  make chat          (in a second terminal)
  REST channel:           curl -s {bot.url}/webhooks/rest/webhook -H 'Content-Type: application/json' \\
                            -d '{{"sender": "me", "message": "what is ecfmg certification"}}'
  HTTP API (token only):  curl -s "{bot.url}/conversations/me/tracker?token={token_hint()}"
{channel_lines(bot.url, channels)}
Press Ctrl-C to stop both servers.""", flush=True)
    try:
        while all(p.poll() is None for p in bot.processes):
            time.sleep(1)
        print(f"A server stopped unexpectedly; see the logs in {run_dir}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        bot.stop()


def token_hint() -> str:
    """How a shell here finds the API token `make run` started the bot with."""
    if os.environ.get(TOKEN_VARIABLE):
        return f"${TOKEN_VARIABLE}"
    return f"$(cat {paths.api_token_file().relative_to(PROJECT_ROOT)})"


def channel_lines(url: str, mounted: list[str]) -> str:
    """Where Telegram and Slack must send their requests, or which variables switch them on."""
    telegram = (f"POST {url}/webhooks/telegram/webhook (run `python -m bot telegram-webhook` once)"
                if "telegram" in mounted else "not mounted (set TELEGRAM_BOT_TOKEN and TELEGRAM_SECRET_TOKEN)")
    slack = (f"events POST {url}/webhooks/slack/webhook, interactivity POST {url}/webhooks/slack/interactive"
             if "slack" in mounted else "not mounted (set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET)")
    return f"  Telegram:               {telegram}\n  Slack:                  {slack}"
