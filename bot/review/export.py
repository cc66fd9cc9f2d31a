"""The review's open questions as CSV, one row per question, for a spreadsheet."""
from __future__ import annotations

import csv
import io

from bot.review.collect import KIND_LABELS, Review, candidates_of

COLUMNS = ("id", "asked_at_utc", "channel", "bot_did", "out_of_scope_category", "topic", "nearest_entry",
           "nearest_entry_question", "candidates", "question")


def render_csv(review: Review) -> str:
    entries = {c.key: c.entry for t in review.topics for c in t.clusters if c.entry}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for question in review.questions:
        entry = entries.get(question.nearest_entry or "")
        writer.writerow([
            question.id, question.asked_at.strftime("%Y-%m-%d %H:%M:%S"), question.channel,
            KIND_LABELS[question.kind], question.detail, entry.topic if entry else "",
            question.nearest_entry or "", entry.question if entry else "",
            "; ".join(f"{entry_id} ({confidence:.2f})" for entry_id, confidence in candidates_of(question)),
            question.text,
        ])
    return buffer.getvalue()
