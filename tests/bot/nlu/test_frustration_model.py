"""The frustration model's operating point: the lowest cut within the calm budget."""

import zlib
from pathlib import Path
from typing import Sequence

import numpy as np
import pytest
from sklearn.metrics import average_precision_score

from bot.nlu.frustration_corpus import LabelledText
from bot.nlu.frustration_model import TrainingOptions, budget_threshold, fit, plain_copy
from bot.nlu.frustration_model_store import load_model, save_model
from bot.nlu.sentence_encoder import EMBEDDING_DIMENSIONS


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


def test_a_plain_copy_is_lower_case_without_punctuation() -> None:
    assert plain_copy("WHY is my refund STILL not here?!  I've waited...") == "why is my refund still not here ive waited"


def nonsense_corpus(seed: int) -> list[LabelledText]:
    """Our texts made of words found nowhere else, labelled at random, and a few Reddit comments."""
    rng = np.random.default_rng(seed)
    letters = list("bcdfghjklmnpqrstvwxz")

    def word() -> str:
        return "".join(rng.choice(letters, size=7))

    ours = [
        LabelledText(f"{word().upper()}, {word()}'s {word()}!", bool(rng.random() < 0.3), "made_up", True)
        for _ in range(300)
    ]
    comments = [LabelledText(f"{word()} {'angry' if index % 3 else 'fine'} day", index % 3 == 0, "reddit", False) for index in range(60)]
    return [*ours, *comments]


def test_a_plain_copy_never_teaches_the_fold_that_validates_its_original() -> None:
    options = TrainingOptions(embedding_scale=0.0, gate_sample=0, plain_copies=True)

    result = fit(nonsense_corpus(6), options)

    # Each text shares its made-up words only with its own copy: if a copy were learnt in the
    # fold that scores its original, the out-of-fold ranking would be nearly perfect.
    labels = [example.frustrated for example in result.in_domain]
    assert len(result.out_of_fold) == len(result.in_domain) == 300
    assert average_precision_score(labels, result.out_of_fold) < 0.6


def worded_corpus(seed: int) -> list[LabelledText]:
    """Our texts from an angry and a calm vocabulary, and Reddit comments saying angry or fine."""
    rng = np.random.default_rng(seed)
    angry = ["useless", "again", "never", "joke", "furious", "waited", "STILL"]
    calm = ["please", "order", "refund", "thanks", "where", "card", "help"]
    ours = [
        LabelledText(" ".join(rng.choice(angry if frustrated else calm, size=4)) + "!", frustrated, "made_up", True)
        for frustrated in rng.random(200) < 0.3
    ]
    comments = [
        LabelledText(f"{rng.choice(calm + angry)} {'so angry' if index % 3 == 0 else 'fine'} day", index % 3 == 0, "reddit", False)
        for index in range(90)
    ]
    return [*ours, *comments]


def hashed_unit_vectors(texts: Sequence[str]) -> np.ndarray:
    """A stand-in sentence embedding: a fixed random unit vector per text (the same text, the same vector)."""
    rows = [np.random.default_rng(zlib.crc32(text.encode())).normal(size=EMBEDDING_DIMENSIONS) for text in texts]
    matrix = np.array(rows).reshape(len(texts), EMBEDDING_DIMENSIONS)
    return (matrix / np.linalg.norm(matrix, axis=1, keepdims=True)).astype(np.float32)


def test_a_model_with_an_embedding_head_and_a_reddit_embedding_step_scores_the_same_after_loading(tmp_path: Path) -> None:
    options = TrainingOptions(embedding_head="logistic", reddit_embedding_sample=40, gate_sample=30, folds=3)
    model = fit(worded_corpus(7), options, embed=hashed_unit_vectors).model
    texts = ["WHY, why is this STILL broken!!", "thanks, all fine", "qwrtzp day"]
    vectors = hashed_unit_vectors(texts)

    save_model(model, tmp_path)
    loaded = load_model(tmp_path)

    assert model.head is not None and model.reddit.embedding is not None and model.gate is not None
    assert loaded.scores(texts, vectors) == pytest.approx(model.scores(texts, vectors))
    one_by_one = [loaded.score_with_signals(text, vector)[0] for text, vector in zip(texts, vectors)]
    assert one_by_one == pytest.approx(model.scores(texts, vectors))
    assert model.reddit_scores(texts, vectors) != pytest.approx(model.reddit_scores(texts))
