"""Rasa NLU component that scores every customer message for frustration.

The score lands in the message's parse data under `frustration` (`score`, `signals`), so it is
stored with each message in the tracker and shown in transcripts. The handoff decision itself
also weighs the conversation so far (see `bot.handoff.escalation`).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.frustration import FrustrationScorer
from bot.settings import load_settings

FRUSTRATION_KEY = "frustration"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class FrustrationAnnotator(GraphComponent):
    """Adds `{"score": float, "signals": [...]}` under `frustration` to every parsed message."""

    def __init__(self, scorer: Optional[FrustrationScorer] = None) -> None:
        """Use `scorer`, or build one from settings on first use."""
        self._scorer = scorer

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "FrustrationAnnotator":
        """Create the component; the scorer is built lazily."""
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        """Score each message on its own text."""
        scorer = self._get_scorer()
        for message in messages:
            assessment = scorer.assess(message.get(TEXT) or "")
            message.set(
                FRUSTRATION_KEY,
                {"score": round(assessment.score, 4), "signals": list(assessment.signals)},
                add_to_output=True,
            )
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training data needs no frustration scores."""
        return training_data

    def _get_scorer(self) -> FrustrationScorer:
        """The scorer with the configured threshold, built once."""
        if self._scorer is None:
            self._scorer = FrustrationScorer(threshold=load_settings().frustration.threshold)
        return self._scorer
