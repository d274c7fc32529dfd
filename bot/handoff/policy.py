"""Rasa policy that makes the handoff the very next bot action when a customer needs a person.

It scores nothing itself: each message's frustration score comes from its parse data (set by
`bot.nlu.frustration_classifier`), weighed with the conversation by `bot.handoff.escalation.decide`.

It outranks every other policy (confidence 1.0 at a higher priority than RulePolicy), so no
rule, story or fallback can answer a frustrated customer with another bot message first.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.policy import Policy, PolicyPrediction, SupportedData
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot.handoff.escalation import HANDOFF_ACTION, customer_turns_since_handoff, decide
from bot.settings import load_settings

logger = logging.getLogger(__name__)

HANDOFF_POLICY_PRIORITY = 7


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class HandoffPolicy(Policy):
    """Predicts `action_handoff` right after a message that asks for a person or is too frustrating."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Priority above RulePolicy (6), so ties at confidence 1.0 go to the handoff."""
        return {"priority": HANDOFF_POLICY_PRIORITY}

    @staticmethod
    def supported_data() -> SupportedData:
        """The policy learns nothing from stories or rules."""
        return SupportedData.ML_AND_RULE_DATA

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        featurizer: Optional[Any] = None,
        threshold: Optional[float] = None,
    ) -> None:
        """Use `threshold`, or the one in `settings.yml` (read when the model loads)."""
        super().__init__(config, model_storage, resource, execution_context, featurizer)
        self._threshold = threshold

    def train(
        self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any
    ) -> Resource:
        """Nothing to learn: the rule is the threshold in settings."""
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[Text, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        """Handoff with confidence 1.0 when the latest customer message calls for it, else abstain.

        After the handoff the bot listens (the action also pauses the conversation).
        """
        probabilities = self._default_predictions(domain)
        if HANDOFF_ACTION not in domain.action_names_or_texts:
            return self._prediction(probabilities)
        if tracker.latest_action_name == HANDOFF_ACTION:
            probabilities[domain.index_for_action(ACTION_LISTEN_NAME)] = 1.0
            return self._prediction(probabilities)
        if tracker.latest_action_name != ACTION_LISTEN_NAME:
            return self._prediction(probabilities)
        events = [event.as_dict() for event in tracker.events]
        decision = decide(customer_turns_since_handoff(events), self._get_threshold())
        if decision.handoff:
            logger.info(
                "Handoff for a conversation: reason %s, score %.2f.", decision.reason, decision.score
            )
            probabilities[domain.index_for_action(HANDOFF_ACTION)] = 1.0
        return self._prediction(probabilities)

    def _get_threshold(self) -> float:
        """The handoff threshold, read from settings on first prediction."""
        if self._threshold is None:
            self._threshold = load_settings().frustration.threshold
        return self._threshold
