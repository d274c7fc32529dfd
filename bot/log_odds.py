"""Log-odds and back: the scale on which frustration evidence adds up (model score, conversation)."""

from __future__ import annotations

import math

import numpy as np

PROBABILITY_FLOOR = 1e-6


def log_odds(probability: float) -> float:
    """Log-odds of a probability, clipped away from 0 and 1 so it stays finite."""
    clipped = min(max(probability, PROBABILITY_FLOOR), 1.0 - PROBABILITY_FLOOR)
    return math.log(clipped / (1.0 - clipped))


def sigmoid(value: float) -> float:
    """Logistic function, safe for large magnitudes."""
    if value >= 0:
        return 1.0 / (1.0 + math.exp(-value))
    exp = math.exp(value)
    return exp / (1.0 + exp)


def log_odds_array(probabilities: np.ndarray) -> np.ndarray:
    """`log_odds` for every element of an array, with the same clipping."""
    clipped = np.clip(probabilities, PROBABILITY_FLOOR, 1.0 - PROBABILITY_FLOOR)
    return np.log(clipped / (1.0 - clipped))


def sigmoid_array(values: np.ndarray) -> np.ndarray:
    """`sigmoid` for every element of an array."""
    return 1.0 / (1.0 + np.exp(-np.asarray(values, dtype=np.float64)))
