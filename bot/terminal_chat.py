"""A terminal chat with a running bot over its REST channel, for trying it out."""
from __future__ import annotations

import urllib.error
import urllib.request
import uuid

from bot.serve import send_message


def bot_is_up(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/", timeout=2):
            return True
    except (urllib.error.URLError, OSError):
        return False


def show(messages: list[dict]) -> list[dict]:
    """Prints the bot's messages; returns the buttons the user can pick by number."""
    buttons: list[dict] = []
    for message in messages:
        if message.get("text"):
            print(f"bot> {message['text']}")
        for button in message.get("buttons") or []:
            buttons.append(button)
            print(f"     [{len(buttons)}] {button.get('title')}")
    return buttons


def run_chat(url: str) -> int:
    sender = f"terminal-{uuid.uuid4().hex[:8]}"
    print(f"Talking to {url}. Type a question, a button number, or /quit to leave.")
    buttons: list[dict] = []
    while True:
        try:
            text = input("you> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if text in ("/quit", "/exit"):
            return 0
        if text.isdigit() and 0 < int(text) <= len(buttons):
            text = buttons[int(text) - 1]["payload"]
        if not text:
            continue
        try:
            buttons = show(send_message(url, sender, text))
        except (urllib.error.URLError, OSError) as err:
            print(f"No answer from {url} ({err}). Is the bot running? Start it with `make run`.")
            return 1
