"""The review's open questions as CSV, one row per question with its group, for a spreadsheet."""
from __future__ import annotations

import csv
import io

from bot.review.collect import KIND_LABELS, Review, candidates_of

COLUMNS = ("id", "asked_at_utc", "channel", "bot_did", "out_of_scope_category", "group", "group_question",
           "group_best_entry", "candidates_when_asked", "question")


def render_csv(review: Review) -> str:
    groups = {q.id: cluster for cluster in review.clusters for q in cluster.questions}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for question in review.questions:
        cluster = groups.get(question.id)
        best = cluster.candidates[0].entry.id if cluster and cluster.candidates else ""
        writer.writerow([
            question.id, question.asked_at.strftime("%Y-%m-%d %H:%M:%S"), question.channel,
            KIND_LABELS[question.kind], question.detail, cluster.key if cluster else "",
            cluster.example if cluster else "", best,
            "; ".join(f"{entry_id} ({confidence:.2f})" for entry_id, confidence in candidates_of(question)),
            question.text,
        ])
    return buffer.getvalue()
