"""Rasa's LogisticRegressionClassifier, made safe for empty and whitespace-only messages.

Rasa 3.6's classifier crashes on a message without tokens (its feature matrix comes out
narrower than the model's), and the customer's message is then lost. Blank messages are
classified as `nlu_fallback` instead, so the bot asks the customer to say it again.
"""

from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class BlankSafeLogisticRegressionClassifier(LogisticRegressionClassifier):
    """Logistic-regression intents; blank messages become `nlu_fallback` instead of an error."""

    def process(self, messages: List[Message]) -> List[Message]:
        """Classify messages with text; mark blank ones as not understood."""
        with_text = [message for message in messages if (message.get(TEXT) or "").strip()]
        if with_text:
            super().process(with_text)
        for message in messages:
            if not (message.get(TEXT) or "").strip():
                intent = {"name": DEFAULT_NLU_FALLBACK_INTENT_NAME, "confidence": 1.0}
                message.set(INTENT, intent, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [intent], add_to_output=True)
        return messages
