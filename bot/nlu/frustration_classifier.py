"""Rasa NLU component that scores every customer message for frustration, once per turn.

Trained inside `rasa train` on GoEmotions and our own customer-service texts (see
`bot.nlu.frustration_corpus`). The score lands in the message's parse data under `frustration`
(`score`, `signals`): the single source the handoff policy, the handoff action, transcripts and
the review app read. A score of 0.5 is the operating point chosen on the training data.
The message's sentence embedding is the one `MiniLMFeaturizer` made earlier in the pipeline
(encoded here only when the pipeline has no such featurizer).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.frustration_corpus import data_fingerprint, training_corpus
from bot.nlu.frustration_model import MODEL_VERSION, FrustrationModel, TrainingOptions, fit
from bot.nlu.frustration_model_store import load_model, save_model
from bot.nlu.minilm_featurizer import message_embedding
from bot.nlu.sentence_encoder import EMBEDDING_DIMENSIONS, shared_encoder

FRUSTRATION_KEY = "frustration"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class FrustrationClassifier(GraphComponent):
    """Adds `{"score": float, "signals": [...]}` under `frustration` to every parsed message."""

    def __init__(
        self,
        model_storage: ModelStorage,
        resource: Resource,
        model: Optional[FrustrationModel] = None,
    ) -> None:
        """Keep where the model is stored and, once trained or loaded, the model itself."""
        self._model_storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "FrustrationClassifier":
        """An untrained component."""
        return cls(model_storage, resource)

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        """Retrain when data/frustration, a training option, the encoder or the model code's version changes.

        Rasa itself watches none of them: it fingerprints only data/nlu and config.yml.
        """
        return f"{data_fingerprint()}:{TrainingOptions()!r}:{shared_encoder().identity}:{MODEL_VERSION}"

    def train(self, training_data: TrainingData) -> Resource:
        """Fit on GoEmotions, our frustrated and calm examples and the NLU examples; save.

        The NLU examples' embeddings come from the pipeline; only the other texts are encoded here.
        """
        examples = [
            (message.get(TEXT) or "", message.get(INTENT) or "") for message in training_data.intent_examples
        ]
        known = {message.get(TEXT) or "": message_embedding(message) for message in training_data.intent_examples}
        self._model = fit(training_corpus(examples), embed=lambda texts: _embeddings(texts, known)).model
        with self._model_storage.write_to(self._resource) as model_dir:
            save_model(self._model, model_dir)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "FrustrationClassifier":
        """Read the trained model from the model archive."""
        with model_storage.read_from(resource) as model_dir:
            model = load_model(model_dir)
        return cls(model_storage, resource, model)

    def process(self, messages: List[Message]) -> List[Message]:
        """Score each message on its own text; the conversation is weighed by the handoff policy."""
        if self._model is None:
            raise RuntimeError("FrustrationClassifier used before training or loading")
        for message in messages:
            score, signals = self._model.score_with_signals(message.get(TEXT) or "", message_embedding(message))
            message.set(FRUSTRATION_KEY, {"score": round(score, 4), "signals": signals}, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training data needs no frustration scores."""
        return training_data


def _embeddings(texts: Sequence[str], known: Dict[str, Optional[np.ndarray]]) -> np.ndarray:
    """Rows for `texts`: the pipeline's embedding where a training message had one, the rest encoded in one batch."""
    missing = list(dict.fromkeys(text for text in texts if known.get(text) is None))
    vectors = {**known, **dict(zip(missing, shared_encoder().encode(missing)))} if missing else known
    return np.array([vectors[text] for text in texts], dtype=np.float32).reshape(len(texts), EMBEDDING_DIMENSIONS)
