"""Tests for bot/nlu/embedding_head.py: the plain-array heads give the scikit-learn models' log-odds."""

import numpy as np
import pytest

from bot.nlu.embedding_head import EmbeddingHead


def unit_rows(seed: int, count: int = 300) -> tuple[np.ndarray, np.ndarray]:
    """Random unit-length rows and labels that depend on the first two columns."""
    rng = np.random.default_rng(seed)
    rows = rng.normal(size=(count, 16))
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    return rows, (rows[:, 0] + 0.5 * rows[:, 1] > 0.1).astype(int)


@pytest.mark.parametrize("kind", ["logistic", "perceptron"])
def test_a_head_ranks_held_out_rows_by_what_it_learnt(kind: str) -> None:
    rows, labels = unit_rows(1)
    held_rows, held_labels = unit_rows(2)

    head = EmbeddingHead.fit(kind, rows, labels, seed=3)
    decisions = head.decisions(held_rows)

    assert decisions.shape == (len(held_rows),)
    assert np.mean((decisions > 0) == held_labels.astype(bool)) > 0.8


def test_one_row_and_a_batch_give_the_same_log_odds() -> None:
    rows, labels = unit_rows(4)
    head = EmbeddingHead.fit("perceptron", rows, labels, seed=3)

    assert head.decisions(rows[5])[0] == pytest.approx(head.decisions(rows)[5])


def test_an_unknown_kind_is_refused() -> None:
    rows, labels = unit_rows(5)
    with pytest.raises(ValueError, match="unknown embedding head"):
        EmbeddingHead.fit("forest", rows, labels, seed=3)
