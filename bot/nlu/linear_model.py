"""A TF-IDF (word and character n-grams) logistic-regression text classifier: no TensorFlow.

Word n-grams carry the topic ("step 2 ck fee"); character n-grams inside word boundaries carry
typos and text-speak ("certifcate", "ecfmg's", "usmle1"). Logistic regression gives probabilities
that mean something, which the answer thresholds need.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

Progress = Callable[[str], None]


@dataclass
class LinearTextModel:
    words: TfidfVectorizer
    chars: TfidfVectorizer
    classifier: LogisticRegression

    @property
    def labels(self) -> list[str]:
        return [str(label) for label in self.classifier.classes_]

    @classmethod
    def fit(cls, texts: Sequence[str], labels: Sequence[str], c: float = 20.0, word_min_df: int = 2,
            max_iter: int = 50, progress: Progress = lambda _: None) -> "LinearTextModel":
        """word_min_df: how many examples a word n-gram needs to be a feature. Most word pairs occur once;
        each feature costs a weight per label, and L-BFGS time grows with the weights.
        max_iter: L-BFGS iterations at most; each costs about two seconds on 2 cores with 170 labels, and
        on blind dev set A 50 scored exactly as 300 (which stopped at about 80)."""
        progress(f"vectorising {len(texts)} examples (word 1-2 and character 2-5 n-grams)")
        words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=word_min_df,
                                token_pattern=r"(?u)\b\w[\w'+-]*\b")
        chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)
        features = hstack([words.fit_transform(texts), chars.fit_transform(texts)]).tocsr()
        progress(f"fitting logistic regression: {features.shape[1]} features, {len(set(labels))} labels")
        classifier = LogisticRegression(C=c, max_iter=max_iter, class_weight="balanced")
        with warnings.catch_warnings():  # stopping at max_iter is the choice above, not a fault to report
            warnings.simplefilter("ignore", ConvergenceWarning)
            classifier.fit(features, list(labels))
        return cls(words, chars, classifier)

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text, one column per label (in `labels` order); rows sum to 1."""
        features = hstack([self.words.transform(texts), self.chars.transform(texts)]).tocsr()
        return self.classifier.predict_proba(features)
