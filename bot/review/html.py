"""The review as one self-contained HTML page (charts embedded as PNG): opens in any browser, offline."""
from __future__ import annotations

import base64
import io
from html import escape

from bot.review.collect import KIND_LABELS, NO_ENTRY, Cluster, Review
from bot.review.text import ELIGIBILITY_LABELS

KIND_COLOURS = {"no_match": "#c0392b", "did_you_mean": "#e67e22", "out_of_scope": "#7f8c8d"}
TOP_CLUSTERS = 10
STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem auto; max-width: 70rem;
       color: #1d2733; line-height: 1.45; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { margin-top: 2.2rem; border-bottom: 2px solid #dde3ea; }
h3 { margin: 1.4rem 0 .3rem; } .muted { color: #5b6b7c; } .summary { display: flex; gap: 1rem; flex-wrap: wrap; }
.card { background: #f3f6f9; border-radius: .5rem; padding: .8rem 1.1rem; min-width: 10rem; }
.card b { display: block; font-size: 1.7rem; } .charts { display: flex; gap: 1.5rem; flex-wrap: wrap; }
.charts figure { margin: 0; flex: 1 1 30rem; } .charts img { width: 100%; border: 1px solid #dde3ea; border-radius: .4rem; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; font-size: .95rem; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #e4e9ee; vertical-align: top; }
th { background: #f3f6f9; } code { background: #eef2f6; padding: .05rem .3rem; border-radius: .25rem; }
table.questions { table-layout: fixed; } table.questions th:nth-child(1) { width: 4rem; }
table.questions th:nth-child(2) { width: 10rem; } table.questions th:nth-child(3) { width: 6rem; }
table.questions th:nth-child(4) { width: 7rem; }
.kind { font-size: .8rem; padding: .05rem .4rem; border-radius: .6rem; color: white; white-space: nowrap; }
"""


def render_html(review: Review) -> str:
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<title>ECFMG Guide review</title>",
        f"<style>{STYLE}</style></head><body>",
        "<h1>ECFMG Guide review</h1>",
        f"<p class='muted'>Questions the bot did not answer, and feedback on its answers. Made "
        f"{review.made_at:%d %B %Y, %H:%M} UTC. Items marked handled are left out.</p>",
        _summary(review),
        _charts(review),
        "<h2>1. Unanswered questions, by topic and nearest entry</h2>",
        "<p>The nearest entry is the one the bot found closest. If a question asks the same thing, add it to "
        "that entry's <code>also_asked</code> and publish; if not, it may need a new entry. Then mark the group "
        "handled with the command shown.</p>",
        _topics(review),
        "<h2>2. Out of scope</h2><p>The bot declined these on purpose. Look for questions it should answer.</p>",
        _out_of_scope(review),
        "<h2>3. Answers marked 👎</h2><p>Most 👎 first. Check the answer against its sources, rewrite it, publish, "
        "then mark the entry handled.</p>",
        _feedback(review),
        "<h2>4. Eligibility checks</h2>",
        _eligibility(review),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _summary(review: Review) -> str:
    kinds = review.kinds
    cards = [("open questions", sum(kinds.values()))] + [(label, kinds[k]) for k, label in KIND_LABELS.items()]
    cards += [("answers rated not helpful (👎)", sum(f.unhelpful for f in review.feedback)),
              ("eligibility checks", sum(review.eligibility.values()))]
    return "<div class='summary'>" + "".join(
        f"<div class='card'><b>{count}</b>{escape(label)}</div>" for label, count in cards) + "</div>"


def _charts(review: Review) -> str:
    if not review.questions:
        return "<p>No open questions: nothing to chart.</p>"
    return ("<div class='charts'>"
            f"<figure><img alt='Questions per day' src='data:image/png;base64,{_per_day_chart(review)}'>"
            "<figcaption class='muted'>Open questions per day, by what the bot did</figcaption></figure>"
            f"<figure><img alt='Top unanswered groups' src='data:image/png;base64,{_clusters_chart(review)}'>"
            "<figcaption class='muted'>Largest groups of unanswered questions, by nearest entry</figcaption>"
            "</figure></div>")


def _per_day_chart(review: Review) -> str:
    plt = _pyplot()
    days = review.per_day()
    figure, axes = plt.subplots(figsize=(7, 3.4), dpi=110)
    bottoms = [0] * len(days)
    labels = [f"{d:%d %b}" for d in days]
    for kind, label in KIND_LABELS.items():
        counts = [day[kind] for day in days.values()]
        if any(counts):
            axes.bar(labels, counts, bottom=bottoms, label=label, color=KIND_COLOURS[kind])
            bottoms = [b + c for b, c in zip(bottoms, counts)]
    axes.set_ylabel("questions")
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.legend(frameon=False, fontsize=8)
    axes.tick_params(axis="x", labelrotation=45, labelsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    return _png(figure, plt)


def _clusters_chart(review: Review) -> str:
    plt = _pyplot()
    clusters = review.clusters()[:TOP_CLUSTERS]
    figure, axes = plt.subplots(figsize=(7, 0.4 * max(len(clusters), 3) + 0.8), dpi=110)
    names = [c.key if c.key != NO_ENTRY else "(no entry came close)" for c in clusters][::-1]
    axes.barh(names, [len(c.questions) for c in clusters][::-1], color="#2e86c1")
    axes.set_xlabel("questions")
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.tick_params(axis="y", labelsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    return _png(figure, plt)


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")  # no display: the report is made on servers too
    import matplotlib.pyplot as plt

    return plt


def _png(figure, plt) -> str:
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _topics(review: Review) -> str:
    if not review.topics:
        return "<p>None.</p>"
    return "".join(f"<h3>{escape(t.title)} <span class='muted'>({t.count})</span></h3>"
                   + "".join(_cluster(c) for c in t.clusters) for t in review.topics)


def _cluster(cluster: Cluster) -> str:
    if cluster.entry:
        where = f" · {escape(cluster.entry.where)} · owner {escape(cluster.entry.owner)}" if cluster.entry.where else ""
        head = f"<b>{escape(cluster.entry.id)}</b>: “{escape(cluster.entry.question)}”<span class='muted'>{where}</span>"
    else:
        head = "<b>No entry came close</b>"
    rows = "".join(
        f"<tr><td>#{q.id}</td><td>{q.asked_at:%Y-%m-%d %H:%M}</td><td>{escape(q.channel)}</td>"
        f"<td>{_kind_badge(q.kind)}</td><td>{escape(q.text)}</td></tr>" for q in cluster.examples)
    more = len(cluster.questions) - len(cluster.examples)
    more_note = f"<p class='muted'>… and {more} more (all are in the CSV export).</p>" if more > 0 else ""
    key = cluster.entry.id if cluster.entry else NO_ENTRY
    return (f"<p>{head} — {len(cluster.questions)} question(s)</p>"
            "<table class='questions'><tr><th>#</th><th>asked (UTC)</th><th>channel</th><th>bot</th><th>question</th></tr>"
            f"{rows}</table>{more_note}<p class='muted'>Done? <code>python -m bot review --mark-entry {escape(key)}</code></p>")


def _kind_badge(kind: str) -> str:
    return f"<span class='kind' style='background:{KIND_COLOURS[kind]}'>{escape(KIND_LABELS[kind])}</span>"


def _out_of_scope(review: Review) -> str:
    if not review.out_of_scope:
        return "<p>None.</p>"
    rows = "".join(
        f"<tr><td>{escape(category.replace('_', ' '))}</td><td>{len(questions)}</td>"
        f"<td>{'<br>'.join(escape(q.text) for q in questions[:3])}</td>"
        f"<td><code>python -m bot review --mark-out-of-scope {escape(category)}</code></td></tr>"
        for category, questions in review.out_of_scope)
    return f"<table><tr><th>category</th><th>questions</th><th>examples</th><th>done?</th></tr>{rows}</table>"


def _feedback(review: Review) -> str:
    if not review.feedback:
        return "<p>None.</p>"
    rows = "".join(
        f"<tr><td>{f.unhelpful}</td><td>{f.helpful}</td><td><b>{escape(f.entry.id)}</b>: “{escape(f.entry.question)}”"
        f"</td><td>{escape(f.entry.where)}</td><td>{escape(f.entry.owner)}</td>"
        f"<td><code>python -m bot review --mark-entry {escape(f.entry.id)}</code></td></tr>" for f in review.feedback)
    return ("<table><tr><th>👎</th><th>👍</th><th>entry</th><th>file</th><th>owner</th><th>done?</th></tr>"
            f"{rows}</table>")


def _eligibility(review: Review) -> str:
    if not review.eligibility:
        return "<p>None yet.</p>"
    rows = "".join(f"<tr><td>{escape(ELIGIBILITY_LABELS.get(status, status))}</td><td>{count}</td></tr>"
                   for status, count in sorted(review.eligibility.items(), key=lambda i: -i[1]))
    return f"<table><tr><th>result</th><th>checks</th></tr>{rows}</table>"
