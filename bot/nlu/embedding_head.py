"""A small classifier on the sentence embedding alone, whose log-odds the customer-service stage can average in.

Either a logistic regression or a one-hidden-layer perceptron (ReLU) on the unit-length MiniLM
embedding, kept as plain weight arrays: scoring a message is one or two small matrix products on
the vector the NLU pipeline already made, no second encoding.
"""

from __future__ import annotations

import warnings
from typing import List, Sequence, Tuple

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier

HEAD_KINDS = ("logistic", "perceptron")
Layer = Tuple[np.ndarray, np.ndarray]


class EmbeddingHead:
    """Log-odds of frustration from a sentence embedding: ReLU hidden layers, then a linear output."""

    def __init__(self, layers: Sequence[Layer]) -> None:
        """Keep the (weights, bias) pairs, input side first; the last one gives the log-odds."""
        self.layers: List[Layer] = [
            (np.asarray(weights, dtype=np.float64), np.asarray(bias, dtype=np.float64).reshape(-1)) for weights, bias in layers
        ]

    @classmethod
    def fit(cls, kind: str, vectors: np.ndarray, labels: np.ndarray, seed: int) -> "EmbeddingHead":
        """Train a `kind` head (one of HEAD_KINDS) on embeddings and 0/1 labels."""
        if kind == "logistic":
            classifier = LogisticRegression(C=1.0, solver="liblinear", class_weight="balanced", random_state=seed)
            classifier.fit(vectors, labels)
            return cls([(classifier.coef_.T, classifier.intercept_)])
        if kind == "perceptron":
            network = MLPClassifier(hidden_layer_sizes=(64,), alpha=1e-3, max_iter=300, random_state=seed)
            with warnings.catch_warnings():  # a fixed budget of 300 passes, converged or not
                warnings.simplefilter("ignore", ConvergenceWarning)
                network.fit(vectors, labels)
            return cls(list(zip(network.coefs_, network.intercepts_)))
        raise ValueError(f"unknown embedding head {kind!r}; expected one of {HEAD_KINDS}")

    def decisions(self, vectors: np.ndarray) -> np.ndarray:
        """One log-odds per row of `vectors`."""
        values = np.asarray(vectors, dtype=np.float64).reshape(-1, self.layers[0][0].shape[0])
        for weights, bias in self.layers[:-1]:
            values = np.maximum(values @ weights + bias, 0.0)
        weights, bias = self.layers[-1]
        return (values @ weights + bias)[:, 0]
