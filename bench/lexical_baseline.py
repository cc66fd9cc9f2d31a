"""A lexical baseline over the same knowledge: scikit-learn TF-IDF, nearest entry phrasing by cosine.

Each entry is indexed by its question and every `also_asked` phrasing (what our bot trains on).
A question gets the entry of its most similar phrasing. The refusal threshold (below it the
baseline declines, as for out-of-scope questions) is chosen on bench/dev.yml, never on the
held-out set, the same way the bot's thresholds were.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from bot.kb.model import Knowledge

OUT_OF_SCOPE = "out_of_scope"
THRESHOLDS = [round(0.05 * i, 2) for i in range(0, 15)]


@dataclass
class TfidfRetriever:
    vectorizer: TfidfVectorizer
    matrix: object
    entry_of_row: list[str]

    @classmethod
    def build(cls, knowledge: Knowledge) -> TfidfRetriever:
        texts, ids = [], []
        for entry in knowledge.entries.values():
            for phrasing in (entry.question, *entry.also_asked):
                texts.append(phrasing)
                ids.append(entry.id)
        vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, lowercase=True)
        return cls(vectorizer, vectorizer.fit_transform(texts), ids)

    def best(self, texts: list[str]) -> list[tuple[str, float]]:
        """(entry id, cosine) of the nearest phrasing for each text (rows are L2-normalised)."""
        scores = (self.vectorizer.transform(texts) @ self.matrix.T).toarray()
        rows = scores.argmax(axis=1)
        return [(self.entry_of_row[r], float(scores[i, r])) for i, r in enumerate(rows)]


def score(best: list[tuple[str, float]], expected: list[str], threshold: float) -> dict[str, int]:
    counts = {"in_scope": 0, "correct": 0, "top1_correct": 0, "refused": 0, "oos": 0, "oos_declined": 0}
    for (entry_id, cosine), want in zip(best, expected):
        declined = cosine < threshold
        if want == OUT_OF_SCOPE:
            counts["oos"] += 1
            counts["oos_declined"] += declined
            continue
        counts["in_scope"] += 1
        counts["top1_correct"] += entry_id == want
        counts["correct"] += entry_id == want and not declined
        counts["refused"] += declined
    return counts


def choose_threshold(retriever: TfidfRetriever, dev: list[dict]) -> float:
    """The threshold with the most right outcomes on the dev set (answers plus declined out-of-scope)."""
    best = retriever.best([q["text"] for q in dev])
    expected = [q["expect"] for q in dev]

    def right(threshold: float) -> int:
        counts = score(best, expected, threshold)
        return counts["correct"] + counts["oos_declined"]

    return max(THRESHOLDS, key=lambda t: (right(t), -t))


def evaluate(knowledge: Knowledge, dev: list[dict], heldout: list[dict]) -> dict:
    retriever = TfidfRetriever.build(knowledge)
    threshold = choose_threshold(retriever, dev)
    best = retriever.best([q["text"] for q in heldout])
    counts = score(best, [q["expect"] for q in heldout], threshold)
    return {"threshold": threshold, "totals": counts, "phrasings_indexed": int(np.shape(retriever.matrix)[0])}
