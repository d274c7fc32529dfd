"""Tests for bot/nlu/frustration_annotator.py: the NLU component that scores each message's frustration."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.frustration import FrustrationScorer
from bot.nlu.frustration_annotator import FRUSTRATION_KEY, FrustrationAnnotator
from tests.builders import EMOJI_ONLY_TEXT, LONG_TEXT

ANGRY = "This is the THIRD time I'm asking, your service is useless!!!"
CALM = "How much is the Aura speaker?"


@pytest.fixture
def annotator(scorer: FrustrationScorer) -> FrustrationAnnotator:
    """The component with the shared scorer."""
    return FrustrationAnnotator(scorer)


def test_each_message_gets_a_score_and_signals_in_its_parse_output(annotator: FrustrationAnnotator) -> None:
    angry, calm = Message(data={"text": ANGRY}), Message(data={"text": CALM})

    processed = annotator.process([angry, calm])

    assert processed == [angry, calm]
    angry_output = angry.as_dict(only_output_properties=True)[FRUSTRATION_KEY]
    calm_output = calm.as_dict(only_output_properties=True)[FRUSTRATION_KEY]
    assert angry_output["score"] >= 0.5 and "third_time" in angry_output["signals"]
    assert calm_output["score"] < 0.5 and calm_output["signals"] == []


def test_the_score_is_rounded_and_matches_the_scorer(annotator: FrustrationAnnotator, scorer: FrustrationScorer) -> None:
    message = Message(data={"text": ANGRY})

    annotator.process([message])

    assert message.get(FRUSTRATION_KEY)["score"] == round(scorer.score(ANGRY), 4)


@pytest.mark.parametrize("data", [{}, {"text": ""}, {"text": EMOJI_ONLY_TEXT}, {"text": LONG_TEXT}],
                         ids=["no-text", "empty", "emoji-only", "20kB"])
def test_odd_messages_still_get_a_score_in_range(annotator: FrustrationAnnotator, data: dict) -> None:
    message = Message(data=dict(data))

    annotator.process([message])

    assert 0.0 <= message.get(FRUSTRATION_KEY)["score"] <= 1.0


def test_created_by_rasa_the_component_builds_its_scorer_from_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRIGHTWAY_FRUSTRATION_THRESHOLD", "0.5")
    component = FrustrationAnnotator.create(
        FrustrationAnnotator.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("frustration"),
        ExecutionContext(GraphSchema({})),
    )
    message = Message(data={"text": ANGRY})

    component.process([message])

    assert message.get(FRUSTRATION_KEY)["score"] >= 0.5


def test_training_data_passes_through_unchanged(annotator: FrustrationAnnotator) -> None:
    training_data = TrainingData([Message(data={"text": "hi", "intent": "greet"})])

    assert annotator.process_training_data(training_data) is training_data
