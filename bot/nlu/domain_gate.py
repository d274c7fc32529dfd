"""Which stage of the frustration model should decide: does a text read like a customer-service message?

The customer-service stage learnt frustration from our own texts and is precise there, but it has
never seen general chatty text and flags much of it. The Reddit stage learnt anger from 38,000
comments of exactly that kind. The gate, a logistic regression on the message's sentence embedding
(our texts against a sample of Reddit comments), gives the share of the decision each stage gets.
It is sharpened so that anything that reads like a customer-service message stays with that stage
(bench/frustration_gate_cv.py chose how sharp, out-of-fold on training data).
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from sklearn.linear_model import LogisticRegression

from bot.log_odds import sigmoid, sigmoid_array


class DomainGate:
    """A text's share for the customer-service stage (0..1), from its unit-length sentence embedding."""

    def __init__(self, weights: np.ndarray, intercept: float, sharpness: float, offset: float) -> None:
        """Keep the fitted weights and the sharpening: share = sigmoid(sharpness * (w.x + b + offset))."""
        self.weights = np.asarray(weights, dtype=np.float64).reshape(-1)
        self.intercept = float(intercept)
        self.sharpness = float(sharpness)
        self.offset = float(offset)

    @classmethod
    def fit(
        cls, service: np.ndarray, chat: np.ndarray, sharpness: float, offset: float, seed: int
    ) -> "DomainGate":
        """Learn customer-service embeddings (`service`) against general chat ones (`chat`)."""
        classifier = _gate_classifier(seed).fit(*_stacked(service, chat))
        return cls(classifier.coef_[0], float(classifier.intercept_[0]), sharpness, offset)

    def share(self, vector: np.ndarray) -> float:
        """The customer-service stage's share of the decision for one embedding."""
        return sigmoid(self.sharpness * (float(vector @ self.weights) + self.intercept + self.offset))

    def shares(self, vectors: np.ndarray) -> np.ndarray:
        """`share` for each row of `vectors`."""
        return sigmoid_array(self.sharpness * (np.asarray(vectors, dtype=np.float64) @ self.weights + self.intercept + self.offset))

    @staticmethod
    def blend(shares: Any, service: Any, reddit: Any) -> Any:
        """The model's score from the two stages' scores (floats or arrays): each weighed by its share."""
        return shares * service + (1.0 - shares) * reddit


def out_of_fold_shares(
    service: np.ndarray, chat: np.ndarray, folds: Sequence[np.ndarray], sharpness: float, offset: float, seed: int
) -> np.ndarray:
    """Each customer-service row's share from a gate that did not see it; `folds` hold out rows of `service`.

    Every gate is trained on all `chat` rows and the other folds of `service`, so the result tells
    how the gate treats customer-service texts it has never seen.
    """
    shares = np.zeros(len(service))
    for held_out in folds:
        keep = np.ones(len(service), dtype=bool)
        keep[held_out] = False
        gate = DomainGate.fit(service[keep], chat, sharpness, offset, seed)
        shares[held_out] = gate.shares(service[held_out])
    return shares


def _stacked(service: np.ndarray, chat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows and labels (1 = customer service) for the gate's classifier."""
    rows = np.vstack([service, chat]).astype(np.float64)
    return rows, np.array([1] * len(service) + [0] * len(chat))


def _gate_classifier(seed: int) -> LogisticRegression:
    """A fresh gate classifier, balanced because the two sides differ in size."""
    return LogisticRegression(C=1.0, solver="liblinear", class_weight="balanced", random_state=seed)
