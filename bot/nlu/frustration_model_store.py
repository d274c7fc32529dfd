"""Saves and loads a `FrustrationModel` as plain arrays (vocabularies, idf, weights): no pickled objects.

Loading a model file must never run code from it, so nothing is pickled (as for the intent
classifier in `bot.nlu.intent_classifier`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from bot.nlu.domain_gate import DomainGate
from bot.nlu.frustration_model import FrustrationModel, RedditAnger, TextFeatures, WordFeatures

MODEL_FILE = "frustration_model.npz"
# Arrays of variants that were tried and not adopted (their code lives in bench/frustration_*_cv.py);
# a model holding them would load here as a different model, so it is refused.
RETIRED_PARTS = {"head_layers": "an embedding head", "reddit_embedding_weights": "a Reddit embedding step"}


class UnsupportedFrustrationModel(ValueError):
    """A saved model with parts this code no longer reads: retrain it (`python -m bot train --force`)."""


def _vectorizer_arrays(prefix: str, vectorizer: TfidfVectorizer) -> Dict[str, np.ndarray]:
    """A fitted vectoriser's terms (in column order) and idf weights."""
    terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
    return {f"{prefix}_terms": np.asarray(terms, dtype=str), f"{prefix}_idf": vectorizer.idf_}


def _restore_vectorizer(vectorizer: TfidfVectorizer, saved: np.lib.npyio.NpzFile, prefix: str) -> None:
    """Give an unfitted vectoriser the saved vocabulary and idf weights."""
    vectorizer.vocabulary = {str(term): index for index, term in enumerate(saved[f"{prefix}_terms"])}
    vectorizer._validate_vocabulary()
    vectorizer.idf_ = saved[f"{prefix}_idf"]


def _classifier_arrays(prefix: str, classifier: LogisticRegression) -> Dict[str, np.ndarray]:
    """A fitted binary logistic regression's weights."""
    return {f"{prefix}_coef": classifier.coef_, f"{prefix}_intercept": classifier.intercept_}


def _restore_classifier(saved: np.lib.npyio.NpzFile, prefix: str) -> LogisticRegression:
    """A logistic regression with the saved weights, ready to predict."""
    classifier = LogisticRegression()
    classifier.coef_ = saved[f"{prefix}_coef"]
    classifier.intercept_ = saved[f"{prefix}_intercept"]
    classifier.classes_ = np.array([0, 1])
    classifier.n_features_in_ = classifier.coef_.shape[1]
    return classifier


def _weights_and_settings(prefix: str, weights: np.ndarray, settings: Sequence[float]) -> Dict[str, np.ndarray]:
    """A weight vector and its scalar settings under `prefix` (`<prefix>_weights`, `<prefix>_settings`)."""
    return {f"{prefix}_weights": weights, f"{prefix}_settings": np.array(settings, dtype=np.float64)}


def _restore_weights_and_settings(saved: np.lib.npyio.NpzFile, prefix: str) -> Optional[Tuple[np.ndarray, List[float]]]:
    """What `_weights_and_settings` saved under `prefix`, or None if the model has no such part."""
    if f"{prefix}_weights" not in saved.files:
        return None
    return saved[f"{prefix}_weights"], [float(value) for value in saved[f"{prefix}_settings"]]


def _gate_arrays(gate: Optional[DomainGate]) -> Dict[str, np.ndarray]:
    """The domain gate's weights and settings, or nothing for a model without a gate."""
    if gate is None:
        return {}
    return _weights_and_settings("gate", gate.weights, [gate.intercept, gate.sharpness, gate.offset])


def save_model(model: FrustrationModel, directory: Path) -> None:
    """Write the model's arrays to `directory`."""
    np.savez_compressed(
        directory / MODEL_FILE,
        threshold=np.asarray(model.threshold),
        embedding_scale=np.asarray(model.embedding_scale),
        reddit_cut=np.asarray(model.reddit.cut),
        **_gate_arrays(model.gate),
        **_vectorizer_arrays("reddit_words", model.reddit.features.words),
        **_classifier_arrays("reddit", model.reddit.classifier),
        **_vectorizer_arrays("words", model.features.words),
        **_vectorizer_arrays("characters", model.features.characters),
        **_classifier_arrays("service", model.classifier),
    )


def load_model(directory: Path) -> FrustrationModel:
    """Read a model written by `save_model`, without allowing pickled objects."""
    with np.load(directory / MODEL_FILE, allow_pickle=False) as saved:
        retired = [name for array, name in RETIRED_PARTS.items() if array in saved.files]
        if retired:
            raise UnsupportedFrustrationModel(
                f"{directory / MODEL_FILE} has {' and '.join(retired)}, which this code no longer reads; "
                "retrain the model (python -m bot train --force)."
            )
        reddit_features = WordFeatures()
        _restore_vectorizer(reddit_features.words, saved, "reddit_words")
        reddit_cut = float(saved["reddit_cut"]) if "reddit_cut" in saved.files else 0.0
        reddit = RedditAnger(reddit_features, _restore_classifier(saved, "reddit"), reddit_cut)
        features = TextFeatures(min_df=1)
        _restore_vectorizer(features.words, saved, "words")
        _restore_vectorizer(features.characters, saved, "characters")
        embedding_scale = float(saved["embedding_scale"]) if "embedding_scale" in saved.files else 0.0
        gate = _restore_weights_and_settings(saved, "gate")
        return FrustrationModel(
            reddit, features, _restore_classifier(saved, "service"), float(saved["threshold"]), embedding_scale,
            None if gate is None else DomainGate(gate[0], *gate[1]),
        )
