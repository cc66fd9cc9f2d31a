"""Turns what staff type after --accept and --dismiss into the questions and votes meant.

12 or #12 is a question, C12 the group named after its first question #12, oos:medical_advice the
out-of-scope questions of a category, votes:fee_a the open 👍/👎 on an entry. The report prints
the exact command next to each, so these are mostly pasted.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.review.collect import Review
from bot.store.user_data import AnswerFeedback, UnansweredQuestion

QUESTION = re.compile(r"^#?(\d+)$")
CLUSTER = re.compile(r"^[Cc](\d+)$")
HOW_TO_WRITE = ("Write a question as 12 (the #12 in the report), a group as C12, out-of-scope questions as "
                "oos:CATEGORY and the votes on an entry as votes:ENTRY_ID")


class ItemError(ValueError):
    """An item staff typed that the review does not have; the message says what to type instead."""


@dataclass(frozen=True)
class Selection:
    names: tuple[str, ...]  # the items as the report writes them: #12, C12, oos:x, votes:y
    questions: tuple[UnansweredQuestion, ...]  # each once, oldest first
    votes: tuple[AnswerFeedback, ...]


def select_items(review: Review, items: list[str], for_accept: bool) -> Selection:
    """The questions (and, for --dismiss, votes) the items name; ItemError for any it cannot find."""
    names: list[str] = []
    questions: dict[int, UnansweredQuestion] = {}
    votes: dict[int, AnswerFeedback] = {}
    for raw in items:
        item = raw.strip()
        name, found_questions, found_votes = _resolve(review, item)
        if for_accept and found_votes:
            raise ItemError(f"'{item}' names votes, which --accept cannot add to an entry. --accept takes questions "
                            f"(12) and groups (C12); use --dismiss {item} --reason '...' once the answer is fixed")
        if for_accept and item.startswith("oos:"):
            raise ItemError(f"'{item}' is every out-of-scope question of a category: accept them one by one "
                            "(--accept 12 --entry ID) so only those the bot should answer become phrasings")
        names.append(name)
        questions.update((q.id, q) for q in found_questions)
        votes.update((v.id, v) for v in found_votes)
    ordered = sorted(questions.values(), key=lambda q: (q.asked_at, q.id))
    return Selection(tuple(names), tuple(ordered), tuple(sorted(votes.values(), key=lambda v: v.id)))


def _resolve(review: Review, item: str) -> tuple[str, list[UnansweredQuestion], list[AnswerFeedback]]:
    question = QUESTION.match(item)
    if question:
        number = int(question.group(1))
        found = [q for q in review.questions if q.id == number]
        if not found:
            raise ItemError(f"There is no open question #{number}: it was accepted or dismissed already, or the "
                            "number is wrong. Use a number shown as #12 in `python -m bot review`")
        return f"#{number}", found, []
    cluster = CLUSTER.match(item)
    if cluster:
        key = f"C{int(cluster.group(1))}"
        match = next((c for c in review.clusters if c.key == key), None)
        if match is None:
            shown = ", ".join(c.key for c in review.clusters[:5]) or "none are open"
            raise ItemError(f"There is no group {key} in the review now (groups are named after their first open "
                            f"question, so they change as questions are handled). Run `python -m bot review` for "
                            f"the current groups ({shown})")
        return key, list(match.questions), []
    if item.startswith("oos:"):
        category = item[len("oos:"):]
        match = next((o for o in review.out_of_scope if o.category == category), None)
        if match is None:
            shown = ", ".join(o.key for o in review.out_of_scope) or "there are none open"
            raise ItemError(f"There are no open out-of-scope questions in '{category}' ({shown})")
        return match.key, list(match.questions), []
    if item.startswith("votes:"):
        entry_id = item[len("votes:"):]
        match = next((f for f in review.feedback if f.entry.id == entry_id), None)
        if match is None:
            shown = ", ".join(f.key for f in review.feedback) or "there are none open"
            raise ItemError(f"There are no open votes on '{entry_id}' ({shown})")
        return match.key, [], list(match.votes)
    raise ItemError(f"'{item}' is not an item of the review. {HOW_TO_WRITE}")
