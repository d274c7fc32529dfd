"""One text's row of a fitted scikit-learn `CountVectorizer`, counted with a dictionary.

`CountVectorizer.transform` checks its input and builds a CSR matrix through several scipy
constructors, about 70-90 us for one short message here; counting the analyser's n-grams in the
vocabulary gives the same row (same columns, counts, dtypes and shape) in about half that time.
"""

from __future__ import annotations

from typing import Dict

import numpy as np
import scipy.sparse
from sklearn.feature_extraction.text import CountVectorizer


class CountRow:
    """`vectorizer.transform([text])` as a sorted 1-row COO matrix, without scikit-learn's checks."""

    def __init__(self, vectorizer: CountVectorizer) -> None:
        """Take the fitted vectoriser's analyser; its vocabulary is read at every call (finetuning may grow it)."""
        self._vectorizer = vectorizer
        self._analyze = vectorizer.build_analyzer()

    @property
    def vectorizer(self) -> CountVectorizer:
        """The vectoriser whose rows this counts."""
        return self._vectorizer

    def row(self, text: str) -> scipy.sparse.coo_matrix:
        """The counts of `text`'s n-grams that are in the vocabulary, one row, columns ascending."""
        vocabulary: Dict[str, int] = self._vectorizer.vocabulary_
        counts: Dict[int, int] = {}
        for feature in self._analyze(text):
            column = vocabulary.get(feature)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        columns = sorted(counts)
        values = np.ones(len(columns), dtype=self._vectorizer.dtype)
        if not self._vectorizer.binary:
            values[:] = [counts[column] for column in columns]
        return scipy.sparse.coo_matrix(
            (values, (np.zeros(len(columns), dtype=np.int32), np.asarray(columns, dtype=np.int32))),
            shape=(1, len(vocabulary)),
        )
