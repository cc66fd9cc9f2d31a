"""Fills deploy/nginx.conf's placeholders: the replicas, the action servers and where to listen."""
from __future__ import annotations

from pathlib import Path

from bot.paths import PROJECT_ROOT

TEMPLATE = PROJECT_ROOT / "deploy" / "nginx.conf"


def server_lines(addresses: list[str]) -> str:
    # A replica that refuses connections is skipped for 5 s, then tried again.
    return "\n".join(f"        server {address} max_fails=1 fail_timeout=5s;" for address in addresses)


def render_nginx_conf(rasa: list[str], actions: list[str], listen: str, actions_listen: str,
                      prefix: Path, template: Path = TEMPLATE) -> str:
    """nginx.conf text; every address is host:port. Temp files, pid and error log go under `prefix`."""
    if not rasa or not actions:
        raise ValueError("nginx needs at least one Rasa replica and one action server, "
                         "e.g. --rasa 10.0.0.5:5005 --actions 10.0.0.7:5055")
    values = {"rasa_servers": server_lines(rasa), "action_servers": server_lines(actions),
              "listen": listen, "actions_listen": actions_listen, "prefix": str(prefix)}
    text = template.read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace("{{" + name + "}}", value)
    return text
