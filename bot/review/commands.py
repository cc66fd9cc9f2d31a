"""The exact commands the report prints next to each item, so staff paste rather than type."""
from __future__ import annotations

from bot.review.collect import Cluster, Review

BASE = "python -m bot review"


def accept_command(review: Review, key: str, entry_id: str) -> str:
    return f"{_base(review)} --accept {key} --entry {entry_id}"


def new_entry_command(review: Review, cluster: Cluster) -> str:
    return f"{_base(review)} --accept {cluster.key} --new-entry {cluster.suggested_id} --topic {cluster.suggested_topic}"


def dismiss_command(review: Review, key: str, reason: str) -> str:
    return f"{_base(review)} --dismiss {key} --reason \"{reason}\""


def undo_command(action_id: int) -> str:
    return f"{BASE} --undo {action_id}"


def _base(review: Review) -> str:
    """Groups depend on the period reviewed: the command repeats it so it finds the same group."""
    return f"{BASE} --days {review.days}" if review.days else BASE
