"""Rasa's LogisticRegressionClassifier, made safe for blank messages and quick to train and load.

Rasa 3.6's classifier crashes on a message without tokens (its feature matrix comes out
narrower than the model's), and the customer's message is then lost. Blank messages are
classified as `nlu_fallback` instead, so the bot asks the customer to say it again.

Three costs of Rasa's version are removed (measured with cProfile on this project's data, 2 cores):
building the feature matrix message by message (deep copies of every sequence matrix, ~7 s) and
saving/loading with skops, whose import scans every loaded module (~9 s at training and again
at every server start). The fitted weights are stored as plain arrays in an `.npz` file. When a
message is classified, its scores are computed from its feature blocks directly instead of
stacking them into one scipy matrix first (stacking took most of the classifier's time per message).
"""

from __future__ import annotations

from typing import Any, Dict, List, Sequence, Tuple

import numpy as np
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.utils.tensorflow.constants import RANKING_LENGTH
from scipy.sparse import csr_matrix, hstack, spmatrix, vstack
from scipy.special import expit

WEIGHTS_FILE = "weights.npz"


def sentence_feature_matrix(messages: Sequence[Message]) -> csr_matrix:
    """One row per message: its sentence features for the text, sparse ones first, then dense.

    The same column layout as Rasa's classifier builds, stacked one featurizer block at a time
    instead of one message at a time.
    """
    layouts = [_sentence_feature_blocks(message) for message in messages]
    block_count = len(layouts[0])
    if any(len(blocks) != block_count for blocks in layouts):
        raise ValueError("Messages carry different sets of sentence features; were they featurized by one pipeline?")
    columns = [vstack([blocks[index] for blocks in layouts], format="csr") for index in range(block_count)]
    return hstack(columns, format="csr")


def _sentence_features(message: Message) -> List[Features]:
    """A message's sentence-level text features, sparse featurizers first (Rasa's column order)."""
    sentence = [f for f in message.features if f.attribute == TEXT and f.type == FEATURE_TYPE_SENTENCE]
    return [f for f in sentence if f.is_sparse()] + [f for f in sentence if f.is_dense()]


def _sentence_feature_blocks(message: Message) -> List[spmatrix]:
    """A message's sentence-level text features as 1-row blocks, sparse featurizers first.

    Sparse blocks are passed on as they are (converting each 1-row matrix costs more than stacking).
    """
    return [f.features if f.is_sparse() else csr_matrix(f.features) for f in _sentence_features(message)]


def linear_decisions(messages: Sequence[Message], coef: np.ndarray, intercept: np.ndarray) -> np.ndarray:
    """`sentence_feature_matrix(messages) @ coef.T + intercept`, without building the matrix.

    Each sparse block contributes the weights of its non-zero columns; each dense block a
    matrix-vector product. Same numbers as scikit-learn's `decision_function` up to rounding.
    """
    decisions = np.tile(intercept, (len(messages), 1))
    for row, message in enumerate(messages):
        features = _sentence_features(message)
        width = sum(feature.features.shape[-1] for feature in features)
        if width != coef.shape[1]:
            raise ValueError(f"The message has {width} sentence features, the classifier was fitted on {coef.shape[1]}")
        offset = 0
        for feature in features:
            block = feature.features
            width = block.shape[-1]
            if feature.is_dense():
                decisions[row] += coef[:, offset : offset + width] @ np.asarray(block, dtype=np.float64).reshape(-1)
            elif block.nnz:
                entries = block.tocoo()
                decisions[row] += coef[:, offset + entries.col] @ entries.data
            offset += width
    return decisions


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class BlankSafeLogisticRegressionClassifier(LogisticRegressionClassifier):
    """Logistic-regression intents; blank messages become `nlu_fallback` instead of an error."""

    def _create_X(self, messages: List[Message]) -> csr_matrix:
        """The feature matrix, built block by block (see `sentence_feature_matrix`)."""
        return sentence_feature_matrix(messages)

    def process(self, messages: List[Message]) -> List[Message]:
        """Classify messages with text; mark blank ones as not understood."""
        with_text = [message for message in messages if (message.get(TEXT) or "").strip()]
        if with_text:
            self._set_ranking(with_text, self._probabilities(with_text))
        for message in messages:
            if not (message.get(TEXT) or "").strip():
                intent = {"name": DEFAULT_NLU_FALLBACK_INTENT_NAME, "confidence": 1.0}
                message.set(INTENT, intent, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [intent], add_to_output=True)
        return messages

    def _probabilities(self, messages: List[Message]) -> np.ndarray:
        """`predict_proba`, from `linear_decisions` when the model is one-vs-rest over 3+ intents.

        That is what liblinear fits; other solvers (multinomial softmax) go through scikit-learn.
        """
        classifier = self.clf
        one_vs_rest = classifier.multi_class == "ovr" or (
            classifier.multi_class == "auto" and classifier.solver == "liblinear"
        )
        if not one_vs_rest or classifier.coef_.shape[0] < 3:
            return classifier.predict_proba(self._create_X(messages))
        probabilities = expit(linear_decisions(messages, classifier.coef_, classifier.intercept_))
        return probabilities / probabilities.sum(axis=1, keepdims=True)

    def _set_ranking(self, messages: List[Message], probabilities: np.ndarray) -> None:
        """Set each message's intent and ranking as Rasa's classifier does."""
        for message, row in zip(messages, probabilities):
            ranking = sorted(
                ({"name": name, "confidence": confidence} for name, confidence in zip(self.clf.classes_, row)),
                key=lambda entry: -entry["confidence"],
            )
            message.set(INTENT, ranking[0], add_to_output=True)
            if self.config[RANKING_LENGTH] > 0:
                ranking = ranking[: self.config[RANKING_LENGTH]]
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)

    def persist(self) -> None:
        """Save the fitted weights and labels as plain arrays (no pickled objects)."""
        with self._model_storage.write_to(self._resource) as model_dir:
            np.savez(
                model_dir / WEIGHTS_FILE,
                coef=self.clf.coef_,
                intercept=self.clf.intercept_,
                classes=np.asarray(self.clf.classes_, dtype=str),
                n_iter=np.asarray(self.clf.n_iter_),
            )

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "BlankSafeLogisticRegressionClassifier":
        """Rebuild the classifier from its saved weights; models saved by Rasa's own way still load."""
        with model_storage.read_from(resource) as model_dir:
            weights_path = model_dir / WEIGHTS_FILE
            if not weights_path.exists():
                return super().load(config, model_storage, resource, execution_context, **kwargs)
            coef, intercept, classes, n_iter = _read_weights(weights_path)
        component = cls(config, execution_context.node_name, model_storage, resource)
        component.clf.coef_ = coef
        component.clf.intercept_ = intercept
        component.clf.classes_ = classes
        component.clf.n_iter_ = n_iter
        component.clf.n_features_in_ = coef.shape[1]
        return component


def _read_weights(path: Any) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The arrays `persist` wrote, read without allowing pickled objects."""
    with np.load(path, allow_pickle=False) as saved:
        return saved["coef"], saved["intercept"], saved["classes"], saved["n_iter"]
