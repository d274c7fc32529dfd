"""One fitted TF-IDF vectoriser's share of a linear model's decision for a single text, fast.

scikit-learn builds and checks sparse matrices on every `transform`, about 2 ms per vectoriser
for one short message here; for one text at a time the same numbers come from a dictionary
look-up per n-gram (sublinear tf, idf, L2 norm, exactly as `TfidfVectorizer` computes them).
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Dict

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer


class TfidfDot:
    """Weighted TF-IDF features of one text: `{column: value * weight}` for the n-grams it has."""

    def __init__(self, vectorizer: TfidfVectorizer, weights: np.ndarray) -> None:
        """Take the vectoriser's analyser, vocabulary and idf, and the model's weights for its columns."""
        if not (vectorizer.sublinear_tf and vectorizer.norm == "l2" and vectorizer.use_idf):
            raise ValueError("TfidfDot reproduces sublinear tf, idf and L2 norm only")
        self._analyze = vectorizer.build_analyzer()
        self._vocabulary = vectorizer.vocabulary_
        self._idf = vectorizer.idf_.tolist()
        self._weights = np.asarray(weights, dtype=np.float64).tolist()

    def contributions(self, text: str) -> Dict[int, float]:
        """Each column's feature value times its weight, for the n-grams of `text` in the vocabulary."""
        counts = Counter(
            column for column in map(self._vocabulary.get, self._analyze(text)) if column is not None
        )
        values = {column: (1.0 + math.log(count)) * self._idf[column] for column, count in counts.items()}
        norm = math.sqrt(sum(value * value for value in values.values()))
        if not norm:
            return {}
        return {column: value / norm * self._weights[column] for column, value in values.items()}
