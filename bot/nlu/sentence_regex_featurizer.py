"""Rasa's RegexFeaturizer that adds only the sentence features: which known patterns the text matches.

Rasa's featurizer also builds a token-by-pattern matrix (sequence features) and marks every token
with the patterns over it, for components such as CRFEntityExtractor; our pipeline has none of
them (the intent classifier reads sentence features, RegexEntityExtractor matches on its own), so
both are left out. The sentence row is built as Rasa builds it: 1.0 for a pattern that matches
over at least one token, as a COO matrix made from the dense row. Training and saved patterns are Rasa's.
"""

from __future__ import annotations

import re
from typing import Optional, Tuple

import numpy as np
import scipy.sparse
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.regex_featurizer import RegexFeaturizer
from rasa.shared.nlu.constants import ACTION_TEXT, RESPONSE, TEXT
from rasa.shared.nlu.training_data.message import Message

SENTENCE_ATTRIBUTES = (RESPONSE, TEXT, ACTION_TEXT)  # the attributes Rasa gives pattern sentence features


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class SentenceRegexFeaturizer(RegexFeaturizer):
    """Pattern sentence features equal to Rasa's RegexFeaturizer's; no sequence features, no token marks."""

    def _features_for_patterns(
        self, message: Message, attribute: str
    ) -> Tuple[Optional[scipy.sparse.coo_matrix], Optional[scipy.sparse.coo_matrix]]:
        """No sequence features, and the sentence row Rasa's featurizer makes for `attribute`."""
        text = message.get(attribute)
        tokens = message.get(TOKENS_NAMES[attribute], []) if text else []
        if not tokens:
            return None, None
        flags = 0 if self.case_sensitive else re.IGNORECASE
        sentence = np.zeros([1, len(self.known_patterns)])
        if attribute in SENTENCE_ATTRIBUTES:
            for index, pattern in enumerate(self.known_patterns):
                for match in re.finditer(pattern["pattern"], text, flags=flags):
                    if any(token.start < match.end() and token.end > match.start() for token in tokens):
                        sentence[0][index] = 1.0
                        break
        return None, scipy.sparse.coo_matrix(sentence)
