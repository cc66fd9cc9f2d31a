"""Groups the questions the bot missed by meaning.

Identical and near-identical wordings (same words once case, punctuation and filler words are
folded) count as one wording. The wordings are then clustered on the features of the bot's own
linear model (bot/nlu/linear_model.py): TF-IDF word 1-2-grams for the topic and character
n-grams inside words for typos and text-speak, built from the question sentences of each message
(bot/nlu/parts.py drops greetings and biography) with the whole message as context. Clustering is
SciPy's average-linkage hierarchy on cosine distance, cut at one distance, so the number of groups
follows the data.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import csr_matrix, hstack
from scipy.spatial.distance import squareform
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from bot.kb.checks import content_words, normalise_phrasing
from bot.nlu.parts import split_parts
from bot.redact import EMAIL_MARK, ID_MARK, PASSPORT_MARK, PHONE_MARK

# Average cosine distance at which two groups stop merging; chosen with bench/review_clustering.py.
MAX_DISTANCE = 0.86
WORD_WEIGHT = 0.7  # against the character n-grams: words carry the topic, characters the spelling
LABEL_TERMS = 3
LETTER_DASH_DIGIT = re.compile(r"(?<=[a-z])-(?=\d)")
REDACTION_MARK = re.compile("|".join(re.escape(m) for m in (EMAIL_MARK, PHONE_MARK, ID_MARK, PASSPORT_MARK)))


@dataclass(frozen=True)
class Group:
    """Questions that ask the same thing, as indices into the texts clustered."""

    members: tuple[int, ...]
    central: int  # the member closest to the others: the group's example
    terms: tuple[str, ...]  # the words that set the group apart, for its label


def wording_key(text: str) -> str:
    """Equal for wordings that differ only in case, punctuation or filler words ('the', 'my', 'pls')."""
    return " ".join(content_words(text)) or normalise_phrasing(text)


def group_questions(texts: Sequence[str]) -> list[Group]:
    """Every text in exactly one group; groups and members in a stable order (first text first)."""
    keys = [wording_key(text) for text in texts]
    first_of: dict[str, int] = {}
    for index, key in enumerate(keys):
        first_of.setdefault(key, index)
    wordings = list(first_of.values())
    counts = Counter(keys)
    weights = np.array([counts[keys[i]] for i in wordings], dtype=float)
    features, terms = _features([texts[i] for i in wordings])
    labels = _cluster(features)
    label_of = {keys[wordings[row]]: label for row, label in enumerate(labels)}
    groups = []
    for label in dict.fromkeys(labels):
        rows = [row for row, found in enumerate(labels) if found == label]
        members = tuple(i for i, key in enumerate(keys) if label_of[key] == label)
        groups.append(Group(members, wordings[_central(features, rows, weights)], _terms(features, terms, rows)))
    return groups


def question_text(text: str) -> str:
    """What a message asks, then the message as context: the questions weigh twice. 'J-1', 'j1' and
    'J1' are one word, as are 'DS-2019' and 'ds2019'. The marks redaction left ('[email]') say nothing
    about the question, so they go."""
    folded = LETTER_DASH_DIGIT.sub("", REDACTION_MARK.sub(" ", text.lower()))
    return f"{' '.join(split_parts(folded))} {folded}"


def _features(texts: list[str]) -> tuple[csr_matrix, list[str]]:
    docs = [question_text(text) for text in texts]
    words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"(?u)\b\w[\w'+-]*\b",
                            stop_words="english")
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    try:
        word_block = normalize(words.fit_transform(docs))
        terms = list(words.get_feature_names_out())
    except ValueError:  # only stop words or symbols ("??", "hi"): characters alone must do
        word_block, terms = csr_matrix((len(docs), 0)), []
    char_block = normalize(chars.fit_transform(docs))
    matrix = hstack([WORD_WEIGHT * word_block, (1 - WORD_WEIGHT) * char_block]).tocsr()
    return normalize(matrix), terms


def _cluster(features: csr_matrix) -> list[int]:
    if features.shape[0] == 1:
        return [1]
    similarity = (features @ features.T).toarray()
    distance = np.clip(1.0 - similarity, 0.0, None)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    return [int(label) for label in fcluster(tree, t=MAX_DISTANCE, criterion="distance")]


def _central(features: csr_matrix, rows: list[int], weights: np.ndarray) -> int:
    """The row with the highest similarity to the group, each wording counted as often as it was asked."""
    block = features[rows]
    closeness = np.asarray((block @ block.T).toarray() @ weights[rows]).ravel()
    return rows[int(np.argmax(closeness))]


def _terms(features: csr_matrix, terms: list[str], rows: list[int]) -> tuple[str, ...]:
    if not terms:
        return ()
    centroid = np.asarray(features[rows][:, :len(terms)].mean(axis=0)).ravel()
    best = [i for i in np.argsort(-centroid, kind="stable") if centroid[i] > 0]
    chosen: list[str] = []
    for index in best:
        term = terms[index]
        if not any(term in other or other in term for other in chosen):  # 'oet' and 'oet retake' say one thing
            chosen.append(term)
        if len(chosen) == LABEL_TERMS:
            break
    return tuple(chosen)
