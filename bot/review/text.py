"""The review as plain text for the terminal: what to look at first, and the command to mark it done."""
from __future__ import annotations

from collections import Counter

from bot.review.collect import KIND_LABELS, NO_ENTRY, Cluster, Review

ELIGIBILITY_LABELS = {"meets_requirements": "meets the requirements", "in_progress": "in progress",
                      "not_eligible": "not eligible", "cancelled": "stopped before the end"}


def render_text(review: Review) -> str:
    lines = [
        "ECFMG Guide review: questions the bot did not answer, and feedback on its answers",
        f"Made {review.made_at:%Y-%m-%d %H:%M} UTC, {_period(review)}. Items marked handled are left out.",
        "",
        _summary(review),
        "",
        "1. Unanswered questions, by topic and nearest entry",
        "   The nearest entry is the one the bot found closest. Add the question to its 'also_asked' if it",
        "   asks the same thing; if not, the questions may need a new entry.",
    ]
    if not review.topics:
        lines.append("   None.")
    for topic in review.topics:
        lines += ["", f"{topic.title} ({_count(topic.count, 'question')})"]
        for cluster in topic.clusters:
            lines += _cluster_lines(cluster)
    lines += ["", "2. Out of scope (the bot declined on purpose; look for questions it should answer)"]
    if not review.out_of_scope:
        lines.append("   None.")
    for category, questions in review.out_of_scope:
        lines.append(f"   {category.replace('_', ' ')}: {_count(len(questions), 'question')}")
        lines += [f"      #{q.id}  {q.asked_at:%Y-%m-%d}  {q.channel:<9} \"{q.text}\"" for q in questions[:3]]
        lines.append(f"      Done? python -m bot review --mark-out-of-scope {category}")
    lines += ["", "3. Answers marked 👎, most first (rewrite the answer, then mark the entry handled)"]
    if not review.feedback:
        lines.append("   None.")
    for item in review.feedback:
        where = f" at {item.entry.where}" if item.entry.where else ""
        owner = f", owner {item.entry.owner}" if item.entry.owner else ""
        lines.append(f"   👎 {item.unhelpful}  👍 {item.helpful}  {item.entry.id}: \"{item.entry.question}\"{where}{owner}")
    lines += ["", "4. Eligibility checks, by result"]
    lines += [f"   {ELIGIBILITY_LABELS.get(status, status)}: {count}"
              for status, count in sorted(review.eligibility.items(), key=lambda i: -i[1])] or ["   None yet."]
    lines += ["", "Mark single questions handled with: python -m bot review --mark-handled 12 15",
              "Export: python -m bot review --csv review.csv  ·  Report with charts: python -m bot review --html review.html"]
    return "\n".join(lines) + "\n"


def _cluster_lines(cluster: Cluster) -> list[str]:
    if cluster.entry:
        where = f" ({cluster.entry.where}, owner {cluster.entry.owner})" if cluster.entry.where else ""
        head = f"  {cluster.entry.id}: \"{cluster.entry.question}\"{where}"
    else:
        head = "  no entry came close"
    lines = [f"{head}: {_count(len(cluster.questions), 'question')} ({_kinds(cluster.kinds)})"]
    lines += [f"      #{q.id}  {q.asked_at:%Y-%m-%d}  {q.channel:<9} \"{q.text}\"" for q in cluster.examples]
    if len(cluster.questions) > len(cluster.examples):
        lines.append(f"      … and {len(cluster.questions) - len(cluster.examples)} more (all are in --csv)")
    lines.append(f"      Done? python -m bot review --mark-entry {cluster.entry.id if cluster.entry else NO_ENTRY}")
    return lines


def _summary(review: Review) -> str:
    kinds = review.kinds
    total = sum(kinds.values())
    unhelpful = sum(f.unhelpful for f in review.feedback)
    rated = sum(1 for f in review.feedback if f.unhelpful)
    checks = sum(review.eligibility.values())
    return (f"Summary: {_count(total, 'open question')} ({_kinds(kinds)}); "
            f"{_count(unhelpful, '👎')} on {_count(rated, 'answer')}; {_count(checks, 'eligibility check')}.")


def _period(review: Review) -> str:
    if review.since:
        return f"questions since {review.since:%Y-%m-%d}"
    if review.questions:
        return f"questions from {review.questions[0].asked_at:%Y-%m-%d} to {review.questions[-1].asked_at:%Y-%m-%d}"
    return "no open questions"


def _kinds(kinds: Counter[str]) -> str:
    parts = [f"{kinds[k]} {label}" for k, label in KIND_LABELS.items() if kinds[k]]
    return ", ".join(parts) if parts else "none"


def _count(number: int, noun: str) -> str:
    if noun == "👎":
        return f"{number} 👎"
    return f"{number} {noun}{'' if number == 1 else 's'}"
