"""Rasa's CountVectorsFeaturizer that adds only the sentence features, counted without scikit-learn's checks.

Rasa's featurizer transforms every message twice: once token by token (sequence features) and
once as the joined text (sentence features). Our pipeline reads only sentence features (the intent
classifier stacks them, nothing else reads count vectors), so the token-by-token pass is left out,
and the sentence row comes from `CountRow` (same numbers and dtypes as `transform`). Training,
vocabularies and what is saved are Rasa's; sentence features are made for the attributes Rasa makes
them for (text, response, action text); intent and action names, which Rasa featurizes only as
sequences, get nothing.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.count_row import CountRow


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class SentenceCountVectorsFeaturizer(CountVectorsFeaturizer):
    """Bag-of-n-gram sentence features, equal to Rasa's CountVectorsFeaturizer's; no sequence features."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Rasa's featurizer (same arguments), with no counters made yet."""
        super().__init__(*args, **kwargs)
        self._counters: Dict[str, CountRow] = {}

    def process(self, messages: List[Message]) -> List[Message]:
        """Set each message's sentence count features (training examples too: `process_training_data` calls this)."""
        for message in messages:
            for attribute in self._attributes:
                if attribute not in DENSE_FEATURIZABLE_ATTRIBUTES:
                    continue
                counter = self._counter(attribute)
                if counter is None:
                    continue
                tokens = self._get_processed_message_tokens_by_attribute(message, attribute)
                if tokens:
                    self.add_features_to_message(None, counter.row(" ".join(tokens)), attribute, message)
        return messages

    def _counter(self, attribute: str) -> Optional[CountRow]:
        """The counter for `attribute`'s fitted vectoriser, or None when it has none (Rasa adds nothing then)."""
        vectorizer = self.vectorizers.get(attribute)
        if not vectorizer or self._get_attribute_vocabulary(attribute) is None:
            return None
        counter = self._counters.get(attribute)
        if counter is None or counter.vectorizer is not vectorizer:  # `train` makes new vectorisers
            counter = self._counters[attribute] = CountRow(vectorizer)
        return counter
