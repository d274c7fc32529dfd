"""The customer-service stage's variants kept in bench/frustration_variant_cv.py: the embedding head, plain copies, and that
the variants are compared on the product's own training steps."""

import numpy as np
import pytest
from sklearn.metrics import average_precision_score

from bench.frustration_variant_cv import (
    EmbeddingHead,
    Setup,
    fold_variant_result,
    plain_copy,
    with_plain_copies,
)
from bot.nlu.frustration_model import FoldDecisions, ServiceTraining, TrainingOptions, fit
from tests.frustration_corpora import hashed_unit_vectors, nonsense_corpus, worded_corpus


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


def test_a_plain_copy_is_lower_case_without_punctuation() -> None:
    assert plain_copy("WHY is my refund STILL not here?!  I've waited...") == "why is my refund still not here ive waited"


def test_a_plain_copy_never_teaches_the_fold_that_validates_its_original() -> None:
    options = TrainingOptions(embedding_scale=0.0, gate_sample=0)

    result = fold_variant_result(nonsense_corpus(6), options, hashed_unit_vectors, with_plain_copies, with_copies=True)

    # Each text shares its made-up words only with its own copy: if a copy were learnt in the
    # fold that scores its original, the out-of-fold ranking would be nearly perfect.
    labels = [example.frustrated for example in result.in_domain]
    assert len(result.out_of_fold_scores) == len(result.in_domain) == 300
    assert average_precision_score(labels, result.out_of_fold_scores) < 0.6


def todays_folds(training: ServiceTraining, setup: Setup) -> FoldDecisions:
    """The shipped second stage's fold decisions, as `fit` uses them."""
    return training.classifier_decisions(setup.options)


def test_the_variants_are_scored_by_fits_own_steps() -> None:
    options = TrainingOptions(gate_sample=30, folds=3)

    shipped = fit(worded_corpus(7), options, embed=hashed_unit_vectors)
    rebuilt = fold_variant_result(worded_corpus(7), options, hashed_unit_vectors, todays_folds)

    assert [example.text for example in rebuilt.in_domain] == [example.text for example in shipped.in_domain]
    assert np.array_equal(rebuilt.out_of_fold_scores, shipped.out_of_fold_scores)
