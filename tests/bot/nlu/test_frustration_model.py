"""The frustration model: the operating point (the lowest cut within the calm budget) and a saved model scoring as the fitted one."""

from pathlib import Path

import numpy as np
import pytest

from bot.nlu.frustration_model import TrainingOptions, budget_threshold, fit
from bot.nlu.frustration_model_store import MODEL_FILE, UnsupportedFrustrationModel, load_model, save_model
from tests.frustration_corpora import hashed_unit_vectors, worded_corpus


def test_the_cut_flags_no_more_calm_texts_than_the_budget_and_is_the_lowest_that_does() -> None:
    rng = np.random.default_rng(3)
    calm = rng.uniform(0.0, 0.9, size=1000)
    frustrated = rng.uniform(0.5, 1.0, size=200)
    probabilities = np.concatenate([calm, frustrated])
    labels = np.array([False] * len(calm) + [True] * len(frustrated))

    cut = budget_threshold(probabilities, labels, calm_budget=0.005)

    assert int(np.sum(calm >= cut)) <= 5
    lower = [value for value in np.unique(np.round(probabilities, 3)) if value < cut]
    assert int(np.sum(calm >= max(lower))) > 5


def test_writing_more_frustrated_examples_does_not_raise_the_calm_share_flagged() -> None:
    rng = np.random.default_rng(4)
    calm = rng.uniform(0.0, 0.9, size=600)
    few = rng.uniform(0.4, 1.0, size=50)
    many = np.concatenate([few, rng.uniform(0.3, 1.0, size=400)])

    def calm_flagged(frustrated: np.ndarray) -> int:
        probabilities = np.concatenate([calm, frustrated])
        labels = np.array([False] * len(calm) + [True] * len(frustrated))
        return int(np.sum(calm >= budget_threshold(probabilities, labels, calm_budget=0.01)))

    assert calm_flagged(few) <= 6
    assert calm_flagged(many) <= 6


def test_a_budget_of_nothing_puts_the_cut_above_every_calm_text() -> None:
    probabilities = np.array([0.2, 0.95, 0.6, 0.9])
    labels = np.array([False, False, True, True])

    cut = budget_threshold(probabilities, labels, calm_budget=0.0)

    assert cut > 0.95


def test_a_model_with_a_gate_scores_the_same_after_loading_and_one_text_at_a_time(tmp_path: Path) -> None:
    model = fit(worded_corpus(7), TrainingOptions(gate_sample=30, folds=3), embed=hashed_unit_vectors).model
    texts = ["WHY, why is this STILL broken!!", "thanks, all fine", "qwrtzp day"]
    vectors = hashed_unit_vectors(texts)

    save_model(model, tmp_path)
    loaded = load_model(tmp_path)

    assert model.gate is not None and loaded.gate is not None
    assert loaded.scores(texts, vectors) == pytest.approx(model.scores(texts, vectors))
    one_by_one = [loaded.score_with_signals(text, vector)[0] for text, vector in zip(texts, vectors)]
    assert one_by_one == pytest.approx(model.scores(texts, vectors))


@pytest.mark.parametrize("retired", ["head_layers", "reddit_embedding_weights"])
def test_a_saved_model_with_a_retired_variants_parts_is_refused_not_loaded_as_another(tmp_path: Path, retired: str) -> None:
    model = fit(worded_corpus(7), TrainingOptions(gate_sample=0, folds=3), embed=hashed_unit_vectors).model
    save_model(model, tmp_path)
    with np.load(tmp_path / MODEL_FILE, allow_pickle=False) as saved:
        arrays = {name: saved[name] for name in saved.files}
    np.savez_compressed(tmp_path / MODEL_FILE, **arrays, **{retired: np.asarray(1)})

    with pytest.raises(UnsupportedFrustrationModel, match="retrain the model"):
        load_model(tmp_path)
