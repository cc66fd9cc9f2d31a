"""The review as one self-contained HTML page (inline CSS and SVG, nothing fetched): opens from a file, offline."""
from __future__ import annotations

from html import escape

from bot.review.chart import weekly_chart
from bot.review.collect import KIND_LABELS, MAX_WORDINGS, Cluster, Feedback, Review
from bot.review.commands import accept_command, dismiss_command, new_entry_command
from bot.review.text import (ELIGIBILITY_LABELS, action_line, conversations_note, count, date_range, kinds, period,
                             summary)
from bot.store.user_data import UnansweredQuestion

KIND_COLOURS = {"no_match": "#c0392b", "did_you_mean": "#e67e22", "out_of_scope": "#7f8c8d"}
STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem auto; max-width: 70rem;
       color: #1d2733; line-height: 1.45; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { margin-top: 2.2rem; border-bottom: 2px solid #dde3ea; }
.muted { color: #5b6b7c; } .summary { display: flex; gap: 1rem; flex-wrap: wrap; }
.card { background: #f3f6f9; border-radius: .5rem; padding: .8rem 1.1rem; min-width: 10rem; }
.card b { display: block; font-size: 1.7rem; }
.cluster { border: 1px solid #dde3ea; border-radius: .5rem; padding: .6rem 1rem; margin: 1rem 0; }
.cluster h3 { margin: .2rem 0; font-size: 1.05rem; } .uncovered { border-left: 6px solid #c0392b; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 .6rem; font-size: .95rem; }
th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid #e4e9ee; vertical-align: top; }
th { background: #f3f6f9; } code { background: #eef2f6; padding: .1rem .35rem; border-radius: .25rem;
       user-select: all; font-size: .88rem; } ul.commands { list-style: none; padding: 0; margin: .4rem 0; }
ul.commands li { margin: .25rem 0; } .kind { font-size: .8rem; padding: .05rem .4rem; border-radius: .6rem;
       color: white; white-space: nowrap; } svg.chart { width: 100%; max-width: 760px; }
svg .tick { font-size: 11px; fill: #5b6b7c; } svg .legend { font-size: 12px; fill: #1d2733; }
svg .axis { stroke: #8595a6; } svg .grid { stroke: #eef2f6; }
"""


def render_html(review: Review) -> str:
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        "<title>ECFMG Guide review</title>",
        f"<style>{STYLE}</style></head><body>",
        "<h1>ECFMG Guide review</h1>",
        f"<p class='muted'>Questions the bot did not answer, and feedback on its answers. Made "
        f"{review.made_at:%d %B %Y, %H:%M} UTC, {escape(period(review))}. Accepted and dismissed items are left "
        "out.</p>",
        _cards(review),
        f"<p>{escape(summary(review))}</p>",
        f"<p class='muted'>{escape(conversations_note(review))}</p>" if conversations_note(review) else "",
        "<h2>Unanswered questions per week, by topic</h2>",
        weekly_chart(review.per_week()) if review.clusters else "<p>No open questions: nothing to chart.</p>",
        "<h2>1. Unanswered questions, grouped by meaning</h2>",
        "<p>Most conversations first. Add a group to the entry that answers it, start a new entry from it, or "
        "dismiss it if no entry is needed: paste the command shown. The phrasings added are the questions as "
        "shown (contact details and ID numbers are removed before anything is stored).</p>",
        "".join(_cluster(review, c) for c in review.clusters) or "<p>None.</p>",
        "<h2>2. Out of scope</h2><p>The bot declined these on purpose. Look for questions it should answer: "
        "<code>python -m bot review --accept 12 --entry ENTRY_ID</code> takes one by its number.</p>",
        _out_of_scope(review),
        "<h2>3. Answers marked 👎</h2><p>Most 👎 first, with the question the user asked before each. Check the "
        "answer against its sources, rewrite it and publish; then dismiss the votes.</p>",
        "".join(_feedback(review, f) for f in review.feedback) or "<p>None.</p>",
        "<h2>4. Eligibility checks</h2>",
        _eligibility(review),
        "<h2>5. Recent staff actions</h2><p>Each can be undone until the next publish.</p>",
        "<ul>" + "".join(f"<li>{escape(action_line(a))}</li>" for a in review.actions) + "</ul>"
        if review.actions else "<p>None yet.</p>",
        "</body></html>",
    ]
    return "\n".join(p for p in parts if p) + "\n"


def _cards(review: Review) -> str:
    found = review.kinds
    cards = [("open questions", sum(found.values())), ("groups of unanswered questions", len(review.clusters)),
             ("conversations behind them", review.conversations),
             ("groups no entry covers", sum(1 for c in review.clusters if not c.candidates)),
             ("answers rated not helpful (👎)", sum(f.unhelpful for f in review.feedback))]
    return "<div class='summary'>" + "".join(
        f"<div class='card'><b>{number}</b>{escape(label)}</div>" for label, number in cards) + "</div>"


def _cluster(review: Review, cluster: Cluster) -> str:
    head = (f"<h3>{escape(cluster.key)} “{escape(cluster.example)}”</h3>"
            f"<p class='muted'>{count(cluster.conversations, 'conversation')}, "
            f"{count(len(cluster.questions), 'question')} ({escape(kinds(cluster.kinds))}) · "
            f"{escape(', '.join(cluster.channels))} · {escape(date_range(cluster))}</p>")
    if cluster.candidates:
        best = "".join(f"<li><b>{escape(c.entry.id)}</b> {c.confidence:.2f}: “{escape(c.entry.question)}” "
                       f"<span class='muted'>{escape(c.entry.where)}</span></li>" for c in cluster.candidates)
        covered = f"<p>Best entries (the model's confidence when asked):</p><ul>{best}</ul>"
    else:
        covered = "<p><b>No entry covers these questions</b> (the model was not even close to one).</p>"
    rows = "".join(
        f"<tr><td>#{w.questions[0].id}</td><td>{len(w.questions)}</td><td>{_badges(w.questions)}</td>"
        f"<td>{escape(w.text)}</td></tr>" for w in cluster.wordings[:MAX_WORDINGS])
    hidden = len(cluster.wordings) - MAX_WORDINGS
    more = f"<p class='muted'>… and {count(hidden, 'other wording')} (all are in the CSV export).</p>" if hidden > 0 else ""
    commands = [(f"Answered by {c.entry.id}?", accept_command(review, cluster.key, c.entry.id)) for c in cluster.candidates]
    commands += [("New entry:", new_entry_command(review, cluster)),
                 ("No entry needed:", dismiss_command(review, cluster.key, "out of scope"))]
    listed = "".join(f"<li>{escape(label)} <code>{escape(command)}</code></li>" for label, command in commands)
    style = "cluster" if cluster.candidates else "cluster uncovered"
    return (f"<section class='{style}'>{head}{covered}<table><tr><th>#</th><th>times</th><th>bot</th>"
            f"<th>question</th></tr>{rows}</table>{more}<ul class='commands'>{listed}</ul></section>")


def _badges(questions: tuple[UnansweredQuestion, ...]) -> str:
    found = sorted({q.kind for q in questions})
    return " ".join(f"<span class='kind' style='background:{KIND_COLOURS[k]}'>{escape(KIND_LABELS[k])}</span>"
                    for k in found)


def _out_of_scope(review: Review) -> str:
    if not review.out_of_scope:
        return "<p>None.</p>"
    rows = "".join(
        f"<tr><td>{escape(group.category.replace('_', ' '))}</td><td>{len(group.questions)}</td>"
        f"<td>{'<br>'.join(f'#{q.id} {escape(q.text)}' for q in group.questions[:3])}</td>"
        f"<td><code>{escape(dismiss_command(review, group.key, 'declined rightly'))}</code></td></tr>"
        for group in review.out_of_scope)
    return f"<table><tr><th>category</th><th>questions</th><th>examples</th><th>declined rightly?</th></tr>{rows}</table>"


def _feedback(review: Review, item: Feedback) -> str:
    asked = "".join(f"<li>“{escape(q)}”</li>" for q in item.asked_before)
    missing = item.unhelpful - len(item.asked_before)
    untraced = (f"<li class='muted'>{count(missing, '👎')} without the question: not in the conversation store</li>"
                if missing > 0 else "")
    where = f" · {escape(item.entry.where)} · owner {escape(item.entry.owner)}" if item.entry.where else ""
    return (f"<section class='cluster'><h3>👎 {item.unhelpful} · 👍 {item.helpful} — {escape(item.entry.id)}: "
            f"“{escape(item.entry.question)}”<span class='muted'>{where}</span></h3>"
            + (f"<p>Asked before a 👎:</p><ul>{asked}{untraced}</ul>" if asked or untraced else "")
            + f"<p>Done? <code>{escape(dismiss_command(review, item.key, 'answer rewritten'))}</code></p></section>")


def _eligibility(review: Review) -> str:
    if not review.eligibility:
        return "<p>None yet.</p>"
    rows = "".join(f"<tr><td>{escape(ELIGIBILITY_LABELS.get(status, status))}</td><td>{number}</td></tr>"
                   for status, number in sorted(review.eligibility.items(), key=lambda i: -i[1]))
    return f"<table><tr><th>result</th><th>checks</th></tr>{rows}</table>"
