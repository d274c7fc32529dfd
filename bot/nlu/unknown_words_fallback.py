"""Rasa's FallbackClassifier that also falls back on unsure guesses at text with no word it knows.

Keyboard mash ("asdfgh", "fdsa") has no word of the training data in it, yet the intent classifier
spreads it over the intents and its best guess often passes the 0.25 threshold: "asdfgh" was read
as affirm (0.33, "Great. What can I help you with?") and "fdsa" as complaint (0.39, a complaint
ticket for the team). This component knows every word of the NLU examples and of the entity
lookup tables (learnt in `train`), and when a message's words are all unknown it asks for more
confidence (`unknown_words_threshold`, 0.5) before trusting a guess. A message with one known word
("ok fdsa"), a number ("55213") or only emoji is left to the usual threshold, and so is a confident
guess at an unknown word (a typo such as "thnaks", read as thank 0.66).
"""

from __future__ import annotations

import json
import re
from typing import Any, Dict, FrozenSet, Iterable, List, Optional, Text, Type

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
from rasa.shared.nlu.constants import INTENT, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

UNKNOWN_WORDS_THRESHOLD_KEY = "unknown_words_threshold"
VOCABULARY_FILE = "known_words.json"
_WORD = re.compile(r"[^\W\d_]+")


def words_of(text: str) -> List[str]:
    """The lower-cased runs of letters in `text` ("Where's my order?" -> where, s, my, order)."""
    return [word.casefold() for word in _WORD.findall(text)]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class UnknownWordsFallbackClassifier(FallbackClassifier):
    """FallbackClassifier plus a higher threshold for messages none of whose words it has seen."""

    @classmethod
    def required_components(cls) -> List[Type]:
        """None that Rasa could check: it looks for them among the ancestors of this trainable
        component's training node too, where no intent classifier is. The pipeline puts one before it."""
        return []

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Rasa's fallback settings plus `unknown_words_threshold`."""
        return {**FallbackClassifier.get_default_config(), UNKNOWN_WORDS_THRESHOLD_KEY: 0.5}

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: Optional[ModelStorage] = None,
        resource: Optional[Resource] = None,
        known_words: Iterable[str] = (),
    ) -> None:
        """The classifier with `known_words` (empty until trained or loaded)."""
        super().__init__(config)
        self._model_storage = model_storage
        self._resource = resource
        self.known_words: FrozenSet[str] = frozenset(known_words)

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "UnknownWordsFallbackClassifier":
        """A classifier that knows no words yet."""
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Learn the words of every NLU example and lookup-table entry; save them."""
        texts = [message.get(TEXT) or "" for message in training_data.training_examples]
        texts += [str(element) for table in training_data.lookup_tables for element in table.get("elements", [])]
        self.known_words = frozenset(word for text in texts for word in words_of(text))
        if self._model_storage is None or self._resource is None:
            raise RuntimeError("UnknownWordsFallbackClassifier trained without a model storage")
        with self._model_storage.write_to(self._resource) as directory:
            (directory / VOCABULARY_FILE).write_text(json.dumps(sorted(self.known_words)), encoding="utf-8")
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "UnknownWordsFallbackClassifier":
        """The trained classifier, its words read from the model archive."""
        with model_storage.read_from(resource) as directory:
            known_words = json.loads((directory / VOCABULARY_FILE).read_text(encoding="utf-8"))
        return cls(config, model_storage, resource, known_words)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training examples keep their labelled intents."""
        return training_data

    def _should_fallback(self, message: Message) -> bool:
        """Rasa's reasons, or an unsure guess at a message whose words are all unknown."""
        if super()._should_fallback(message):
            return True
        confidence = message.data[INTENT].get(PREDICTED_CONFIDENCE_KEY) or 0.0
        return confidence < self.component_config[UNKNOWN_WORDS_THRESHOLD_KEY] and self.has_only_unknown_words(message)

    def has_only_unknown_words(self, message: Message) -> bool:
        """True when the text has letters, no digit and no word this classifier has seen."""
        text = message.get(TEXT) or ""
        if any(character.isdigit() for character in text):
            return False
        words = words_of(text)
        return bool(words) and not any(word in self.known_words for word in words)
