"""The polite replies come from bot/channels/replies.yml; a broken file is an error naming the line."""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.channels.guard import Limits, RejectedInput
from bot.channels.replies import REPLIES_FILE, load_replies
from bot.errors import ConfigError

GOOD = "empty: Empty.\ntoo_long: At most {max_chars}.\nrate_limited: Slow down.\nunavailable: Down.\nnot_text: Text only.\n"


def test_the_shipped_replies_load_and_fill_the_limit() -> None:
    replies = load_replies(REPLIES_FILE)
    assert replies.for_rejection(RejectedInput("too_long", "x"), Limits(max_chars=321)).count("321") == 1
    assert replies.for_rejection(RejectedInput("empty", "x"), Limits()) == replies.empty
    assert replies.for_rejection(RejectedInput("rate_limited", "x", 5), Limits()) == replies.rate_limited


def test_missing_reply_names_the_key(tmp_path: Path) -> None:
    path = tmp_path / "replies.yml"
    path.write_text(GOOD.replace("unavailable: Down.\n", ""))
    with pytest.raises(ConfigError) as err:
        load_replies(path)
    assert str(err.value) == f"{path}:1: the reply 'unavailable' is missing or empty. Write its text after 'unavailable:'."


def test_unknown_placeholder_names_the_line_and_the_allowed_ones(tmp_path: Path) -> None:
    path = tmp_path / "replies.yml"
    path.write_text(GOOD.replace("At most {max_chars}.", "At most {limit}."))
    with pytest.raises(ConfigError) as err:
        load_replies(path)
    assert str(err.value) == (f"{path}:2: the reply 'too_long' has a placeholder or brace it cannot fill ('limit'). "
                              "Use only these placeholders: {max_chars}; write other braces as {{ }}.")


def test_file_that_is_not_a_mapping_says_how_to_write_it(tmp_path: Path) -> None:
    path = tmp_path / "replies.yml"
    path.write_text("- just a list\n")
    with pytest.raises(ConfigError) as err:
        load_replies(path)
    assert str(err.value).startswith(f"{path}:1: the file is not a mapping of reply names to texts.")
