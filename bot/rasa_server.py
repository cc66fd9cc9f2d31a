"""`python -m bot.rasa_server run --enable-api ...`: `rasa` with its HTTP API locked.

Every way this project starts Rasa goes through here (bot/serve.py, bot/local_cluster.py,
deploy/Dockerfile). BOT_API_TOKEN becomes Rasa's --auth-token inside this process, so the token
never shows in `ps`, and the API does not start on a non-loopback address without a token.
"""
from __future__ import annotations

import argparse
import ipaddress
import os
import sys
from collections.abc import Mapping

from bot.api_auth import MIN_TOKEN_CHARS, TOKEN_VARIABLE

RASA_DEFAULT_INTERFACE = "0.0.0.0"  # what `rasa run` binds without -i
MAKE_TOKEN = "export BOT_API_TOKEN=\"$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')\""


class ApiExposedError(ValueError):
    """The HTTP API would answer without a usable token; the message says what to set."""


def is_loopback(interface: str) -> bool:
    if interface == "localhost":
        return True
    try:
        return ipaddress.ip_address(interface.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name could resolve to anything


def _server_options(args: list[str]) -> argparse.Namespace:
    """The few `rasa run` options that decide who can reach the API; the rest pass through untouched."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("-i", "--interface", default=RASA_DEFAULT_INTERFACE)
    parser.add_argument("-t", "--auth-token")
    parser.add_argument("--jwt-secret")
    parser.add_argument("--enable-api", action="store_true")
    return parser.parse_known_args(args)[0]


def locked_argv(argv: list[str], env: Mapping[str, str]) -> list[str]:
    """rasa's arguments with BOT_API_TOKEN added as --auth-token; ApiExposedError if the API would be open."""
    if argv[:1] != ["run"] or argv[1:2] == ["actions"]:
        return argv
    options = _server_options(argv[1:])
    if not options.enable_api:
        return argv  # channels only: nothing to protect
    token = env.get(TOKEN_VARIABLE, "")
    if token and len(token) < MIN_TOKEN_CHARS:
        raise ApiExposedError(f"{TOKEN_VARIABLE} is only {len(token)} characters long, short enough to guess. "
                              f"Set it to at least {MIN_TOKEN_CHARS} random characters, e.g. {MAKE_TOKEN}")
    for option, value in (("--auth-token", options.auth_token), ("--jwt-secret", options.jwt_secret)):
        if value and len(value) < MIN_TOKEN_CHARS:
            # Rasa's Helm chart passes its defaults ('rasaToken', 'UNSET') this way unless `args` is set.
            raise ApiExposedError(f"{option} is only {len(value)} characters long, short enough to guess. Remove "
                                  f"it and set {TOKEN_VARIABLE} instead, e.g. {MAKE_TOKEN} (on Kubernetes: the "
                                  "chart's `args`, docs/deploy.md).")
    if not (token or options.auth_token or options.jwt_secret) and not is_loopback(options.interface):
        raise ApiExposedError(
            f"The Rasa HTTP API (--enable-api) would listen on {options.interface} without a token: anyone "
            "who reaches it could read and rewrite every conversation and replace the model. Set "
            f"{TOKEN_VARIABLE} to a long random secret, e.g. {MAKE_TOKEN}, or listen on 127.0.0.1 (-i 127.0.0.1).")
    return [*argv, "--auth-token", token] if token and not options.auth_token else argv


def main(argv: list[str] | None = None) -> int:
    try:
        rasa_args = locked_argv(sys.argv[1:] if argv is None else argv, os.environ)
    except ApiExposedError as err:
        print(f"ERROR: {err}", file=sys.stderr)
        return 1
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *rasa_args]  # Rasa parses sys.argv; the process's own command line keeps no token
    rasa_main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
