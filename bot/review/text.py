"""The review as plain text for the terminal: the groups that cost the most conversations first, each
with the command that acts on it."""
from __future__ import annotations

from collections import Counter

from bot.review.collect import KIND_LABELS, MAX_WORDINGS, Cluster, Feedback, Review
from bot.review.commands import accept_command, dismiss_command, new_entry_command, undo_command
from bot.review.records import ActionLine

ELIGIBILITY_LABELS = {"meets_requirements": "meets the requirements", "in_progress": "in progress",
                      "not_eligible": "not eligible", "cancelled": "stopped before the end"}


def render_text(review: Review) -> str:
    lines = [
        "ECFMG Guide review: questions the bot did not answer, and feedback on its answers",
        f"Made {review.made_at:%Y-%m-%d %H:%M} UTC, {period(review)}. Accepted and dismissed items are left out.",
        "",
        summary(review),
    ]
    lines += [f"Note: {conversations_note(review)}"] if conversations_note(review) else []
    lines += ["", "1. Unanswered questions, grouped by meaning, most conversations first",
              "   Add a group to the entry that answers it, start a new entry from it, or dismiss it if no entry",
              "   is needed. Each command is ready to paste; the phrasings added are the questions as shown."]
    if not review.clusters:
        lines.append("   None.")
    for cluster in review.clusters:
        lines += [""] + _cluster_lines(review, cluster)
    lines += ["", "2. Out of scope (the bot declined on purpose; look for questions it should answer)"]
    if not review.out_of_scope:
        lines.append("   None.")
    for group in review.out_of_scope:
        lines.append(f"   {group.category.replace('_', ' ')}: {count(len(group.questions), 'question')}")
        lines += [f"      #{q.id}  {q.asked_at:%Y-%m-%d}  {q.channel:<9} \"{q.text}\"" for q in group.questions[:3]]
        lines.append(f"      Declined rightly? {dismiss_command(review, group.key, 'declined rightly')}")
        lines.append("      One it should answer? python -m bot review --accept 12 --entry ENTRY_ID (its #number)")
    lines += ["", "3. Answers marked 👎, most first, with the question asked before each",
              "   Check the answer against its sources, rewrite it and publish; then dismiss the votes."]
    if not review.feedback:
        lines.append("   None.")
    for item in review.feedback:
        lines += _feedback_lines(review, item)
    lines += ["", "4. Eligibility checks, by result"]
    lines += [f"   {ELIGIBILITY_LABELS.get(status, status)}: {number}"
              for status, number in sorted(review.eligibility.items(), key=lambda i: -i[1])] or ["   None yet."]
    lines += ["", "5. Recent staff actions (each can be undone until the next publish)"]
    lines += [f"   {action_line(a)}" for a in review.actions] or ["   None yet."]
    lines += ["", "Export: python -m bot review --csv review.csv  ·  Report with charts: "
                  "python -m bot review --html review.html"]
    return "\n".join(lines) + "\n"


def _cluster_lines(review: Review, cluster: Cluster) -> list[str]:
    lines = [f"{cluster.key}  \"{cluster.example}\"",
             f"    {count(cluster.conversations, 'conversation')}, {count(len(cluster.questions), 'question')} "
             f"({kinds(cluster.kinds)}); {', '.join(cluster.channels)}; {date_range(cluster)}"]
    if cluster.candidates:
        best = ", ".join(f"{c.entry.id} {c.confidence:.2f}" for c in cluster.candidates)
        lines.append(f"    Best entries (the model's confidence when asked): {best}")
    else:
        lines.append("    No entry covers these questions (the model was not even close to one).")
    for wording in cluster.wordings[:MAX_WORDINGS]:
        times = f" (×{len(wording.questions)})" if len(wording.questions) > 1 else ""
        lines.append(f"      #{wording.questions[0].id}{times}  \"{wording.text}\"")
    hidden = len(cluster.wordings) - MAX_WORDINGS
    if hidden > 0:
        lines.append(f"      … and {count(hidden, 'other wording')} (all are in --csv)")
    for candidate in cluster.candidates:
        where = f" ({candidate.entry.where})" if candidate.entry.where else ""
        lines.append(f"    Answered by {candidate.entry.id}: \"{candidate.entry.question}\"{where}? "
                     f"{accept_command(review, cluster.key, candidate.entry.id)}")
    lines.append(f"    New entry: {new_entry_command(review, cluster)}")
    lines.append(f"    No entry needed: {dismiss_command(review, cluster.key, 'out of scope')}")
    return lines


def _feedback_lines(review: Review, item: Feedback) -> list[str]:
    where = f" at {item.entry.where}" if item.entry.where else ""
    owner = f", owner {item.entry.owner}" if item.entry.owner else ""
    lines = [f"   👎 {item.unhelpful}  👍 {item.helpful}  {item.entry.id}: \"{item.entry.question}\"{where}{owner}"]
    lines += [f"      asked before a 👎: \"{question}\"" for question in item.asked_before]
    missing = item.unhelpful - len(item.asked_before)
    if missing > 0:
        lines.append(f"      ({count(missing, '👎')} without the question: not in the conversation store)")
    lines.append(f"      Done? {dismiss_command(review, item.key, 'answer rewritten')}")
    return lines


def action_line(action: ActionLine) -> str:
    if action.undone:
        state = action.undone
    elif action.published:
        state = "published: change knowledge/ by hand to revert it"
    else:
        state = f"undo: {undo_command(action.id)}"
    return f"#{action.id}  {action.at:%Y-%m-%d %H:%M}  {action.by}  {action.summary}  · {state}"


def summary(review: Review) -> str:
    total = sum(review.kinds.values())
    unanswered = sum(len(c.questions) for c in review.clusters)
    unhelpful = sum(f.unhelpful for f in review.feedback)
    rated = sum(1 for f in review.feedback if f.unhelpful)
    checks = sum(review.eligibility.values())
    return (f"Summary: {count(total, 'open question')} ({kinds(review.kinds)}); {unanswered} unanswered in "
            f"{count(len(review.clusters), 'group')} from {count(review.conversations, 'conversation')}; "
            f"{count(unhelpful, '👎')} on {count(rated, 'answer')}; {count(checks, 'eligibility check')}.")


def conversations_note(review: Review) -> str:
    if review.conversations_note:
        return f"conversations are not counted ({review.conversations_note}): each question counts as one."
    if review.untraced:
        return (f"{count(review.untraced, 'question')} not found in the conversation store (purged, or from "
                "another store) count as one conversation each.")
    return ""


def period(review: Review) -> str:
    if review.since:
        return f"questions since {review.since:%Y-%m-%d}"
    if review.questions:
        return f"questions from {review.questions[0].asked_at:%Y-%m-%d} to {review.questions[-1].asked_at:%Y-%m-%d}"
    return "no open questions"


def date_range(cluster: Cluster) -> str:
    first, last = f"{cluster.first:%Y-%m-%d}", f"{cluster.last:%Y-%m-%d}"
    return f"asked {first}" if first == last else f"asked {first} to {last}"


def kinds(found: Counter[str]) -> str:
    parts = [f"{found[k]} {label}" for k, label in KIND_LABELS.items() if found[k]]
    return ", ".join(parts) if parts else "none"


def count(number: int, noun: str) -> str:
    if noun == "👎":
        return f"{number} 👎"
    return f"{number} {noun}{'' if number == 1 else 's'}"
