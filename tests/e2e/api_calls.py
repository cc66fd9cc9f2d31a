"""Calls to Rasa's HTTP API that only operators may make, and a client that reports the status they get."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from bot.api_auth import api_url

# What an attacker would write into someone's conversation: a finished eligibility check.
FORGED_SLOT = {"event": "slot", "name": "eligibility_status", "value": "meets_requirements"}


@dataclass(frozen=True)
class ApiCall:
    method: str
    path: str
    body: Any = None  # sent as JSON

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def operator_calls(sender: str) -> list[ApiCall]:
    """Tracker reads, event writes, model replacement and unloading, training, and the rest of the API."""
    conversation = f"/conversations/{sender}"
    return [
        ApiCall("GET", f"{conversation}/tracker"),
        ApiCall("GET", f"{conversation}/story"),
        ApiCall("POST", f"{conversation}/tracker/events", FORGED_SLOT),
        ApiCall("PUT", f"{conversation}/tracker/events", [FORGED_SLOT]),
        ApiCall("POST", f"{conversation}/messages", {"text": "hello", "sender": "user"}),
        ApiCall("POST", f"{conversation}/trigger_intent", {"name": "greet"}),
        ApiCall("POST", f"{conversation}/execute", {"name": "utter_greet"}),
        ApiCall("POST", f"{conversation}/predict"),
        ApiCall("PUT", "/model", {"model_file": "/tmp/replacement.tar.gz"}),
        ApiCall("DELETE", "/model"),
        ApiCall("POST", "/model/train", {}),
        ApiCall("POST", "/model/parse", {"text": "hello"}),
        ApiCall("GET", "/status"),
        ApiCall("GET", "/domain"),
    ]


def status_of(url: str, call: ApiCall, token: str | None = None) -> int:
    """The HTTP status `call` gets at `url`, sent with `token` as Rasa reads it, or with none."""
    address = api_url(url, call.path, token) if token else f"{url}{call.path}"
    body = None if call.body is None else json.dumps(call.body).encode()
    request = urllib.request.Request(address, body, {"Content-Type": "application/json"}, method=call.method)
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:
            return reply.status
    except urllib.error.HTTPError as err:
        return err.code
